"""The versions matrix, shown: the "Versions checked" page and the line in each page's download box.

The reports are written by the test run (engine.check.drift, one per column) and committed under docs/versions/;
this module only renders them, so the site shows exactly what ran.
"""

from __future__ import annotations

import json
from pathlib import Path

from ..requirements import columns
from ..settings import FRAMEWORK_PACKAGES, VERSIONS_REPORTS

PAGE = "versions.md"
PLACEHOLDER = "<!-- versions-matrix -->"
WORDS = {"same": "holds", "differs": "differs", "fails": "fails"}


def load_all(folder: Path = VERSIONS_REPORTS) -> list[dict]:
    """The committed reports, in the order of the columns in pyproject.toml (reports of other names last)."""
    order = list(columns())
    found = [json.loads(p.read_text()) for p in folder.glob("*.json")] if folder.is_dir() else []
    return sorted(found, key=lambda d: (order.index(d["column"]) if d["column"] in order else len(order), d["column"]))


def counts(blocks: list[dict]) -> dict[str, int]:
    found = {"same": 0, "differs": 0, "fails": 0}
    for block in blocks:
        found[block["status"]] += 1
    return found


def page_counts(data: dict, page: str) -> dict[str, int] | None:
    frameworks = data["pages"].get(page)
    return counts([b for blocks in frameworks.values() for b in blocks]) if frameworks else None


def label(data: dict) -> str:
    """A column as a reader reads it: the versions that are not the pinned ones (all of them for `pinned`)."""
    changed = {k: v for k, v in data["checked_with"].items() if data["pinned"].get(k) != v}
    shown = data["checked_with"] if data["column"] == "pinned" or not changed else changed
    names = ", ".join(f"{FRAMEWORK_PACKAGES[k]} {v}" for k, v in shown.items() if k in FRAMEWORK_PACKAGES)
    return f"{names} (pinned)" if data["column"] == "pinned" else names


def _anchor(data: dict, page: str) -> str:
    return f"{data['column'].replace('.', '-')}-{Path(page).stem}"


def _verdict(found: dict[str, int]) -> str:
    if found["differs"] == found["fails"] == 0:
        return "holds"
    return ", ".join(f"{found[k]} {WORDS[k] if found[k] == 1 else WORDS[k][:-1]}" for k in ("differs", "fails") if found[k])


def render_note(reports: list[dict], page: str) -> str:
    """The line a page's download box carries: where its outputs held, where not, and the date."""
    holds, other = [], []
    for data in reports:
        found = page_counts(data, page)
        if found is None:
            continue
        (holds if _verdict(found) == "holds" else other).append(data)
    if not holds and not other:
        return ""
    dates = sorted({d["date"] for d in holds + other})
    text = f"Run in a plain shell on {' to '.join([dates[0], dates[-1]] if len(dates) > 1 else dates)}: "
    parts = []
    if holds:
        parts.append("every output holds with " + "; ".join(label(d) for d in holds))
    if other:
        parts.append("some differ with " + "; ".join(f"[{label(d)}]({PAGE}#{_anchor(d, page)})" for d in other))
    return text + ", and ".join(parts) + "."


def render_page(reports: list[dict]) -> str:
    """The columns with their versions, the matrix (page x column), and every difference in full."""
    if not reports:
        return "No report has been committed yet: run `make test-versions COLUMN=pinned`."
    packages = [k for k in FRAMEWORK_PACKAGES if any(k in d["checked_with"] for d in reports)]
    out = ["| Column | " + " | ".join(FRAMEWORK_PACKAGES[k] for k in packages) + " | Environment | Run on |",
           "| --- | " + " | ".join("---" for _ in packages) + " | --- | --- |"]
    for data in reports:
        cells = []
        for k in packages:
            version = data["checked_with"].get(k, "")
            build = data.get("builds", {}).get(k)
            shown = f"{version}+{build}" if build else version
            cells.append(f"**{shown}**" if version and version != data["pinned"].get(k) else shown)
        environment = "a reader's plain shell" if data["environment"] == "reader" else "the engine's"
        out.append(f"| `{data['column']}` | " + " | ".join(cells) + f" | {environment} | {data['date']} |")
    pages = sorted({p for d in reports for p in d["pages"]})
    out += ["", "| Page | " + " | ".join(f"`{d['column']}`" for d in reports) + " |",
            "| --- | " + " | ".join("---" for _ in reports) + " |"]
    for page in pages:
        cells = []
        for data in reports:
            found = page_counts(data, page)
            verdict = "not run" if found is None else _verdict(found)
            cells.append(verdict if verdict in ("holds", "not run") else f"[{verdict}](#{_anchor(data, page)})")
        out.append(f"| [{Path(page).stem}]({Path(page).relative_to('docs')}) | " + " | ".join(cells) + " |")
    totals = []
    for data in reports:
        programs = [(p, blocks) for p, fw in data["pages"].items() for blocks in fw.values()]
        held = sum(1 for _, blocks in programs if all(b["status"] == "same" for b in blocks))
        totals.append(f"`{data['column']}`: {held} of {len(programs)} programs print what their page shows")
    out += ["", "In all: " + "; ".join(totals) + ".", "", "## Every difference", ""]
    found_any = False
    for data in reports:
        for page, frameworks in data["pages"].items():
            changed = [(f, b) for f, blocks in frameworks.items() for b in blocks if b["status"] != "same"]
            if not changed:
                continue
            found_any = True
            out += [f"### {Path(page).stem}, {label(data)} {{ #{_anchor(data, page)} }}", ""]
            for framework, block in changed:
                what = "printed something else" if block["status"] == "differs" else "failed"
                out += [f"[{framework}, line {block['line']}]({Path(page).relative_to('docs')}) {what}:", "",
                        "```text", block["detail"].rstrip(), "```", ""]
    if not found_any:
        out.append("Every output on every page held in every column.")
    return "\n".join(out).rstrip() + "\n"


def fill_page(markdown: str, reports: list[dict]) -> str:
    if PLACEHOLDER not in markdown:
        raise ValueError(f"{PAGE} has lost its placeholder line {PLACEHOLDER}")
    return markdown.replace(PLACEHOLDER, render_page(reports), 1)
