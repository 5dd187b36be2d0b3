"""Every message a contributor can meet, one row each: the fixture that provokes it, and what the report says.

Each fragment of a row names the file and line the contributor has to fix (a snippet file, a folder or the stamp
where the problem is the whole file). The pages are checked as a contributor checks them, `pytest <page>` in a child
process of its own; the rows that need the same options share one run, so the table costs three pytest runs, not one
a row. Two checks have no page to collect, so their rows call the engine on a fixture: the stamp (docs/verified.json,
checked only for the site's own pages) and the reader's view (a built site, which only --with-site builds).

A message that can be met is added here with its fixture; tests/fixtures/pages/ holds the pages, snippets/ their
snippet files, tree/ a docs folder with its snippets folder (the snippets lint), site/ built pages and their downloads.
"""

from __future__ import annotations

import functools
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from engine import verified
from engine.check import reader, session
from engine.run.program import ProgramRun
from engine.settings import COUNTS_VARIABLE, ROOT

FIXTURES = Path(__file__).parent / "fixtures"
PAGES = "tests/fixtures/pages/"
SNIPPETS = "tests/fixtures/snippets/"
TREE = "tests/fixtures/tree/"


@dataclass(frozen=True)
class Pytest:
    """`pytest <fixture> <options>` in a child process, as a contributor runs it."""

    fixture: str
    options: tuple[str, ...] = ("-rs",)  # skip reasons in the summary: "not run" names the block that failed
    env: tuple[tuple[str, str], ...] = ()

    def report(self) -> str:
        together = tuple(sorted({row.fixture for _, row, _ in ERRORS
                                 if isinstance(row, Pytest) and (row.options, row.env) == (self.options, self.env)}))
        return pytest_report(together, self.options, self.env)


@dataclass(frozen=True)
class Call:
    """An engine function on a fixture, for the checks pytest collects only for the site's own pages."""

    fixture: str
    function: str  # a name in CALLS
    argument: str = ""

    def report(self) -> str:
        return CALLS[self.function](FIXTURES / self.fixture, self.argument)


@functools.cache
def pytest_report(fixtures: tuple[str, ...], options: tuple[str, ...], env: tuple[tuple[str, str], ...]) -> str:
    """One child pytest session over several fixtures: a session of its own, not this one's."""
    own = {k: v for k, v in os.environ.items() if k not in (session.VARIABLE, COUNTS_VARIABLE)}
    extra = dict(env)
    if "PYTHONPATH" in extra and own.get("PYTHONPATH"):  # in front of the engine's own path, where one is set
        extra["PYTHONPATH"] += os.pathsep + own["PYTHONPATH"]
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-c", str(ROOT / "pyproject.toml"), "--rootdir", str(ROOT), "-p", "no:xdist",
         *fixtures, *options],
        cwd=ROOT, capture_output=True, text=True, timeout=600, env={**own, **extra},
    )
    assert result.returncode != 0, f"every fixture of {fixtures} should fail, but the session passed:\n{result.stdout}"
    return result.stdout + result.stderr


def stamp(fixture: Path, ran: str) -> str:
    return verified.problem(dict(item.split("=") for item in ran.split()), fixture) or ""


def reader_view(fixture: Path, argument: str) -> str:
    """argument: "PyTorch" (the page docs/reader.md) or "solutions:PyTorch" (docs/solutions.md)."""
    name, _, framework = argument.rpartition(":")
    name = name or "reader"
    run = ProgramRun.from_json((fixture / f"{name}-run.json").read_text())
    return "\n".join(reader.problems(fixture, f"docs/{name}.md", framework, run))


CALLS = {"stamp": stamp, "reader": reader_view}
NO_GPU = (("PYTHONPATH", str(FIXTURES / "no_gpu")),)  # a torch that sees no GPU, on any machine

ERRORS = [
    # --- the page as read (its `read` item): the layout, the markers, the includes
    ("code fence never closed", Pytest(PAGES + "unclosed_fence.md"),
     [f"{PAGES}unclosed_fence.md:3: code fence ``` is never closed"]),
    ("marker that is not Python", Pytest(PAGES + "marker_syntax.md"),
     [f'{PAGES}marker_syntax.md:3: marker <!--pytest.mark.skip(reason="unclosed"--> is not valid Python']),
    ("skip marker without a reason", Pytest(PAGES + "skip_without_reason.md"),
     [f'{PAGES}skip_without_reason.md:3: <!--pytest.mark.skip--> needs reason="..." saying why']),
    ("skipif marker without a condition", Pytest(PAGES + "skipif_without_condition.md"),
     [f"{PAGES}skipif_without_condition.md:3: <!--pytest.mark.skipif(reason=\"needs a GPU\")--> needs one condition as a string"]),
    ("unknown pytest-codeblocks marker", Pytest(PAGES + "unknown_marker.md"),
     [f"{PAGES}unknown_marker.md:7: unknown marker <!--pytest-codeblocks:cont--> (not needed: every block of a tab continues"]),
    ("unknown marker", Pytest(PAGES + "unknown_guide_marker.md"),
     [f"{PAGES}unknown_guide_marker.md:3: unknown marker <!--guide:same-outputs-->; the markers are"]),
    ("skip marker with no block after it", Pytest(PAGES + "skip_misplaced.md"),
     [f"{PAGES}skip_misplaced.md:3: <!--pytest.mark.skip(...)--> must stand just before the code block it skips"]),
    ("stderr marker not before a Python block", Pytest(PAGES + "stderr_misplaced.md"),
     [f"{PAGES}stderr_misplaced.md:3: <!--guide:stderr(...)--> must stand just before a ```python block"]),
    ("same-output marker not before a tab set", Pytest(PAGES + "same_output_misplaced.md"),
     [f"{PAGES}same_output_misplaced.md:3: <!--guide:same-output--> must stand just before a tab set"]),
    ("output marker with no block before it", Pytest(PAGES + "output_marker_alone.md"),
     [f"{PAGES}output_marker_alone.md:3: <!--pytest-codeblocks:expected-output--> must stand just after the code block"]),
    ("output marker with no output after it", Pytest(PAGES + "output_missing.md"),
     [f"{PAGES}output_missing.md:7: expected-output marker without an output block after it"]),
    ("second output block", Pytest(PAGES + "two_outputs.md"),
     [f"{PAGES}two_outputs.md:13: a second output block for the code block at line 3"]),
    # --- where pytest-codeblocks' parser, which reads only ``` fences, reads the page otherwise than the site shows it
    ("``` fence inside a ~~~ fence", Pytest(PAGES + "fence_in_tilde_fence.md"),
     [f"{PAGES}fence_in_tilde_fence.md:4: pytest-codeblocks reads a ``` block here that the page shows inside another fence"]),
    ("skip marker before a ~~~ fence", Pytest(PAGES + "skip_before_tilde_fence.md"),
     [f"{PAGES}skip_before_tilde_fence.md:8: pytest-codeblocks attaches to this block a skip marker that stands before "
      "another fence"]),
    ("output marker after a ~~~ fence", Pytest(PAGES + "output_after_tilde_fence.md"),
     [f"{PAGES}output_after_tilde_fence.md:3: pytest-codeblocks gives this block an output block that the page gives a ~~~ fence"]),
    ("malformed include", Pytest(PAGES + "malformed_include.md"),
     [f"{PAGES}malformed_include.md:3: malformed include"]),
    ("include and code in one block", Pytest(PAGES + "include_and_code.md"),
     [f"{PAGES}include_and_code.md:3: a code block holds one include line and nothing else"]),
    ("include without a section", Pytest(PAGES + "include_without_section.md"),
     [f"{PAGES}include_without_section.md:3: include '{SNIPPETS}sections.py' must name a section"]),
    ("include of a missing file (check_paths)", Pytest(PAGES + "missing_file.md"),
     [f"{PAGES}missing_file.md:3: include '{SNIPPETS}no_such_file.py:first': Snippet at path"]),
    ("include of a missing section (check_paths)", Pytest(PAGES + "missing_section.md"),
     [f"{PAGES}missing_section.md:3: include '{SNIPPETS}sections.py:nope': Snippet section 'nope' could not be located"]),
    ("section that starts twice", Pytest(PAGES + "section_twice.md"),
     [f"{PAGES}section_twice.md:3: section 'one' must start exactly once in {SNIPPETS}twice.py"]),
    ("included section holding another", Pytest(PAGES + "nested_section.md"),
     [f"{PAGES}nested_section.md:3: section 'outer' of {SNIPPETS}bad_sections.py contains another section"]),
    # --- the lint (docs/x.md::lint): fences, tabs, snippet files
    ("Python fence that is not run", Pytest(PAGES + "py_fence.md"),
     [f"{PAGES}py_fence.md:3: fence '```py' is not run", f"{PAGES}py_fence.md:7: fence '```python title=\"example.py\"' is not run"]),
    ("shell fence", Pytest(PAGES + "shell_fence.md"),
     [f"{PAGES}shell_fence.md:3: fence '```bash': show shell commands in a ```console fence"]),
    ("Python in a ~~~ fence", Pytest(PAGES + "tilde_fence.md"),
     [f"{PAGES}tilde_fence.md:3: Python in a ~~~ fence is not run"]),
    ("tab label", Pytest(PAGES + "bad_label.md"),
     [f'{PAGES}bad_label.md:9: tab label "Keras": tabs are labelled exactly "PyTorch" or "TensorFlow"']),
    ("unpaired tab", Pytest(PAGES + "unpaired_tab.md"),
     [f'{PAGES}unpaired_tab.md:3: "PyTorch" tab without its "TensorFlow" partner',
      f'{PAGES}unpaired_tab.md:11: "TensorFlow" tab without its "PyTorch" partner']),
    ("tabs in the wrong order", Pytest(PAGES + "tabs_out_of_order.md"),
     [f"{PAGES}tabs_out_of_order.md:3: tab set ['TensorFlow', 'PyTorch']: write one PyTorch tab, then one TensorFlow tab"]),
    ("tab including the other framework's file", Pytest(PAGES + "wrong_framework_file.md"),
     [f"{PAGES}wrong_framework_file.md:5: the PyTorch tab includes {SNIPPETS}good_tensorflow.py, the TensorFlow program"]),
    ("code outside every section", Pytest(PAGES + "orphan_code.md"),
     [f"{SNIPPETS}orphan_code.py:1: code outside every section"]),
    ("section starting inside another", Pytest(PAGES + "bad_sections.md"),
     [f"{SNIPPETS}bad_sections.py:3: section 'inner' starts inside section 'outer': sections do not nest"]),
    ("end of a section without its start", Pytest(PAGES + "bad_sections.md"),
     [f"{SNIPPETS}bad_sections.py:6: end of section 'stray' without its start"]),
    ("section never ended", Pytest(PAGES + "bad_sections.md"),
     [f"{SNIPPETS}bad_sections.py:9: section 'last' is never ended"]),
    ("section not shown", Pytest(PAGES + "bad_sections.md"),
     [f"{SNIPPETS}bad_sections.py:1: section 'outer' is not shown on {PAGES}bad_sections.md"]),
    ("section shown twice", Pytest(PAGES + "shown_twice.md"),
     [f"{PAGES}shown_twice.md:11: section 'first' of {SNIPPETS}sections.py is shown twice (also at line 3)"]),
    ("sections out of order", Pytest(PAGES + "out_of_order.md"),
     [f"{PAGES}out_of_order.md:3: sections of {SNIPPETS}sections.py appear on the page in the order ['second', 'first']"]),
    ("solution with another header", Pytest(PAGES + "solution_header.md"),
     [f'{PAGES}solution_header.md:7: \'??? note "Answer"\': a collapsed admonition holding code is an exercise\'s solution; '
      'write its header ??? success "Solution"']),
    ("solution without its tab pair", Pytest(PAGES + "solution_unpaired.md"),
     [f'{PAGES}solution_unpaired.md:9: "PyTorch" tab without its "TensorFlow" partner',
      f"{PAGES}solution_unpaired.md:7: a solution holds a PyTorch/TensorFlow tab pair, indented inside it"]),
    ("exercise numbered out of order", Pytest(PAGES + "exercise_numbering.md"),
     [f'{PAGES}exercise_numbering.md:5: "Exercise 2: The first one" is the page\'s exercise 1: number the exercises 1, 2, ...']),
    ("exercise without its solution", Pytest(PAGES + "exercise_numbering.md"),
     [f'{PAGES}exercise_numbering.md:5: "Exercise 2: The first one" has 0 solutions: put exactly one ??? success "Solution"']),
    ("exercises section not before the closing list", Pytest(PAGES + "exercises_misplaced.md"),
     [f'{PAGES}exercises_misplaced.md:3: "## Exercises" comes just before "## What you can do now"']),
    ("solution outside an exercise", Pytest(PAGES + "exercises_misplaced.md"),
     [f'{PAGES}exercises_misplaced.md:23: a solution stands under its exercise\'s heading, "### Exercise 2: ..."']),
    ("snippet named like a package", Pytest(PAGES + "shadowing_name.md"),
     [f"{SNIPPETS}shadowing/tensorflow.py:1: a script named tensorflow.py imports itself instead of the tensorflow package"]),
    # --- the snippets lint (docs::snippets): every snippet file belongs to exactly one page
    ("snippet file included by two pages", Pytest(TREE + "docs"),
     [f"{TREE}docs/borrower.md:3: {TREE}snippets/chapter/pytorch_code.py is {TREE}docs/chapter.md's program (included at line 5)"]),
    ("snippet file no page includes", Pytest(TREE + "docs"),
     [f"{TREE}snippets/chapter/helpers.py: no page includes this snippet file"]),
    ("snippet folder no page includes", Pytest(TREE + "docs"),
     [f"{TREE}snippets/old-chapter: no page includes a file of this folder"]),
    # --- the programs (docs/x.md::PyTorch::line N)
    ("block raised an exception", Pytest(PAGES + "raises_in_snippet.md"),
     [f"{PAGES}raises_in_snippet.md:3 ({SNIPPETS}raises.py:2, section 'one') [PyTorch]: the block raised an exception",
      f'File "{ROOT}/{SNIPPETS}raises.py", line 3, in <module>']),
    ("rest of the program not run", Pytest(PAGES + "failing_block.md"),
     [f"{PAGES}failing_block.md:19 [PyTorch]: the block raised an exception", 'failing_block.md", line 21, in <module>',
      f"not run: the block at {PAGES}failing_block.md:19 failed before it",
      f"{PAGES}failing_block.md: 5 executed, 1 failed, 1 not run after a failure"]),
    ("program died", Pytest(PAGES + "crashing_block.md"),
     [f"{PAGES}crashing_block.md:3 [PyTorch]: the program died without reporting this block"]),
    ("timed out", Pytest(PAGES + "hanging_block.md", ("--program-timeout", "3")),
     [f"{PAGES}hanging_block.md:7 [PyTorch]: timed out after 3 s (the whole program's limit, --program-timeout)",
      f"{PAGES}hanging_block.md: 2 executed, 1 failed, 1 not run after a failure"]),
    ("wrote to stderr", Pytest(PAGES + "stderr.md"),
     [f"{PAGES}stderr.md:3 [PyTorch]: the block wrote to stderr", "a warning a reader would see"]),
    ("printed output the page does not show", Pytest(PAGES + "output_not_shown.md"),
     [f"{PAGES}output_not_shown.md:3 [PyTorch]: the block printed output that the page does not show"]),
    ("output differs", Pytest(PAGES + "close_number.md"),
     [f"{PAGES}close_number.md:9: the output shown differs from what the block at line 3 printed [PyTorch]",
      "-value: 1.0000", "+value: 1.0001"]),
    ("same-output tabs differ", Pytest(PAGES + "same_output_differs.md"),
     [f"{PAGES}same_output_differs.md:3: the two tabs are marked as printing the same thing, but they differ"]),
    ("same-output tab without output", Pytest(PAGES + "same_output_missing.md"),
     [f"{PAGES}same_output_missing.md:3: same-output marker, but the TensorFlow tab shows no output"]),
    ("no GPU under --require-gpu", Pytest(PAGES + "good.md", ("--require-gpu", "--framework", "pytorch"), NO_GPU),
     ["--require-gpu: PyTorch sees no GPU on this machine"]),
    # --- the stamp (docs/x.md::PyTorch::versions), against a stamp that names torch 2.13.0
    ("stamp: no versions reported", Call("verified.json", "stamp", ""),
     ["the program reported no framework versions (it imported none, or it did not finish)"]),
    ("stamp: other versions", Call("verified.json", "stamp", "torch=2.14.1"),
     ["tests/fixtures/verified.json does not name the versions this program ran with (recorded, ran): "
      "{'torch': ('2.13.0', '2.14.1')}"]),
    # --- the reader's view (docs/x.md::PyTorch::reader, --with-site), of a built page and its downloads
    ("reader: number of code blocks", Call("site", "reader", "PyTorch"),
     ["docs/reader.md [PyTorch], as built in reader/index.html: a reader sees 2 code blocks, the program that ran has 3 pieces"]),
    ("reader: code shown is not what ran", Call("site", "reader", "PyTorch"),
     ["as built in reader/index.html: code block 2 on the page is not the code that ran (docs/reader.md:12)"]),
    ("reader: output shown is not what it printed", Call("site", "reader", "PyTorch"),
     ["as built in reader/index.html: the output under code block 1 is not what it printed"]),
    ("reader: downloads are not the program", Call("site", "reader", "PyTorch"),
     ["docs/reader.md [PyTorch]: the code cells of downloads/reader-pytorch.ipynb are not the program that ran",
      "docs/reader.md [PyTorch]: the code cells of downloads/reader-pytorch.py are not the program that ran"]),
    ("reader: a download hides a cell the page shows", Call("site", "reader", "solutions:PyTorch"),
     ["docs/solutions.md [PyTorch]: code cell 1 of downloads/solutions-pytorch.ipynb is hidden, but the page shows its "
      "block open"]),
    ("reader: a solution's cells not announced", Call("site", "reader", "solutions:PyTorch"),
     ["docs/solutions.md [PyTorch]: code cell 3 of downloads/solutions-pytorch.ipynb starts the solution to exercise 2, "
      'but the cell before it is not "**Solution to exercise 2**"']),
    ("reader: downloads missing", Call("site", "reader", "TensorFlow"),
     ["docs/reader.md [TensorFlow]: the downloads reader-tensorflow.ipynb and reader-tensorflow.py are missing"]),
]


@pytest.mark.xdist_group("errors")  # one worker runs the table, so each shared run happens once
@pytest.mark.parametrize("message, check, fragments", ERRORS, ids=[row[0] for row in ERRORS])
def test_each_message_names_what_to_fix(message, check, fragments):
    report = check.report()
    missing = [fragment for fragment in fragments if fragment not in report]
    assert not missing, f"{message}: {missing} not in the report on {check.fixture}:\n{report[-8000:]}"


def test_every_fixture_page_is_used():
    """A fixture page is a row of the table, or a page a test of the harness passes (tests/test_harness.py)."""
    harness = (Path(__file__).parent / "test_harness.py").read_text()
    used = {Path(row.fixture).name for _, row, _ in ERRORS if isinstance(row, Pytest)}
    unused = [p.name for p in sorted((FIXTURES / "pages").glob("*.md")) if p.name not in used and f'"{p.name}"' not in harness]
    assert not unused, f"fixture pages no test reads: {unused}"
