"""Every row of the cheat sheet (docs/cheat-sheet.md) runs in both frameworks on the same input, and the results agree.

The rows live in tests/cheat_sheet/rows.py; the page shows them through the MkDocs hook tests/cheat_sheet/site_hook.py,
so the code tested here is the code the page shows, character for character.
"""

from __future__ import annotations

import os

os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "1")
os.environ.setdefault("KERAS_BACKEND", "tensorflow")

import html
import re
from pathlib import Path

import markdown
import numpy as np
import pytest

from cheat_sheet import site_hook
from cheat_sheet.rows import CATEGORIES, KINDS, ROWS, Row

ROOT = Path(__file__).resolve().parents[1]
PAGE = ROOT / "docs" / "cheat-sheet.md"
RTOL, ATOL = 1e-5, 1e-6


def make_inputs(row: Row) -> dict[str, np.ndarray]:
    rng = np.random.default_rng(0)
    arrays = {}
    for name, spec in row.inputs.items():
        kind, shape = spec[0], spec[1]
        if kind == "normal":
            arrays[name] = rng.normal(size=shape).astype(np.float32)
        elif kind == "uniform":
            arrays[name] = rng.random(size=shape).astype(np.float32)
        elif kind == "binary":
            arrays[name] = rng.integers(0, 2, size=shape).astype(np.float32)
        elif kind == "integers":
            arrays[name] = rng.integers(0, spec[2], size=shape).astype(np.int64)
        else:
            raise ValueError(f"unknown input kind {kind!r}")
    return arrays


def run_side(code: str, result: str | None, namespace: dict):
    if result is None:
        return eval(compile(code, "<cheat sheet>", "eval"), namespace)
    exec(compile(code, "<cheat sheet>", "exec"), namespace)
    return eval(compile(result, "<cheat sheet result>", "eval"), namespace)


def pytorch_side(row: Row, arrays: dict):
    import torch

    namespace = {"torch": torch, "nn": torch.nn, "F": torch.nn.functional, "np": np}
    for name, array in arrays.items():
        namespace[name] = array.copy() if name in row.numpy_inputs else torch.tensor(array)
    return run_side(row.pytorch, row.pytorch_result, namespace)


def tensorflow_side(row: Row, arrays: dict):
    import keras
    import tensorflow as tf

    assert keras.backend.backend() == "tensorflow", "the TensorFlow column must run with the TensorFlow backend"
    namespace = {"tf": tf, "keras": keras, "np": np}
    for name, array in arrays.items():
        namespace[name] = array.copy() if name in row.numpy_inputs else tf.constant(array)
    return run_side(row.tensorflow, row.tensorflow_result, namespace)


def dtype_name(value) -> str:
    import tensorflow as tf
    import torch

    if isinstance(value, torch.dtype):
        return str(value).removeprefix("torch.")
    if isinstance(value, tf.DType):
        return value.name
    if isinstance(value, str):
        return value
    raise TypeError(f"not a dtype: {value!r}")


def as_numpy(value) -> np.ndarray:
    import torch

    if isinstance(value, torch.Tensor):
        return value.detach().cpu().numpy()
    if hasattr(value, "numpy"):  # tf.Tensor, tf.Variable
        return np.asarray(value.numpy())
    return np.asarray(value)


def describe(array: np.ndarray) -> str:
    return f"shape {array.shape}, dtype {array.dtype}, values {np.array2string(array, precision=4, threshold=12)}"


def row_id(row: Row) -> str:
    return re.sub(r"[^a-z0-9]+", "-", row.operation.lower()).strip("-")


@pytest.mark.parametrize("row", ROWS, ids=row_id)
def test_row_agrees(row: Row, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # saving rows write their files here
    arrays = make_inputs(row)
    where = f"cheat sheet row {row.category!r} / {row.operation!r}"
    try:
        got_torch = pytorch_side(row, arrays)
    except Exception as err:
        pytest.fail(f"{where}: the PyTorch code raised {type(err).__name__}: {err}\n{row.pytorch}")
    try:
        got_tf = tensorflow_side(row, arrays)
    except Exception as err:
        pytest.fail(f"{where}: the TensorFlow code raised {type(err).__name__}: {err}\n{row.tensorflow}")

    if row.check == "dtype":
        assert dtype_name(got_torch) == dtype_name(got_tf), (
            f"{where}: PyTorch gives dtype {dtype_name(got_torch)}, TensorFlow {dtype_name(got_tf)}")
        return
    a, b = as_numpy(got_torch), as_numpy(got_tf)
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
    assert text.count(site_hook.PLACEHOLDER) == 1, f"{PAGE.name} must hold the line {site_hook.PLACEHOLDER} once"
    assert "tests/cheat_sheet/site_hook.py" in (ROOT / "mkdocs.yml").read_text(), "mkdocs.yml does not list the hook"


def test_rendered_table_shows_every_row_exactly_as_tested():
    """Render the tables as MkDocs does (Python-Markdown, tables extension): each row is one table row whose cells
    hold the tested code line by line, unchanged (pipes included)."""
    table = site_hook.render_tables()
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
    rendered = site_hook.on_page_markdown(PAGE.read_text(), page=_FakePage("cheat-sheet.md"), config={}, files=None)
    assert site_hook.PLACEHOLDER not in rendered and table in rendered


class _FakePage:
    def __init__(self, src_uri: str):
        self.file = type("File", (), {"src_uri": src_uri})()
