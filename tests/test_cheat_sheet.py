"""Every row of the cheat sheet (docs/cheat-sheet.md) runs in both frameworks on the same input, and the results agree.

The rows live in engine/cheatsheet/rows.py; the page shows them through engine/cheatsheet/render.py, so the code
tested here is the code the page shows, character for character. Each framework's rows run once, as one program
through the runner (engine/cheatsheet/program.py), and each row is then compared here.
"""

from __future__ import annotations

import html
import json
import re

import markdown
import numpy as np
import pytest

from engine.cheatsheet import render
from engine.cheatsheet.program import run_both
from engine.cheatsheet.rows import CATEGORIES, KINDS, ROWS, Row
from engine.settings import DOCS, MKDOCS_YML

PAGE = DOCS / "cheat-sheet.md"
RTOL, ATOL = 1e-5, 1e-6

pytestmark = pytest.mark.xdist_group("cheat-sheet")  # both programs run once, on one worker


@pytest.fixture(scope="module")
def sides(tmp_path_factory):
    folder = tmp_path_factory.mktemp("cheat-sheet")
    return folder, run_both(folder)


def describe(array: np.ndarray) -> str:
    return f"shape {array.shape}, dtype {array.dtype}, values {np.array2string(array, precision=4, threshold=12)}"


def row_id(row: Row) -> str:
    return re.sub(r"[^a-z0-9]+", "-", row.operation.lower()).strip("-")


def side_result(sides, row: Row, framework: str):
    folder, runs = sides
    index = ROWS.index(row)
    run = runs[framework]
    result = run.results[index + 1] if index + 1 < len(run.results) else None  # piece 0 imports the row runner
    where = f"cheat sheet row {row.category!r} / {row.operation!r}"
    if result is None or result.status != "passed":
        detail = result.error if result else (run.crash or "an earlier row stopped the program")
        code = row.pytorch if framework == "PyTorch" else row.tensorflow
        pytest.fail(f"{where}: the {framework} code did not run\n{code}\n{detail}", pytrace=False)
    if result.stderr.strip():
        pytest.fail(f"{where}: the {framework} code wrote to stderr:\n{result.stderr}", pytrace=False)
    path = folder / framework / f"{index}"
    return json.loads(path.with_suffix(".json").read_text()) if row.check == "dtype" else np.load(path.with_suffix(".npy"))


@pytest.mark.parametrize("row", ROWS, ids=row_id)
def test_row_agrees(row: Row, sides):
    where = f"cheat sheet row {row.category!r} / {row.operation!r}"
    a, b = side_result(sides, row, "PyTorch"), side_result(sides, row, "TensorFlow")
    if row.check == "dtype":
        assert a == b, f"{where}: PyTorch gives dtype {a}, TensorFlow {b}"
        return
    assert a.shape == b.shape, f"{where}: shapes differ: PyTorch {a.shape}, TensorFlow {b.shape}"
    if row.dtypes is None:
        assert a.dtype == b.dtype, f"{where}: dtypes differ: PyTorch {a.dtype}, TensorFlow {b.dtype}"
    else:
        assert (str(a.dtype), str(b.dtype)) == row.dtypes, (
            f"{where}: the page says the dtypes are {row.dtypes}, they are ({a.dtype}, {b.dtype})")
    if row.check == "shape":
        return
    assert row.check == "allclose", f"{where}: unknown check {row.check!r}"
    assert np.allclose(a, b, rtol=RTOL, atol=ATOL), (
        f"{where}: the results differ\n  PyTorch:    {describe(a)}\n  TensorFlow: {describe(b)}")


def test_rows_are_well_formed():
    operations = [row.operation for row in ROWS]
    assert len(ROWS) >= 30
    assert len(set(operations)) == len(operations), "two rows have the same operation name"
    assert [c for c in CATEGORIES if any(r.category == c for r in ROWS)] == CATEGORIES, "a category has no rows"
    assert [r.category for r in ROWS] == sorted((r.category for r in ROWS), key=CATEGORIES.index), (
        "rows must be listed in category order, as the page shows them")
    for row in ROWS:
        for code, result in ((row.pytorch, row.pytorch_result), (row.tensorflow, row.tensorflow_result)):
            compile(code, row.operation, "eval" if result is None else "exec")
            for line in code.splitlines():
                assert line == line.strip(), f"{row.operation}: a table cell cannot show indentation: {line!r}"
                assert "`" not in line, f"{row.operation}: backticks cannot go inside a code span: {line!r}"
        for spec in row.inputs.values():
            assert spec[0] in KINDS, f"{row.operation}: unknown input kind {spec[0]!r}"
        assert set(row.numpy_inputs) <= set(row.inputs), f"{row.operation}: numpy_inputs names an unknown input"


def test_page_has_the_placeholder_once_and_the_hook_is_registered():
    text = PAGE.read_text()
    assert text.count(render.PLACEHOLDER) == 1, f"{PAGE.name} must hold the line {render.PLACEHOLDER} once"
    assert "engine/site/hooks.py" in MKDOCS_YML.read_text(), "mkdocs.yml does not list the site hooks"


def test_rendered_table_shows_every_row_exactly_as_tested():
    """Render the tables as MkDocs does (Python-Markdown, tables extension): each row is one table row whose cells
    hold the tested code line by line, unchanged (pipes included)."""
    table = render.render_tables()
    for category in CATEGORIES:
        assert f"\n### {category}\n" in f"\n{table}\n"
    rendered = markdown.markdown(table, extensions=["tables"])
    body = re.findall(r"<tr>\n(<td>.*?</td>)\n</tr>", rendered, flags=re.S)
    assert len(body) == len(ROWS), f"{len(body)} table rows for {len(ROWS)} cheat-sheet rows"
    for row, html_row in zip(ROWS, body):
        cells = re.findall(r"<td>(.*?)</td>", html_row, flags=re.S)
        assert len(cells) == 3, f"{row.operation}: the row has {len(cells)} cells, not 3: {html_row}"
        for code, cell in ((row.pytorch, cells[1]), (row.tensorflow, cells[2])):
            shown = re.findall(r"<code>(.*?)</code>", cell)
            expected = [html.escape(line, quote=False) for line in code.splitlines()]
            assert shown == expected, f"{row.operation}: the page shows {shown}, the test runs {expected}"
    rendered = render.fill_page(PAGE.read_text())
    assert render.PLACEHOLDER not in rendered and table in rendered
