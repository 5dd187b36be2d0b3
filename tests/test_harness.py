"""Tests of the harness itself: what it does with good input, its options, the placement of written outputs, the
accounting, the downloads, and how exactly it compares numbers. (Every message for bad input, with its fixture, is
a row of tests/test_errors.py.)

Most tests run pytest on a fixture page in a child process, as a contributor would (`pytest path/to/page.md`).
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import jupytext
import nbclient

from engine import accounting, verified
from engine.check import reader, session
from engine.page.model import read_page
from engine.run.compare import NUMBER, outputs_match
from engine.settings import COUNTS_VARIABLE, DOCS, PROGRAM_ENVIRONMENT, ROOT
from engine.site import downloads

FIXTURES = Path(__file__).parent / "fixtures" / "pages"


def run_page(page: str | Path, *options: str, env: dict | None = None) -> subprocess.CompletedProcess:
    """pytest on one page in a child process, as a contributor runs it: a session of its own, not this one's."""
    own = {k: v for k, v in os.environ.items() if k not in (session.VARIABLE, COUNTS_VARIABLE)}
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-c", str(ROOT / "pyproject.toml"), "--rootdir", str(ROOT), str(page), *options],
        cwd=ROOT, capture_output=True, text=True, timeout=300, env={**own, **(env or {})},
    )


def test_good_page_passes():
    result = run_page(FIXTURES / "good.md")
    assert result.returncode == 0, result.stdout
    assert "4 blocks executed on 1 page; 0 skipped" in result.stdout


def test_skipped_fence_with_reason_is_allowed_and_reported():
    result = run_page(FIXTURES / "skipped_fence.md", "-rs")
    assert result.returncode == 0, result.stdout
    assert "shows an interactive session" in result.stdout


def test_require_gpu_passes_when_the_framework_sees_one():
    stand_in = Path(__file__).parent / "fixtures" / "fake_gpu"  # a torch whose cuda.is_available() is True
    result = run_page(FIXTURES / "good.md", "--require-gpu", "--framework", "pytorch", env={"PYTHONPATH": str(stand_in)})
    assert result.returncode == 0, result.stdout + result.stderr
    assert "2 blocks executed on 1 page" in result.stdout


def test_framework_option_runs_one_framework_only():
    result = run_page(FIXTURES / "good.md", "--framework", "tensorflow", "-v")
    assert result.returncode == 0, result.stdout
    assert "good.md::TensorFlow::line 21 PASSED" in result.stdout and "::PyTorch::" not in result.stdout
    assert "2 blocks executed on 1 page" in result.stdout


def test_skipif_skips_only_when_its_condition_holds():
    result = run_page(FIXTURES / "skipif.md", "-rs")
    assert result.returncode == 0, result.stdout
    assert "skipped when the program runs as a script" in result.stdout
    assert "1 blocks executed on 1 page; 1 skipped" in result.stdout


def test_a_block_marked_stderr_may_write_there():
    result = run_page(FIXTURES / "stderr_expected.md")
    assert result.returncode == 0, result.stdout


def test_the_stamp_takes_in_what_ran_and_then_holds_for_it(tmp_path):
    stamp = tmp_path / "verified.json"
    verified.record({"torch": "2.13.0"}, stamp)
    verified.record({"keras": "3.15.1"}, stamp)
    assert verified.read(stamp) == {"keras": "3.15.1", "torch": "2.13.0"}
    assert verified.problem({"torch": "2.13.0"}, stamp) is None


def test_each_page_is_parsed_once_and_each_program_runs_once(tmp_path):
    counts = tmp_path / "counts.tsv"
    result = run_page(FIXTURES / "good.md", env={COUNTS_VARIABLE: str(counts)})
    assert result.returncode == 0, result.stdout
    lines = counts.read_text().splitlines()
    assert [line.split("\t")[:2] for line in lines if line.startswith("parse")] == [["parse", "tests/fixtures/pages/good.md"]]
    assert sorted(line.split("\t")[1] for line in lines if line.startswith("run")) == [
        "tests/fixtures/pages/good.md::PyTorch", "tests/fixtures/pages/good.md::TensorFlow"]
    assert accounting.problems(lines) == []
    assert "work done: 2 programs run once each" in result.stdout


def test_accounting_names_work_done_twice():
    lines = ["parse\tdocs/a.md\t11", "parse\tdocs/a.md\t11", "parse\tdocs/a.md\t12", "run\tdocs/a.md::PyTorch\t13",
             "run\tdocs/a.md::PyTorch\t14", "build\tsite\t2", "build\tsite\t0", "build\tmike\t1"]
    assert accounting.problems(lines) == [
        "docs/a.md was parsed 2 times by process 11", "docs/a.md::PyTorch ran 2 times",
        "the site was built 2 times", "a mike deployment executed 1 notebook(s) again"]
    assert accounting.problems(lines[2:4] + lines[5:6] + ["build\tmike\t0"]) == []


def test_the_downloadable_notebook_runs_in_a_jupyter_kernel(tmp_path, monkeypatch):
    """A page's download, as a reader opens it: run top to bottom in a real kernel, each cell printing what the
    page shows (the site's own notebooks are checked against the page programs that ran, see engine.check.reader)."""
    page = read_page(FIXTURES / "good.md")
    for name, value in PROGRAM_ENVIRONMENT.items():
        monkeypatch.setenv(name, value)
    nb = downloads.notebook(page, "TensorFlow", "https://example.org/", "intro")
    nbclient.NotebookClient(nb, timeout=120, kernel_name="python3", resources={"metadata": {"path": str(tmp_path)}}).execute()
    printed = ["".join(o.get("text", "") for o in c.outputs) for c in nb.cells if c.cell_type == "code"]
    assert printed == [b.expected for b in page.program("TensorFlow")]


def test_exercise_solutions_run_with_their_page_and_their_downloads_hide_them():
    """A collapsed `??? success "Solution"` holds a tab pair like any other: its blocks run in the page's programs
    and their outputs are checked. In the downloads each solution's code cells are hidden, after a "Solution to
    exercise N" cell, N counted from the page's structure; the solution's own text is plain Markdown."""
    result = run_page(FIXTURES / "exercises.md")
    assert result.returncode == 0, result.stdout
    assert "7 blocks executed on 1 page; 0 skipped" in result.stdout
    page = read_page(FIXTURES / "exercises.md")
    assert [(s.number, s.line) for s in page.solutions] == [(1, 23), (2, 57)]
    assert [(b.framework, b.solution) for b in page.blocks] == [
        ("PyTorch", None), ("TensorFlow", None), ("PyTorch", 1), ("TensorFlow", 1), ("PyTorch", 2), ("TensorFlow", 2),
        ("TensorFlow", 2)]
    for framework in ("PyTorch", "TensorFlow"):
        nb = downloads.notebook(page, framework, "https://example.org/", downloads.intro_text(page, framework, "u", "v"))
        cells = [(c.cell_type, c.source, c.metadata.get("jupyter", {}).get("source_hidden", False)) for c in nb.cells]
        assert '"Solution to exercise N"' in cells[0][1]
        assert ("markdown", "**Solution to exercise 1**", False) in cells
        assert ("markdown", "Doubling is adding the total to itself.", False) in cells
        shown = [b.solution for b in page.program(framework)]
        assert reader._hidden_cell_problems("x.ipynb", nb.cells, shown) == []
        script = jupytext.reads(downloads.script(nb), fmt="py:percent")
        assert reader._hidden_cell_problems("x.py", script.cells, shown) == []
    assert "# **Solution to exercise 2**\n\n# %% jupyter={\"source_hidden\": true}\nsquare = total * total" in downloads.script(nb)
    assert not downloads.intro_text(read_page(FIXTURES / "good.md"), "PyTorch", "u", "v").count("Solution")


def test_update_outputs_writes_a_solutions_outputs_inside_its_tabs(tmp_path):
    page = tmp_path / "page.md"
    written = (FIXTURES / "exercises.md").read_text()
    output = re.compile(r'\n\n *<!--pytest-codeblocks:expected-output-->\n\n *```text title="Output"\n(?:.*\n)*? *```(?=\n)')
    page.write_text(output.sub("", written))
    assert output.findall(written) and "Output" not in page.read_text()
    assert run_page(page, "--update-outputs").returncode == 0
    assert page.read_text() == written


def test_program_runs_as_a_script_so_autograph_reads_the_source():
    result = run_page(FIXTURES / "script_like.md")
    assert result.returncode == 0, result.stdout


def test_update_outputs_writes_what_ran(tmp_path):
    page = tmp_path / "page.md"
    page.write_text((FIXTURES / "output_not_shown.md").read_text())
    assert run_page(page, "--update-outputs").returncode == 0
    assert page.read_text() == (FIXTURES / "output_not_shown.md").read_text() + (
        '\n<!--pytest-codeblocks:expected-output-->\n\n```text title="Output"\na line the page does not show\n```\n')
    assert run_page(page).returncode == 0
    page.write_text(page.read_text().replace('print("a line the page does not show")', "pass"))
    assert run_page(page, "--update-outputs").returncode == 0
    assert "expected-output" not in page.read_text()


def test_update_outputs_writes_each_output_inside_its_tab(tmp_path):
    page = tmp_path / "page.md"
    page.write_text((FIXTURES / "tabbed_output.md").read_text())
    assert run_page(page, "--update-outputs").returncode == 0
    marker, fence = "    <!--pytest-codeblocks:expected-output-->", '    ```text title="Output"'
    assert page.read_text() == (
        '# Outputs written into tabs\n\n=== "PyTorch"\n\n    ```python\n    print("from PyTorch")\n    ```\n\n'
        f'{marker}\n\n{fence}\n    from PyTorch\n    ```\n\n'
        '=== "TensorFlow"\n\n    ```python\n    print("from TensorFlow")\n    ```\n\n'
        f'{marker}\n\n{fence}\n    from TensorFlow\n    ```\n')
    assert run_page(page).returncode == 0


def test_every_digit_a_page_shows_counts():
    """Numbers match to a relative 1e-6, so changing any digit of any output on any page breaks the match; integers
    match exactly; float noise (0.30000000000000004) does not count; --rtol and --atol loosen it, for GPU runs."""
    for page in sorted(DOCS.rglob("*.md")):
        for block in read_page(page).blocks:
            shown = block.expected or ""
            for match in NUMBER.finditer(shown):
                for offset, char in enumerate(match.group()):
                    if char.isdigit():
                        where = match.start() + offset
                        changed = shown[:where] + str((int(char) + 1) % 10) + shown[where + 1 :]
                        assert not outputs_match(changed, shown), (
                            f"{page.name}:{block.expected_line}: changing digit {where} of {shown!r} went unnoticed")
    assert not outputs_match("sum of all pixels: 1495025", "sum of all pixels: 1495024")
    assert not outputs_match("batches: 19", "batches: 18") and outputs_match("batches: 19", "batches: 19")
    assert outputs_match("loss: 0.30000000000000004", "loss: 0.3") and not outputs_match("loss: 0.3001", "loss: 0.3")
    # close_number.md shows 1.0000 where its block prints 1.0001 (its failure is a row of test_errors.py)
    assert not outputs_match("value: 1.0000", "value: 1.0001", atol=5e-5)
    assert run_page(FIXTURES / "close_number.md", "--rtol", "1e-3").returncode == 0
    assert run_page(FIXTURES / "close_number.md", "--atol", "2e-4").returncode == 0


def test_the_page_programs_run_first_then_the_mike_deployment_then_the_other_site_tests():
    collected = run_page(DOCS, "tests/test_site.py", "tests/test_publishing.py", "tests/test_reader_view.py",
                         "--collect-only", "-q", "-p", "no:xdist")
    ids = [line for line in collected.stdout.splitlines() if "::" in line]
    programs = [i for i, nodeid in enumerate(ids) if nodeid.startswith("docs/") and "::line " in nodeid]
    mike = [i for i, nodeid in enumerate(ids) if nodeid.startswith("tests/test_publishing.py")]
    others = [i for i, nodeid in enumerate(ids) if nodeid.startswith(("tests/test_site.py", "tests/test_reader_view.py"))]
    assert programs and mike and others and max(programs) < min(mike) and max(mike) < min(others), ids
