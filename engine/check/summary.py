"""The summary printed after a run: per page, blocks executed and skipped (with reasons); the slowest programs."""

from __future__ import annotations

from collections import defaultdict


def _block_reports(terminalreporter):
    """(page, framework, outcome, skip reason, properties) for every block item that reported.

    Everything comes from the test reports, so the summary is the same with pytest-xdist, whose workers send
    their reports to the process that prints it."""
    for outcome in ("passed", "failed", "skipped"):
        for report in terminalreporter.stats.get(outcome, []):
            parts = report.nodeid.split("@")[0].split("::")
            if len(parts) != 3 or not parts[2].startswith("line "):
                continue
            if outcome != "skipped" and report.when != "call":
                continue
            reason = report.longrepr[2].removeprefix("Skipped: ") if outcome == "skipped" else None
            yield parts[0], parts[1], outcome, reason, dict(report.user_properties)


def write_summary(terminalreporter, accounting: tuple[str, list[str]] | None = None) -> None:
    pages: dict[str, dict] = defaultdict(lambda: {"executed": 0, "failed": 0, "skipped": [], "not run": 0})
    seconds: dict[tuple[str, str], float] = {}
    reused: set[tuple[str, str]] = set()
    on_gpu = 0
    for page, framework, outcome, reason, properties in _block_reports(terminalreporter):
        if properties.get("reused"):
            reused.add((page, framework))
        elif "program_seconds" in properties:
            seconds[page, framework] = properties["program_seconds"]
        on_gpu += outcome != "skipped" and bool(properties.get("gpu"))
        counts = pages[page]
        if outcome == "passed":
            counts["executed"] += 1
        elif outcome == "failed":
            counts["executed"] += 1
            counts["failed"] += 1
        elif reason.startswith("not run"):
            counts["not run"] += 1
        elif reason not in counts["skipped"]:  # a block outside the tabs belongs to both programs: report it once
            counts["skipped"].append(reason)
    if not pages:
        return
    write = terminalreporter.write_line
    terminalreporter.section("executable guide")
    total = sum(c["executed"] for c in pages.values())
    skipped = sum(len(c["skipped"]) for c in pages.values())
    write(f"{total} blocks executed on {len(pages)} page{'s' if len(pages) != 1 else ''}"
          + (f", {on_gpu} of them in programs that saw a GPU" if on_gpu else "") + f"; {skipped} skipped")
    if reused:
        write(f"{len(reused)} programs were not run: their recorded results were reused, as nothing that can change "
              "their output changed (--reuse; CI=1 runs everything)")
    if accounting:
        write(f"work done: {accounting[0]}")
        for problem in accounting[1]:
            write(f"  done more than once: {problem}", red=True)
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
            write(f"      skipped: {reason}")
    shown = None if terminalreporter.verbosity > 0 else 5  # -v: every program
    if not seconds:
        return
    write("slowest programs run:" if shown else "every program run, slowest first:")
    for (page, framework), time in sorted(seconds.items(), key=lambda item: item[1], reverse=True)[:shown]:
        write(f"  {time:6.1f} s  {page} [{framework}]")
