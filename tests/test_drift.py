"""The newer-releases report: what `make test-latest` writes, and what the site shows of it."""

from __future__ import annotations

import json
from types import SimpleNamespace

from engine.check import drift
from engine.settings import VERIFIED


def report(nodeid: str, line: int, status: str, detail: str = ""):
    return SimpleNamespace(nodeid=nodeid, user_properties=[("program_seconds", 1.0), drift.outcome(line, status, detail)])


def test_the_report_holds_every_block_in_page_order(tmp_path):
    reports = [report("docs/a.md::PyTorch::line 30", 30, "differs", "-old\n+new"), report("docs/a.md::PyTorch::line 9", 9, "same"),
               report("docs/b.md::TensorFlow::line 5", 5, "fails", "Traceback ...")]
    data = drift.write(tmp_path / "r.json", reports, {"torch": "9.9.9"})
    assert json.loads((tmp_path / "r.json").read_text()) == data
    assert data["pinned"] == json.loads(VERIFIED.read_text()) and data["checked_with"] == {"torch": "9.9.9"}
    assert [b["line"] for b in data["pages"]["docs/a.md"]["PyTorch"]] == [9, 30]
    assert data["pages"]["docs/b.md"]["TensorFlow"][0]["status"] == "fails"


def test_each_page_says_whether_its_outputs_held():
    data = {"checked_with": {"torch": "9.9.9", "keras": "3.15.1"}, "pinned": {"torch": "2.13.0", "keras": "3.15.1"},
            "date": "2026-12-01",
            "pages": {"docs/a.md": {"PyTorch": [{"line": 9, "status": "same", "detail": ""}]},
                      "docs/b.md": {"PyTorch": [{"line": 5, "status": "differs", "detail": "-old\n+new"},
                                                {"line": 7, "status": "same", "detail": ""}]}}}
    assert drift.render_note(data, "docs/a.md") == "Also checked with PyTorch 9.9.9 on 2026-12-01: all 1 outputs held."
    assert drift.render_note(data, "docs/b.md") == ("Also checked with PyTorch 9.9.9 on 2026-12-01: 1 block printed "
                                                    "something else ([every difference](newer-releases.md#b)).")
    assert drift.render_note(data, "docs/c.md") == ""
    page = drift.render_page(data)
    assert "| [b](b.md) | PyTorch | 1 | 1 | 0 |" in page and "### b { #b }" in page and "-old\n+new" in page
    assert "### a" not in page
