"""The versions matrix, written: every block's outcome when the pages run with other versions, one report a column.

`make test-versions COLUMN=name` runs every page in a column's environment (see engine.requirements) and in a
reader's plain shell, with `--drift-report docs/versions/<column>.json`. Then a block whose output differs does not
fail; its outcome is recorded instead:

    {"column": "torch-2.13", "environment": "reader", "date": "2026-12-07",
     "checked_with": {"torch": "2.13.0", ...}, "builds": {"torch": "cpu"}, "pinned": {...docs/verified.json...},
     "pages": {"docs/x.md": {"PyTorch": [{"line": 23, "status": "same" | "differs" | "fails", "detail": "..."}]}}}

`differs` holds the diff between the page and what ran; `fails` the error. A run of some pages only (`make
test-versions COLUMN=... PAGE=docs/x.md`) with the same versions replaces those pages in the existing report. The site renders the committed reports
(engine.site.matrix).
"""

from __future__ import annotations

import datetime
import json
from pathlib import Path

from .. import verified

PROPERTY = "drift"  # the name of the user property a block item reports its outcome under


def outcome(line: int, status: str, detail: str = "") -> tuple[str, str]:
    """The user property a block item attaches to its report."""
    return PROPERTY, json.dumps({"line": line, "status": status, "detail": detail})


def write(path: Path, reports, versions: dict[str, str], environment: str, builds: dict[str, str] | None = None) -> dict:
    """The report from the test reports of every block item (nodeid docs/x.md::PyTorch::line N). The column is the
    file's name; `environment` is "reader" (a plain shell) or "engine" (the engine's program environment); `builds`
    the local part of a version that has one (torch 2.15.0+cu132: {"torch": "cu132"})."""
    pages: dict = {}
    for report in reports:
        for name, value in report.user_properties:
            if name == PROPERTY:
                page, framework = report.nodeid.split("::")[:2]
                pages.setdefault(page, {}).setdefault(framework, []).append(json.loads(value))
    for frameworks in pages.values():
        for blocks in frameworks.values():
            blocks.sort(key=lambda b: b["line"])
    earlier = json.loads(path.read_text()) if path.exists() else None
    if earlier and earlier["checked_with"] == versions and earlier.get("environment") == environment:
        pages = {**earlier["pages"], **pages}  # a run of some pages updates those pages in the column's report
    data = {
        "column": path.stem,
        "environment": environment,
        "date": datetime.date.today().isoformat(),
        "checked_with": versions,
        "builds": builds or {},
        "pinned": verified.read(),
        "pages": dict(sorted(pages.items())),
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, indent=2) + "\n")
    return data
