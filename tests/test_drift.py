"""The versions matrix: what `make test-versions` writes (engine.check.drift), and what the site shows of it
(engine.site.matrix)."""

from __future__ import annotations

import json
from types import SimpleNamespace

from engine import settings, verified
from engine.check import drift
from engine.requirements import columns, pins
from engine.settings import program_environment, without_startup_lines
from engine.site import matrix


def report(nodeid: str, line: int, status: str, detail: str = ""):
    return SimpleNamespace(nodeid=nodeid, user_properties=[("program_seconds", 1.0), drift.outcome(line, status, detail)])


def test_the_report_holds_every_block_in_page_order(tmp_path):
    reports = [report("docs/a.md::PyTorch::line 30", 30, "differs", "-old\n+new"), report("docs/a.md::PyTorch::line 9", 9, "same"),
               report("docs/b.md::TensorFlow::line 5", 5, "fails", "Traceback ...")]
    data = drift.write(tmp_path / "torch-2.13.json", reports, {"torch": "9.9.9"}, "reader", {"torch": "cpu"})
    assert json.loads((tmp_path / "torch-2.13.json").read_text()) == data
    assert data["column"] == "torch-2.13" and data["environment"] == "reader" and data["builds"] == {"torch": "cpu"}
    assert data["pinned"] == verified.read() and data["checked_with"] == {"torch": "9.9.9"}
    assert [b["line"] for b in data["pages"]["docs/a.md"]["PyTorch"]] == [9, 30]
    assert data["pages"]["docs/b.md"]["TensorFlow"][0]["status"] == "fails"
    again = drift.write(tmp_path / "torch-2.13.json", [report("docs/b.md::TensorFlow::line 5", 5, "same")], {"torch": "9.9.9"}, "reader")
    assert again["pages"]["docs/b.md"]["TensorFlow"][0]["status"] == "same" and "docs/a.md" in again["pages"]
    newer = drift.write(tmp_path / "torch-2.13.json", [report("docs/b.md::TensorFlow::line 5", 5, "same")], {"torch": "9.9.10"}, "reader")
    assert list(newer["pages"]) == ["docs/b.md"]  # other versions: a new report


def column(name: str, torch: str, pages: dict, build: str = "cu132") -> dict:
    return {"column": name, "environment": "reader", "date": "2026-12-07", "checked_with": {"torch": torch, "keras": "3.15.1"},
            "builds": {"torch": build}, "pinned": {"torch": "2.15.0", "keras": "3.15.1"}, "pages": pages}


SAME = {"PyTorch": [{"line": 9, "status": "same", "detail": ""}]}
DIFFERS = {"PyTorch": [{"line": 5, "status": "differs", "detail": "-old\n+new"}, {"line": 7, "status": "same", "detail": ""}]}
REPORTS = [column("pinned", "2.15.0", {"docs/a.md": SAME, "docs/b.md": SAME}),
           column("torch-2.13", "2.13.0", {"docs/a.md": SAME, "docs/b.md": DIFFERS}, build="cpu")]


def test_each_page_says_where_its_outputs_hold():
    assert matrix.render_note(REPORTS, "docs/a.md") == (
        "Run in a plain shell on 2026-12-07: every output holds with PyTorch 2.15.0, Keras 3.15.1 (pinned); PyTorch 2.13.0.")
    assert matrix.render_note(REPORTS, "docs/b.md") == (
        "Run in a plain shell on 2026-12-07: every output holds with PyTorch 2.15.0, Keras 3.15.1 (pinned), and some "
        "differ with [PyTorch 2.13.0](versions.md#torch-2-13-b).")
    assert matrix.render_note(REPORTS, "docs/c.md") == ""


def test_the_matrix_page_shows_every_column_and_every_difference():
    page = matrix.render_page(REPORTS)
    assert "| `pinned` | 2.15.0+cu132 | 3.15.1 | a reader's plain shell | 2026-12-07 |" in page
    assert "| `torch-2.13` | **2.13.0+cpu** | 3.15.1 | a reader's plain shell | 2026-12-07 |" in page
    assert "| [b](b.md) | holds | [1 differs](#torch-2-13-b) |" in page and "| [a](a.md) | holds | holds |" in page
    assert "`pinned`: 2 of 2 programs print what their page shows; `torch-2.13`: 1 of 2" in page
    assert "### b, PyTorch 2.13.0 { #torch-2-13-b }" in page and "-old\n+new" in page
    assert "### a" not in page
    assert matrix.render_page([column("torch-2.13", "2.13.0", {"docs/b.md": {"PyTorch": DIFFERS["PyTorch"] * 2}})]).count(
        "[2 differ](#torch-2-13-b)") == 1


def test_reports_are_read_in_the_order_of_the_columns(tmp_path):
    for data in reversed(REPORTS):
        (tmp_path / f"{data['column']}.json").write_text(json.dumps(data))
    assert [d["column"] for d in matrix.load_all(tmp_path)] == ["pinned", "torch-2.13"]
    assert list(columns())[0] == "pinned"


def test_a_column_replaces_the_pins_of_its_packages():
    assert pins("torch", "torch-2.13") == ["torch==2.13.0"]
    assert "tensorflow-cpu==2.20.0" in pins("cpu", "tensorflow-2.20") and "tensorboard==2.20.0" in pins("cpu", "tensorflow-2.20")
    assert not any(p.startswith("tensorflow-cpu==2.21") for p in pins("cpu", "tensorflow-2.20"))
    assert "keras" in pins("cpu", "newest") and pins("torch", "newest") == ["torch"]
    assert pins("cpu", "pinned") == pins("cpu")


def test_the_reader_environment_has_none_of_the_engines_variables(monkeypatch):
    monkeypatch.setitem(settings.STARTED_WITH, "TF_CPP_MIN_LOG_LEVEL", "1")
    monkeypatch.setitem(settings.STARTED_WITH, "OMP_NUM_THREADS", "1")
    reader = program_environment(reader=True)
    assert "TF_CPP_MIN_LOG_LEVEL" not in reader and "OMP_NUM_THREADS" not in reader and reader["PYTHONBREAKPOINT"] == "0"
    assert program_environment()["OMP_NUM_THREADS"] == "1"


def test_only_tensorflows_startup_lines_are_left_out():
    startup = ("WARNING: All log messages before absl::InitializeLog() is called are written to STDERR\n"
               "I0000 00:00:1796614599.506126    7581 cpu_feature_guard.cc:227] This TensorFlow binary is optimized to "
               "use available CPU instructions in performance-critical operations.\n"
               "To enable the following instructions: AVX2 FMA, in other operations, rebuild TensorFlow with the "
               "appropriate compiler flags.\n")
    assert without_startup_lines(startup) == ""
    older = ("2026-12-07 04:19:18.765692: I tensorflow/core/platform/cpu_feature_guard.cc:210] This TensorFlow binary is "
             "optimized to use available CPU instructions in performance-critical operations.\n")
    assert without_startup_lines(older) == ""  # TensorFlow 2.20's format
    assert without_startup_lines(startup + "UserWarning: something new\n") == "UserWarning: something new\n"
