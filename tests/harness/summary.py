"""The summary printed after a run: per page, blocks executed and skipped (with reasons); the slowest programs."""

from __future__ import annotations

from collections import defaultdict

from .page import relative


def _block_reports(terminalreporter):
    """(page, framework, outcome, skip reason) for every block item that reported."""
    for outcome in ("passed", "failed", "skipped"):
        for report in terminalreporter.stats.get(outcome, []):
            parts = report.nodeid.split("::")
            if len(parts) != 3 or not parts[2].startswith("line "):
                continue
            if outcome != "skipped" and report.when != "call":
                continue
            reason = report.longrepr[2].removeprefix("Skipped: ") if outcome == "skipped" else None
            yield parts[0], parts[1], outcome, reason


def write_summary(terminalreporter, runs: dict, stamp_problem: str | None) -> None:
    pages: dict[str, dict] = defaultdict(lambda: {"executed": 0, "failed": 0, "skipped": [], "not run": 0})
    for page, _framework, outcome, reason in _block_reports(terminalreporter):
        counts = pages[page]
        if outcome == "passed":
            counts["executed"] += 1
        elif outcome == "failed":
            counts["executed"] += 1
            counts["failed"] += 1
        elif reason.startswith("not run"):
            counts["not run"] += 1
        else:
            counts["skipped"].append(reason)
    if not pages:
        return
    write = terminalreporter.write_line
    terminalreporter.section("executable guide")
    total = sum(c["executed"] for c in pages.values())
    on_gpu = sum(
        len([r for r in run.results.values() if r.status != "skipped"])
        for run in runs.values()
        if any(run.environment.get("gpu", {}).values())
    )
    write(f"{total} blocks executed on {len(pages)} page{'s' if len(pages) != 1 else ''}" + (f", {on_gpu} of them in programs that saw a GPU" if on_gpu else ""))
    for page in sorted(pages):
        counts = pages[page]
        line = f"  {page}: {counts['executed']} executed"
        if counts["failed"]:
            line += f", {counts['failed']} failed"
        if counts["not run"]:
            line += f", {counts['not run']} not run after a failure"
        if counts["skipped"]:
            line += f", {len(counts['skipped'])} skipped"
        write(line)
        for reason in counts["skipped"]:
            write(f"      skipped {reason}")
    slowest = sorted(runs.items(), key=lambda item: item[1].seconds, reverse=True)[:5]
    write("slowest programs:")
    for (path, framework), run in slowest:
        write(f"  {run.seconds:6.1f} s  {relative(path)} [{framework}]")
    if stamp_problem:
        terminalreporter.write_line(f"version stamp: {stamp_problem}", red=True)
