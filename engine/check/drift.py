"""Newer releases checked: every page run against newer framework versions than the pinned ones, as a report.

`make test-latest` runs the pages in a second environment (.venv-latest) with `--drift-report FILE`. Then a block
whose output differs does not fail; each block's outcome is recorded instead, and the report is written as JSON:

    {"checked_with": {"torch": "2.14.1", ...}, "pinned": {...docs/verified.json...}, "date": "2026-12-01",
     "pages": {"docs/x.md": {"PyTorch": [{"line": 23, "status": "same" | "differs" | "fails", "detail": "..."}]}}}

`differs` holds the diff between the page and what the newer release printed; `fails` the error. The site renders
the committed report (render_note for each page, render_page for the page that lists every difference).
"""

from __future__ import annotations

import datetime
import json
from pathlib import Path

from ..settings import DOCS, FRAMEWORK_PACKAGES, VERIFIED

REPORT = DOCS / "drift" / "latest.json"
PAGE = "newer-releases.md"
PLACEHOLDER = "<!-- drift-report -->"
PROPERTY = "drift"  # the name of the user property a block item reports its outcome under


def outcome(line: int, status: str, detail: str = "") -> tuple[str, str]:
    """The user property a block item attaches to its report."""
    return PROPERTY, json.dumps({"line": line, "status": status, "detail": detail})


def write(path: Path, reports, versions: dict[str, str]) -> dict:
    """The report from the test reports of every block item (nodeid docs/x.md::PyTorch::line N)."""
    pages: dict = {}
    for report in reports:
        for name, value in report.user_properties:
            if name == PROPERTY:
                page, framework = report.nodeid.split("::")[:2]
                pages.setdefault(page, {}).setdefault(framework, []).append(json.loads(value))
    for frameworks in pages.values():
        for blocks in frameworks.values():
            blocks.sort(key=lambda b: b["line"])
    data = {
        "checked_with": versions,
        "pinned": json.loads(VERIFIED.read_text()),
        "date": datetime.date.today().isoformat(),
        "pages": dict(sorted(pages.items())),
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, indent=2) + "\n")
    return data


def load() -> dict | None:
    return json.loads(REPORT.read_text()) if REPORT.exists() else None


def _versions(data: dict) -> str:
    newer = {k: v for k, v in data["checked_with"].items() if data["pinned"].get(k) != v}
    shown = newer or data["checked_with"]
    return ", ".join(f"{FRAMEWORK_PACKAGES[k]} {v}" for k, v in shown.items() if k in FRAMEWORK_PACKAGES)


def counts(blocks: list[dict]) -> dict[str, int]:
    found = {"same": 0, "differs": 0, "fails": 0}
    for block in blocks:
        found[block["status"]] += 1
    return found


def render_note(data: dict, page: str) -> str:
    """The line a page carries: which newer versions it was also checked with, and whether its outputs held."""
    frameworks = data["pages"].get(page)
    if not frameworks:
        return ""
    total = counts([b for blocks in frameworks.values() for b in blocks])
    if total["differs"] == total["fails"] == 0:
        verdict = f"all {total['same']} outputs held"
    else:
        parts = [f"{total[k]} block{'s' if total[k] != 1 else ''} {word}" for k, word in
                 (("differs", "printed something else"), ("fails", "failed")) if total[k]]
        verdict = " and ".join(parts) + f" ([every difference](newer-releases.md#{_anchor(page)}))"
    return f"Also checked with {_versions(data)} on {data['date']}: {verdict}."


def _anchor(page: str) -> str:
    return Path(page).stem


def render_page(data: dict) -> str:
    """Every page's outcome with the newer releases, and every difference in full."""
    out = [f"Checked with **{_versions(data)}** on {data['date']} (the pages are verified with "
           + ", ".join(f"{FRAMEWORK_PACKAGES[k]} {v}" for k, v in data["pinned"].items() if k in FRAMEWORK_PACKAGES)
           + ").", "", "| Page | Framework | Same | Differs | Fails |", "| --- | --- | ---: | ---: | ---: |"]
    for page, frameworks in data["pages"].items():
        for framework, blocks in frameworks.items():
            c = counts(blocks)
            link = f"[{Path(page).stem}]({Path(page).relative_to('docs')})"
            out.append(f"| {link} | {framework} | {c['same']} | {c['differs']} | {c['fails']} |")
    out += ["", "## Every difference", ""]
    for page, frameworks in data["pages"].items():
        changed = [(f, b) for f, blocks in frameworks.items() for b in blocks if b["status"] != "same"]
        if not changed:
            continue
        out += [f'### {Path(page).stem} {{ #{_anchor(page)} }}', ""]
        for framework, block in changed:
            what = "printed something else" if block["status"] == "differs" else "failed"
            out += [f"[{framework}, line {block['line']}]({Path(page).relative_to('docs')}) {what}:", "",
                    "```text", block["detail"].rstrip(), "```", ""]
    if not any(b["status"] != "same" for fw in data["pages"].values() for bs in fw.values() for b in bs):
        out.append("Every output on every page held.")
    return "\n".join(out).rstrip() + "\n"


def fill_page(markdown: str) -> str:
    data = load()
    if PLACEHOLDER not in markdown:
        raise ValueError(f"{PAGE} has lost its placeholder line {PLACEHOLDER}")
    text = render_page(data) if data else "No report has been committed yet: run `make test-latest`."
    return markdown.replace(PLACEHOLDER, text, 1)
