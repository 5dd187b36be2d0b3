"""Tests of the harness itself: each bad input fails with the message a contributor needs.

Each test runs pytest on a fixture page in a child process, as a contributor would (`pytest path/to/page.md`).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import nbclient
import pytest

from engine import accounting, verified
from engine.check import session
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


def failing(page: str, *options: str) -> str:
    result = run_page(FIXTURES / page, *options)
    assert result.returncode != 0, f"{page} passed but should fail:\n{result.stdout}"
    return result.stdout


def test_good_page_passes():
    result = run_page(FIXTURES / "good.md")
    assert result.returncode == 0, result.stdout
    assert "4 blocks executed on 1 page; 0 skipped" in result.stdout


def test_wrong_digit_in_output_names_the_output_line(tmp_path):
    page = tmp_path / "good.md"
    page.write_text((FIXTURES / "good.md").read_text().replace("area: 12.5664", "area: 12.5665", 1))
    out = run_page(page).stdout
    assert "good.md:41: the output shown differs from what the block at line 35 printed [PyTorch]" in out
    assert "-area: 12.5665" in out and "+area: 12.5664" in out


def test_failing_block_names_page_and_snippet_lines_and_stops_its_program():
    out = failing("failing_block.md", "-rs")
    assert "failing_block.md:19 [PyTorch]: the block raised an exception" in out
    assert "RuntimeError: broken on purpose" in out
    assert "Traceback (most recent call last)" in out and "failing_block.md\", line 21, in <module>" in out
    assert "not run: the block at tests/fixtures/pages/failing_block.md:19 failed before it" in out
    assert "5 executed, 1 failed, 1 not run after a failure" in out  # the TensorFlow program still ran whole


def test_exception_in_snippet_names_the_snippet_file_line(tmp_path):
    page = tmp_path / "page.md"
    page.write_text('# Page\n\n```python\n--8<-- "tests/fixtures/snippets/raises.py:one"\n```\n')
    out = run_page(page).stdout
    assert "page.md:3 (tests/fixtures/snippets/raises.py:2, section 'one')" in out
    assert f'File "{ROOT}/tests/fixtures/snippets/raises.py", line 3, in <module>' in out


def test_unpaired_tab():
    out = failing("unpaired_tab.md")
    assert 'unpaired_tab.md:3: "PyTorch" tab without its "TensorFlow" partner' in out
    assert 'unpaired_tab.md:11: "TensorFlow" tab without its "PyTorch" partner' in out


def test_tab_label_other_than_the_frameworks():
    assert 'bad_label.md:9: tab label "Keras"' in failing("bad_label.md")


@pytest.mark.parametrize("page, fence, line", [("py_fence.md", "py", 3), ("titled_fence.md", 'python title="example.py"', 3)])
def test_python_fence_that_would_not_run(page, fence, line):
    assert f"{page}:{line}: fence '```{fence}' is not run" in failing(page)


def test_skipped_fence_with_reason_is_allowed_and_reported():
    result = run_page(FIXTURES / "skipped_fence.md", "-rs")
    assert result.returncode == 0, result.stdout
    assert "shows an interactive session" in result.stdout


def test_skip_needs_a_reason():
    assert 'skip_without_reason.md:3: <!--pytest.mark.skip--> needs reason="..."' in failing("skip_without_reason.md")


def test_missing_section():
    out = failing("missing_section.md")
    assert "missing_section.md:3: include 'tests/fixtures/snippets/sections.py:nope'" in out
    assert "Snippet section 'nope' could not be located" in out


def test_missing_file():
    out = failing("missing_file.md")
    assert "missing_file.md:3: include 'tests/fixtures/snippets/no_such_file.py:first'" in out


def test_hanging_block_times_out_and_names_the_block():
    out = failing("hanging_block.md", "--program-timeout", "3")
    assert "hanging_block.md:7 [PyTorch]: timed out after 3 s" in out
    assert "1 not run after a failure" in out


def test_unknown_marker():
    assert "unknown_marker.md:7: unknown marker <!--pytest-codeblocks:cont--> (not needed" in failing("unknown_marker.md")


def test_printed_output_must_be_shown():
    assert "the block printed output that the page does not show" in failing("output_not_shown.md")


def test_same_output_marker_checks_both_tabs():
    out = failing("same_output_differs.md")
    assert "same_output_differs.md:3: the two tabs are marked as printing the same thing, but they differ" in out


def test_code_outside_sections_is_reported():
    assert "orphan_code.py:1: code outside every section" in failing("orphan_code.md")


def test_sections_shown_out_of_order():
    assert "out_of_order.md:3: sections of tests/fixtures/snippets/sections.py appear on the page in the order" in failing("out_of_order.md")


def test_require_gpu_fails_without_a_gpu(tmp_path):
    """A torch that sees no GPU (a stand-in, so the test means the same on a machine that has one)."""
    (tmp_path / "torch").mkdir()
    (tmp_path / "torch" / "__init__.py").write_text("class cuda:\n    is_available = staticmethod(lambda: False)\n")
    result = run_page(FIXTURES / "good.md", "--require-gpu", "--framework", "pytorch", env={"PYTHONPATH": str(tmp_path)})
    assert result.returncode != 0
    assert "--require-gpu: PyTorch sees no GPU on this machine" in result.stdout + result.stderr


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


def test_tolerances_loosen_the_comparison_of_numbers():
    assert "the output shown differs" in failing("close_number.md")
    assert run_page(FIXTURES / "close_number.md", "--rtol", "1e-3").returncode == 0
    assert run_page(FIXTURES / "close_number.md", "--atol", "2e-4").returncode == 0
    assert run_page(FIXTURES / "close_number.md", "--atol", "5e-5").returncode != 0


def test_skipif_skips_only_when_its_condition_holds():
    result = run_page(FIXTURES / "skipif.md", "-rs")
    assert result.returncode == 0, result.stdout
    assert "skipped when the program runs as a script" in result.stdout
    assert "1 blocks executed on 1 page; 1 skipped" in result.stdout


def test_stderr_fails_a_block_unless_it_is_marked():
    out = failing("stderr.md")
    assert "stderr.md:3 [PyTorch]: the block wrote to stderr" in out and "a warning a reader would see" in out
    assert run_page(FIXTURES / "stderr_expected.md").returncode == 0


def test_a_program_that_reports_no_versions_fails_its_stamp(tmp_path):
    stamp = tmp_path / "verified.json"
    verified.record({"torch": "2.13.0"}, stamp)
    assert "reported no framework versions" in verified.problem({}, stamp)
    assert "does not name the versions" in verified.problem({"torch": "2.14.1"}, stamp)
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


def shown_outputs():
    for page in sorted(DOCS.rglob("*.md")):
        for block in read_page(page).blocks:
            if block.expected:
                yield pytest.param(block.expected, id=f"{page.name}:{block.expected_line}")


@pytest.mark.parametrize("shown", list(shown_outputs()))
def test_changing_any_digit_of_a_shown_output_breaks_the_match(shown):
    """Every digit on every page counts: a change of any one of them no longer matches what ran."""
    for match in NUMBER.finditer(shown):
        for offset, char in enumerate(match.group()):
            if char.isdigit():
                where = match.start() + offset
                changed = shown[:where] + str((int(char) + 1) % 10) + shown[where + 1 :]
                assert not outputs_match(changed, shown), f"changing digit {where} of {shown!r} went unnoticed"


def test_integers_match_exactly_and_other_numbers_within_the_tolerance():
    assert not outputs_match("sum of all pixels: 1495025", "sum of all pixels: 1495024")
    assert not outputs_match("batches: 19", "batches: 18") and outputs_match("batches: 19", "batches: 19")
    assert outputs_match("loss: 0.30000000000000004", "loss: 0.3") and not outputs_match("loss: 0.3001", "loss: 0.3")


def test_the_page_programs_run_first_then_the_link_check_then_the_other_site_tests():
    collected = run_page(DOCS, "tests/test_site.py", "tests/test_reader_view.py", "--collect-only", "-q", "-p", "no:xdist")
    ids = [line for line in collected.stdout.splitlines() if "::" in line]
    link_check = ids.index("tests/test_site.py::test_links_and_anchors_of_the_built_site")
    programs = [i for i, nodeid in enumerate(ids) if nodeid.startswith("docs/") and "::line " in nodeid]
    site_tests = [i for i, nodeid in enumerate(ids) if nodeid.startswith("tests/")]
    assert programs and max(programs) < link_check == min(site_tests), ids[link_check - 2:link_check + 3]
