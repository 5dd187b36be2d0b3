"""Every row of the cheat sheet (docs/cheat-sheet.md) runs in both frameworks on the same input, and the results agree.

The rows live in snippets/cheat-sheet/*.toml (read by engine/cheatsheet/data.py); the page shows them through
engine/cheatsheet/render.py, so the code tested here is the code the page shows, character for character. Each
framework's rows run once, as one program through the runner (engine/cheatsheet/program.py), and each row is then
checked by engine/cheatsheet/compare.py, which says what its check means.
"""

from __future__ import annotations

import dataclasses
import html
import re

import markdown
import numpy as np
import pytest

from engine.cheatsheet import compare, data, render
from engine.cheatsheet.program import run_both
from engine.run.program import ProgramRun, Result
from engine.settings import DOCS, MKDOCS_YML

PAGE = DOCS / "cheat-sheet.md"
SHEET = data.load()
ROWS = SHEET.rows

pytestmark = pytest.mark.xdist_group("cheat-sheet")  # both programs run once, on one worker


@pytest.fixture(scope="module")
def sides(tmp_path_factory, request):
    folder = tmp_path_factory.mktemp("cheat-sheet")
    return folder, run_both(folder, rows=ROWS, reuse=request.config.getoption("reuse"))


def row_id(row: data.Row) -> str:
    return re.sub(r"[^a-z0-9]+", "-", row.operation.lower()).strip("-")


@pytest.mark.parametrize("row", ROWS, ids=row_id)
def test_row_agrees(row: data.Row, sides):
    folder, runs = sides
    problem = compare.problem(row, ROWS.index(row), folder, runs)
    if problem:
        pytest.fail(problem, pytrace=False)


def test_what_a_check_means(tmp_path):
    """compare.py, on made-up results: what each check accepts and what it reports."""
    row = data.Row("Category", "An operation", "x", "x", file="snippets/cheat-sheet/01-c.toml", line=3, number=1)
    where = "cheat sheet snippets/cheat-sheet/01-c.toml:3, row 1 ('An operation')"
    a = np.array([1.0, 2.0], dtype=np.float32)
    assert compare.disagreement(row, a, a + 1e-7) is None
    assert compare.disagreement(row, a, a + 1e-3).startswith(f"{where}: the results differ\n  PyTorch:    shape (2,)")
    assert compare.disagreement(row, a, a[:1]) == f"{where}: shapes differ: PyTorch (2,), TensorFlow (1,)"
    assert compare.disagreement(row, a, a.astype(np.float64)) == f"{where}: dtypes differ: PyTorch float32, TensorFlow float64"
    assert compare.disagreement(dataclasses.replace(row, check="shape"), a, a + 1) is None
    named = dataclasses.replace(row, dtypes=("int64", "int32"))
    assert compare.disagreement(named, a.astype(np.int64), a.astype(np.int32)) is None
    assert "the page says the dtypes are ('int64', 'int32'), they are (float32, float32)" in compare.disagreement(named, a, a)
    dtype_row = dataclasses.replace(row, check="dtype")
    assert compare.disagreement(dtype_row, "float32", "float32") is None
    assert compare.disagreement(dtype_row, "float32", "float64") == f"{where}: PyTorch gives dtype float32, TensorFlow float64"

    def run(status, stderr=""):
        return ProgramRun("cheat-sheet", [], [Result("passed", "", "", None, 0), Result(status, "", stderr, "Traceback ...", 0)])

    for framework in ("PyTorch", "TensorFlow"):
        (tmp_path / framework).mkdir()
        np.save(tmp_path / framework / "0.npy", a)
    assert compare.problem(row, 0, tmp_path, {"PyTorch": run("passed"), "TensorFlow": run("passed")}) is None
    failed = compare.problem(row, 0, tmp_path, {"PyTorch": run("passed"), "TensorFlow": run("failed")})
    assert failed == f"{where}: the TensorFlow code did not run\nx\nTraceback ..."
    warned = compare.problem(row, 0, tmp_path, {"PyTorch": run("passed", "UserWarning: ..."), "TensorFlow": run("passed")})
    assert warned == f"{where}: the PyTorch code wrote to stderr:\nUserWarning: ..."
    stopped = compare.problem(row, 1, tmp_path, {"PyTorch": run("passed"), "TensorFlow": run("passed")})
    assert stopped.endswith("an earlier row stopped the program")


def test_page_has_the_placeholder_once_and_the_hook_is_registered():
    text = PAGE.read_text()
    assert text.count(render.PLACEHOLDER) == 1, f"{PAGE.name} must hold the line {render.PLACEHOLDER} once"
    assert "engine/site/hooks.py" in MKDOCS_YML.read_text(), "mkdocs.yml does not list the site hooks"


def test_rendered_table_shows_every_row_exactly_as_tested():
    """Render the tables as MkDocs does (Python-Markdown, tables extension): each row is one table row whose cells
    hold the tested code line by line, unchanged (pipes included)."""
    table = render.render_tables(SHEET)
    for category in SHEET.categories:
        assert f"\n### {category}\n" in f"\n{table}\n"
    rendered = markdown.markdown(table, extensions=["tables", "md_in_html"])
    body = re.findall(r"<tr>\n(<td>.*?</td>)\n</tr>", rendered, flags=re.S)
    assert len(body) == len(ROWS), f"{len(body)} table rows for {len(ROWS)} cheat-sheet rows"
    for row, html_row in zip(ROWS, body):
        cells = re.findall(r"<td>(.*?)</td>", html_row, flags=re.S)
        assert len(cells) == 3, f"{row.operation}: the row has {len(cells)} cells, not 3: {html_row}"
        for code, cell in ((row.pytorch, cells[1]), (row.tensorflow, cells[2])):
            shown = re.findall(r"<code>(.*?)</code>", cell)
            expected = [html.escape(line, quote=False) for line in code.splitlines()]
            assert shown == expected, f"{row.operation}: the page shows {shown}, the test runs {expected}"
    assert table in render.tables_page(SHEET)


def test_the_cheat_sheet_holds_a_closed_block_per_table_and_the_tables_page_holds_the_tables():
    """The cheat sheet carries no table row (its script fetches the tables page); each table's heading is followed by a
    block that names the table, says how many rows it holds and, for a reader without scripts, links to it."""
    rendered = render.fill_page(PAGE.read_text(), SHEET)
    assert render.PLACEHOLDER not in rendered and "<tr>" not in markdown.markdown(rendered, extensions=["tables"])
    tables = render.tables_page(SHEET)
    for category in [*SHEET.categories, render.DIFFERENCES]:
        key = render.slug(category)
        block = rf'\n### {re.escape(category)}\n\n(?:.+\n\n)?<details class="cheat-sheet-category[^"]*" data-table="{key}">'
        assert re.search(block, rendered), f"{category}: no closed block under its heading on the cheat sheet"
        assert f"\n### {category}\n" in tables
        assert f'href="{render.TABLES_URL}#{key}"' in rendered
        assert render.SOURCE.format(key=key) in tables
    rows = len(ROWS) + sum(len(row.differs_when) for row in ROWS)
    assert len(re.findall(r"<tr>\n<td>", markdown.markdown(tables, extensions=["tables", "md_in_html"]))) == rows


def test_rendered_known_differences_show_what_was_recorded():
    """Each known difference is one row of the table after the categories, with the input and both results as the
    data file records them (tests/test_cheat_sheet_fuzz.py checks those against a run), linked to and from its row."""
    found = [(row, d) for row in ROWS for d in row.differs_when]
    rendered = markdown.markdown(render.render_differences(SHEET), extensions=["tables", "md_in_html"])
    body = re.findall(r"<tr>\n(<td>.*?</td>)\n</tr>", rendered, flags=re.S)
    assert found and len(body) == len(found)
    for (row, difference), html_row in zip(found, body):
        cells = re.findall(r"<td>(.*?)</td>", html_row, flags=re.S)
        assert f'id="{render.difference_anchor(row, difference)}"' in cells[0]
        assert f'href="#{render.row_anchor(row)}"' in cells[0]
        for framework, cell in zip(("PyTorch", "TensorFlow"), cells[2:], strict=True):
            assert difference.gives(framework) is not None, f"{row.where}: run tests/test_cheat_sheet_fuzz.py --update-outputs"
            assert cell.startswith("<code>") and cell.endswith("</code>") and cell.count("<") == 2, cell
            assert html.unescape(cell.removeprefix("<code>").removesuffix("</code>")) == difference.gives(framework)
    tables = markdown.markdown(render.render_tables(SHEET), extensions=["tables", "md_in_html"])
    for row, difference in found:
        assert f'href="#{render.difference_anchor(row, difference)}"' in tables
    assert len(re.findall(r'id="row-', tables)) == len({row.operation for row, _ in found})
