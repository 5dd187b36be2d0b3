"""Re-running only what changed (engine/check/reuse.py): `--reuse` takes a program's recorded run while its key is
unchanged, says so in the summary, and never reuses anything when CI is set. The key changes with everything that
can change a program's output, and not with a page's prose."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from engine import settings
from engine.check import reuse
from engine.page.model import read_page
from engine.run.program import Code, ProgramRun, Result
from engine.settings import COUNTS_VARIABLE
from test_harness import FIXTURES, run_page

REUSED = "2 programs were not run: their recorded results were reused"


def events(counts: Path, kind: str) -> list[str]:
    return sorted(line.split("\t")[1] for line in counts.read_text().splitlines() if line.startswith(kind + "\t"))


def test_a_second_run_reuses_both_programs_and_the_summary_says_so(tmp_path):
    env = {reuse.STORE_VARIABLE: str(tmp_path / "store"), "CI": ""}
    first = run_page(FIXTURES / "good.md", "--reuse", env={**env, COUNTS_VARIABLE: str(tmp_path / "first.tsv")})
    assert first.returncode == 0, first.stdout
    assert REUSED not in first.stdout and len(events(tmp_path / "first.tsv", "run")) == 2
    assert len(list((tmp_path / "store").glob("*.json"))) == 2
    second = run_page(FIXTURES / "good.md", "--reuse", env={**env, COUNTS_VARIABLE: str(tmp_path / "second.tsv")})
    assert second.returncode == 0, second.stdout
    assert REUSED in second.stdout and "4 blocks executed on 1 page" in second.stdout
    assert events(tmp_path / "second.tsv", "run") == []
    assert events(tmp_path / "second.tsv", "reuse") == ["tests/fixtures/pages/good.md::PyTorch",
                                                        "tests/fixtures/pages/good.md::TensorFlow"]


def test_with_ci_set_nothing_is_reused(tmp_path):
    env = {reuse.STORE_VARIABLE: str(tmp_path / "store")}
    assert run_page(FIXTURES / "good.md", "--reuse", env={**env, "CI": ""}).returncode == 0
    ci = run_page(FIXTURES / "good.md", "--reuse", env={**env, "CI": "true", COUNTS_VARIABLE: str(tmp_path / "ci.tsv")})
    assert ci.returncode == 0, ci.stdout
    assert REUSED not in ci.stdout and len(events(tmp_path / "ci.tsv", "run")) == 2


def test_a_program_that_failed_runs_again_and_its_passing_twin_is_reused(tmp_path):
    env = {reuse.STORE_VARIABLE: str(tmp_path / "store"), "CI": ""}
    assert run_page(FIXTURES / "failing_block.md", "--reuse", env=env).returncode == 1
    again = run_page(FIXTURES / "failing_block.md", "--reuse", env={**env, COUNTS_VARIABLE: str(tmp_path / "again.tsv")})
    assert again.returncode == 1 and "broken on purpose" in again.stdout
    assert events(tmp_path / "again.tsv", "run") == ["tests/fixtures/pages/failing_block.md::PyTorch"]
    assert events(tmp_path / "again.tsv", "reuse") == ["tests/fixtures/pages/failing_block.md::TensorFlow"]


def test_only_a_run_whose_every_piece_passed_is_recorded(tmp_path, monkeypatch):
    monkeypatch.setenv(reuse.STORE_VARIABLE, str(tmp_path))
    code = Code("print(1)\n", "<test>", 1)
    passed = ProgramRun("p", [code], [Result("passed", "1\n", "", None, 0.1)], environment={"versions": {}}, seconds=1)
    for unfinished in (dataclasses.replace(passed, results=[Result("failed", "", "", "Traceback", 0.1)]),
                       dataclasses.replace(passed, results=[]), dataclasses.replace(passed, timed_out=True),
                       dataclasses.replace(passed, environment={})):
        assert not reuse.save("k", unfinished)
    assert reuse.load("k") is None
    assert reuse.save("k", passed)
    assert reuse.load("k") == dataclasses.replace(passed, reused=True)
    (tmp_path / "folder").mkdir()
    (tmp_path / "folder" / "0.npy").write_bytes(b"result")
    assert reuse.save("with-files", passed, files=tmp_path / "folder")
    assert reuse.load("with-files", files=tmp_path / "back").reused
    assert (tmp_path / "back" / "0.npy").read_bytes() == b"result"


def test_the_key_changes_with_what_can_change_an_output_and_not_with_prose(tmp_path, monkeypatch):
    snippet = tmp_path / "pytorch_code.py"
    snippet.write_text("x = 1\nprint(x)\n")
    codes = [Code("print(x)\n", str(snippet), 2)]
    base = reuse.key("docs/a.md::PyTorch", codes)
    assert reuse.key("docs/a.md::PyTorch", codes) == base
    changed = {
        "the program's name": reuse.key("docs/b.md::PyTorch", codes),
        "a piece's code": reuse.key("docs/a.md::PyTorch", [dataclasses.replace(codes[0], code="print(x + 1)\n")]),
        "a skipif condition": reuse.key("docs/a.md::PyTorch", [dataclasses.replace(codes[0], skipif="True")]),
        "the reader's environment": reuse.key("docs/a.md::PyTorch", codes, reader=True),
        "an option": reuse.key("docs/a.md::PyTorch", codes, options={"timeout": 1}),
    }
    snippet.write_text("x = 2\nprint(x)\n")
    changed["the snippet file's text"] = reuse.key("docs/a.md::PyTorch", codes)
    snippet.write_text("x = 1\nprint(x)\n")
    with monkeypatch.context() as patched:  # a variable of the environment the session started with
        patched.setitem(settings.STARTED_WITH, "CUDA_VISIBLE_DEVICES", "")
        changed["an environment variable"] = reuse.key("docs/a.md::PyTorch", codes)
    for part, stand_in in [("_engine", lambda: "another engine"), ("_versions", lambda: "another torch"),
                           ("machine", lambda: {"gpus": "GPU 0: a GPU"})]:
        with monkeypatch.context() as patched:
            patched.setattr(reuse, part, stand_in)
            changed[part] = reuse.key("docs/a.md::PyTorch", codes)
    assert {what: key for what, key in changed.items() if key == base} == {}
    monkeypatch.setenv("GUIDE_SESSION_DIR", str(tmp_path))  # names the session only
    assert reuse.key("docs/a.md::PyTorch", codes) == base

    good = (FIXTURES / "good.md").read_text()
    pages = []
    for prose in ("", "\nA paragraph added to the page's prose.\n"):
        page = tmp_path / "prose" / str(len(pages)) / "good.md"
        page.parent.mkdir(parents=True)
        page.write_text(good.replace("\n\n", f"\n{prose}\n", 1))
        pages.append(read_page(page))
    keys = [[reuse.key("page::PyTorch", [Code(b.code, str(b.source), b.source_line, b.skipif) for b in p.program("PyTorch") if b.runs])]
            for p in pages]
    assert keys[0] == keys[1]
    assert pages[0].path.read_text() != pages[1].path.read_text()


@pytest.mark.parametrize("ci, asked, expected", [("", True, True), ("true", True, False), ("", False, False)])
def test_enabled_only_when_asked_and_never_on_ci(monkeypatch, ci, asked, expected):
    monkeypatch.setenv("CI", ci)
    assert reuse.enabled(asked) is expected


def test_a_site_check_is_reused_only_for_the_same_built_page(tmp_path, monkeypatch):
    monkeypatch.setenv(reuse.STORE_VARIABLE, str(tmp_path / "store" / "runs"))
    sites = []
    for n, (html, css) in enumerate([("<p>a</p>", "p {}"), ("<p>a</p>", "p {}"), ("<p>b</p>", "p {}"), ("<p>a</p>", "a {}")]):
        site = tmp_path / f"site{n}"
        (site / "tensors").mkdir(parents=True)
        (site / "assets").mkdir()
        (site / "tensors" / "index.html").write_text(html)
        (site / "assets" / "guide.css").write_text(css)
        sites.append(site)
    key = reuse.site_check_key(sites[0], "tensors/", "axe", "light")
    assert not reuse.check_passed(key)
    reuse.record_pass(key)
    assert reuse.check_passed(reuse.site_check_key(sites[1], "tensors/", "axe", "light"))  # the same page, built again
    assert not reuse.check_passed(reuse.site_check_key(sites[2], "tensors/", "axe", "light"))  # its HTML changed
    assert not reuse.check_passed(reuse.site_check_key(sites[3], "tensors/", "axe", "light"))  # a stylesheet changed
    assert not reuse.check_passed(reuse.site_check_key(sites[0], "tensors/", "axe", "dark"))  # another scheme


def test_what_a_framework_import_sets_reaches_no_program_and_no_key(tmp_path, monkeypatch):
    """Importing TensorFlow into the test process (a test that loads a page's code does) sets variables in os.environ;
    a program started later in that process must get the same environment, and the same key, as one started before."""
    codes = [Code("print(1)\n", "snippet.py", 1)]
    before = settings.program_environment(), reuse.key("docs/a.md::PyTorch", codes)
    for name, value in {"TF2_BEHAVIOR": "1", "KMP_DUPLICATE_LIB_OK": "True", "KMP_INIT_AT_FORK": "FALSE",
                        "TORCHINDUCTOR_CACHE_DIR": str(tmp_path / "inductor")}.items():  # what the imports set
        monkeypatch.setenv(name, value)
    assert (settings.program_environment(), reuse.key("docs/a.md::PyTorch", codes)) == before
    monkeypatch.setenv(COUNTS_VARIABLE, str(tmp_path / "counts.tsv"))  # the engine's own session variables do pass
    assert settings.program_environment()[COUNTS_VARIABLE] == str(tmp_path / "counts.tsv")
