"""The cheat sheet's data files (snippets/cheat-sheet/*.toml) and their loader, engine/cheatsheet/data.py: what a
file may hold, and the error a malformed one gives (the file, the row's line, the row)."""

from __future__ import annotations

import math

import pytest

from engine.cheatsheet import data, lint, render
from engine.cheatsheet.data import RowsError
from engine.settings import ROOT, SNIPPETS

GOOD = """\
category = "Creating tensors"

[[rows]]
operation = "Zeros"
pytorch = '''torch.zeros(2, 3)'''
tensorflow = '''tf.zeros((2, 3))'''

[[rows]]
operation = "From a NumPy array"
inputs = { a = ["normal", [2, 3]], i = ["integers", [4], 3] }
numpy_inputs = ["a"]
pytorch = '''
y = torch.tensor(a)
z = y + 1
'''
pytorch_result = '''z'''
tensorflow = '''tf.constant(a) + 1'''
check = "shape"
dtypes = ["float32", "float32"]
note = "Both copy the data."
"""


def write(folder, name, text):
    (folder / name).write_text(text)
    return folder


def failure(folder) -> str:
    with pytest.raises(RowsError) as raised:
        data.load(folder)
    return str(raised.value)


def test_a_good_file_gives_its_rows_in_order(tmp_path):
    write(tmp_path, "02-second.toml", GOOD.replace("Creating tensors", "Second").replace('"Zeros"', '"Ones"')
          .replace("From a NumPy array", "From a list"))
    sheet = data.load(write(tmp_path, "01-first.toml", GOOD))
    assert sheet.categories == ["Creating tensors", "Second"]
    assert [r.operation for r in sheet.rows] == ["Zeros", "From a NumPy array", "Ones", "From a list"]
    zeros, array = sheet.rows[:2]
    assert zeros == data.Row("Creating tensors", "Zeros", "torch.zeros(2, 3)", "tf.zeros((2, 3))")
    assert array.pytorch == "y = torch.tensor(a)\nz = y + 1"  # the line breaks around the code are not part of it
    assert array.inputs == {"a": ("normal", (2, 3)), "i": ("integers", (4,), 3)}
    assert (array.numpy_inputs, array.check, array.dtypes, array.note) == (("a",), "shape", ("float32", "float32"), "Both copy the data.")
    assert (array.pytorch_result, array.tensorflow_result) == ("z", None)
    assert array.where == f"{tmp_path / '01-first.toml'}:8, row 2 ('From a NumPy array')"
    assert (array.code("PyTorch"), array.result("TensorFlow")) == (array.pytorch, None)
    assert array.path == tmp_path / "01-first.toml"
    assert [array.first_line(key) for key in ("pytorch", "pytorch_result", "tensorflow")] == [13, 16, 17]


def test_the_project_rows_load():
    sheet = data.load()
    assert len(sheet.rows) >= 30 and len(sheet.categories) == len(sheet.files)
    assert all(row.file.startswith("snippets/cheat-sheet/") and row.line > 0 for row in sheet.rows)
    assert [c for c in sheet.categories if any(r.category == c for r in sheet.rows)] == sheet.categories


@pytest.mark.parametrize(("change", "expected"), [
    (("tensorflow = '''tf.zeros((2, 3))'''\n", ""), ":3, row 1 ('Zeros'): the field 'tensorflow' is missing"),
    (("operation = \"Zeros\"\n", ""), ":3, row 1: the field 'operation' is missing"),
    (("operation = \"Zeros\"\n", "operation = \"Zeros\"\nshape = \"yes\"\n"), ":3, row 1 ('Zeros'): unknown field 'shape'"),
    (('check = "shape"', 'check = "close"'), ":8, row 2 ('From a NumPy array'): unknown check 'close'"),
    (('["normal", [2, 3]]', '["gaussian", [2, 3]]'), "row 2 ('From a NumPy array'): input 'a' has an unknown kind 'gaussian'"),
    (('["integers", [4], 3]', '["integers", [4]]'), "input 'i': an \"integers\" input is"),
    (('numpy_inputs = ["a"]', 'numpy_inputs = ["b"]'), "numpy_inputs names 'b', which is not one of the row's inputs"),
    (('dtypes = ["float32", "float32"]', 'dtypes = "float32"'), "dtypes must be [PyTorch's, TensorFlow's]"),
    (("z = y + 1", "    z = y + 1"), "pytorch: a table cell cannot show indentation"),
    (("'''z'''", "'''`z`'''"), "pytorch_result: backticks cannot go inside a code span"),
    (('note = "Both copy the data."', "note = 3"), "note must be a string, not 3"),
    (('"From a NumPy array"', '"Zeros"'), ":8, row 2 ('Zeros'): the operation is already used by "),
    (("[[rows]]\noperation = \"Zeros\"", "[[rows]]\noperation = Zeros"), ":4: not valid TOML: Invalid value (at line 4, column 13)"),
    (('category = "Creating tensors"', ""), "the category's title is missing"),
    (('category = "Creating tensors"', 'category = "Creating tensors"\ntitle = "x"'), "unknown top-level key 'title'"),
])
def test_a_malformed_file_names_the_file_and_the_row(tmp_path, change, expected):
    old, new = change
    assert old in GOOD
    message = failure(write(tmp_path, "01-first.toml", GOOD.replace(old, new, 1)))
    assert message.startswith(str(tmp_path / "01-first.toml")), message
    assert expected in message, message


def test_two_files_with_the_same_operation_or_category(tmp_path):
    write(tmp_path, "01-first.toml", GOOD)
    write(tmp_path, "02-second.toml", GOOD.replace("Creating tensors", "Second").replace('"Zeros"', '"Ones"'))
    message = failure(tmp_path)
    assert message == (f"{tmp_path / '02-second.toml'}:8, row 2 ('From a NumPy array'): the operation is already used by "
                       f"{tmp_path / '01-first.toml'}:8, row 2 ('From a NumPy array'); each operation names one row")
    write(tmp_path, "02-second.toml", GOOD.replace('"Zeros"', '"Ones"').replace("From a NumPy array", "From a list"))
    assert "the category 'Creating tensors' is already the title of" in failure(tmp_path)


def test_file_names_and_empty_files(tmp_path):
    assert "no cheat-sheet data files" in failure(tmp_path)
    write(tmp_path, "first.toml", GOOD)
    assert "a data file is named <number>-<name>.toml" in failure(tmp_path)
    (tmp_path / "first.toml").unlink()
    write(tmp_path, "01-first.toml", 'category = "Empty"\n')
    assert "the category 'Empty' has no rows" in failure(tmp_path)


def test_the_page_shows_the_rows_as_their_files_are_now(tmp_path, monkeypatch):
    """The site's hook makes the tables page from the files on every build, so `make serve` shows an edited row."""
    monkeypatch.setattr(data, "FOLDER", tmp_path)
    write(tmp_path, "01-first.toml", GOOD)
    zeros = "<td><strong>Zeros</strong></td>\n<td><code>{}</code></td>\n<td><code>tf.zeros((2, 3))</code></td>"
    assert zeros.format("torch.zeros(2, 3)") in render.tables_page()
    write(tmp_path, "01-first.toml", GOOD.replace("torch.zeros(2, 3)", "torch.zeros((2, 3))"))
    assert zeros.format("torch.zeros((2, 3))") in render.tables_page()


def test_every_row_compiles():
    problems = lint.compile_problems(data.load())
    assert not problems, "cheat-sheet code that is not Python:\n" + "\n".join(problems)


def test_every_row_passes_ruff():
    """Readers copy the rows as they copy the snippets, so ruff checks them with the snippets' rules."""
    problems = lint.ruff_problems(data.load())
    assert not problems, "ruff on the cheat sheet's rows (engine/cheatsheet/lint.py):\n" + "\n".join(problems)


def test_rows_are_linted_with_the_snippets_rules():
    """A row's module is read as a file under snippets/, so [tool.ruff]'s ignores for snippets/** apply to it."""
    text = "import numpy as np\n\nfor i in range(2):\n    print(np.pi)\nimport os\n\n\ndef f():\n    unused = os.sep\n"

    def codes(path):
        return sorted(finding["code"] for finding in lint.ruff(text, path))

    assert codes(lint.LINTED_AS / "01-x.pytorch.py") == codes(SNIPPETS / "tensors" / "pytorch_code.py") == ["F841"]
    assert codes(ROOT / "engine" / "x.py") == ["B007", "E402", "F841"]  # what the ignores for snippets/** leave out
    one_line = "for _ in range(2): print(1); print(2)\n"
    assert [f["code"] for f in lint.ruff(one_line, SNIPPETS / "tensors" / "pytorch_code.py")] == ["E701", "E702"]
    assert lint.ruff(one_line, lint.LINTED_AS / "01-x.pytorch.py") == []  # a table cell cannot show indentation


def test_a_row_that_does_not_compile_or_lint_is_named(tmp_path):
    write(tmp_path, "01-first.toml", GOOD.replace("'''tf.zeros((2, 3))'''", "'''tf.zeros((2, 3)'''"))
    [problem] = lint.compile_problems(data.load(tmp_path))
    assert problem.startswith(f"{tmp_path / '01-first.toml'}:6: tensorflow of row 1 ('Zeros') does not compile: ")
    write(tmp_path, "01-first.toml", GOOD.replace("z = y + 1\n", "w = y\nfor i in range(2): z = y + 1\n"))
    assert lint.compile_problems(data.load(tmp_path)) == []
    assert lint.ruff_problems(data.load(tmp_path)) == [
        f"{tmp_path / '01-first.toml'}:14: F841 Local variable `w` is assigned to but never used "
        "(pytorch of row 2, 'From a NumPy array')\n    w = y"]


DIFFERING = """\
category = "Sorting"

[[rows]]
operation = "Sort"
inputs = { x = ["normal", [2, 3]], i = ["integers", [2], 3] }
pytorch = '''torch.sort(x, dim=1).values'''
tensorflow = '''tf.sort(x, axis=1)'''

[[rows.differs_when]]
when = "nan"
inputs = { x = [[nan, 1.0]], i = [0, 2] }
note = "NaN goes last in PyTorch."
pytorch_gives = "[[1.0, nan]] float32"
tensorflow_gives = "[[nan, 1.0]] float32"

[[rows.differs_when]]
when = "float64"
input_dtypes = { x = "float64", i = "int32" }
note = "Another."
"""


def test_a_row_s_known_differences(tmp_path):
    [row] = data.load(write(tmp_path, "01-first.toml", DIFFERING)).rows
    nan, wide = row.differs_when
    assert (nan.when, nan.note, nan.line, nan.inputs["i"], nan.inputs["x"][0][1]) == ("nan", "NaN goes last in PyTorch.", 9, [0, 2], 1.0)
    assert math.isnan(nan.inputs["x"][0][0])
    assert (nan.gives("PyTorch"), nan.gives("TensorFlow")) == ("[[1.0, nan]] float32", "[[nan, 1.0]] float32")
    assert (nan.dtype(row, "x"), nan.dtype(row, "i")) == ("float32", "int64")
    assert (wide.inputs, wide.input_dtypes, wide.line, wide.pytorch_gives) == (None, {"x": "float64", "i": "int32"}, 16, None)
    assert row.fuzzed and not row.fixed_shapes and row.first_line("pytorch") == 6


@pytest.mark.parametrize(("change", "expected"), [
    (('when = "nan"', 'when = "NaN"'), "differs_when at line 9: unknown when 'NaN'; it is one of 'nan', "),
    (('note = "Another."\n', ""), "differs_when at line 16: the field 'note' is missing"),
    (('note = "Another."', 'note = "Another."\nshape = [1]'), "differs_when at line 16: unknown field 'shape'"),
    (("i = [0, 2] }", "j = [0, 2] }"), "inputs must give every input of the row (x, i) a value"),
    (("i = [0, 2] }", "i = [0, 2.0] }"), "input 'i' is of kind 'integers': write whole numbers without a point"),
    (("[[nan, 1.0]]", "[[nan, 1]]"), "input 'x' is of kind 'normal': write numbers with a point"),
    (("[[nan, 1.0]]", "[nan, 1.0]"), "input 'x' has shape (2,), the row's is (2, 3): an input has as many axes"),
    (("[[nan, 1.0]]", "[[nan, 1.0], [2.0]]"), "input 'x' must be a number or nested lists of numbers"),
    (('i = "int32"', 'i = "float64"'), "input 'i' of kind 'integers' cannot be float64"),
    (('i = "int32"', 'i = "int8"'), "input_dtypes names inputs and their dtypes"),
    (('when = "float64"', 'when = "nan"'), "two of its differs_when name the same when"),
    (("tensorflow = '''tf.sort(x, axis=1)'''", "tensorflow = '''tf.sort(x, axis=1)'''\ncheck = \"shape\""),
     "differs_when belongs to a row the fuzz runs"),
    (("tensorflow = '''tf.sort(x, axis=1)'''", "tensorflow = '''tf.sort(x, axis=1)'''\nfixed_shapes = 1"),
     "fixed_shapes must be true or false, not 1"),
    (("tensorflow = '''tf.sort(x, axis=1)'''", "tensorflow = '''tf.sort(x, axis=1)'''\nfixed_shapes = true"),
     "input 'x' has shape (1, 2), the row's is (2, 3)"),
])
def test_a_malformed_difference_names_the_row_and_its_line(tmp_path, change, expected):
    old, new = change
    assert old in DIFFERING
    message = failure(write(tmp_path, "01-first.toml", DIFFERING.replace(old, new, 1)))
    assert message.startswith(f"{tmp_path / '01-first.toml'}:3, row 1 ('Sort')"), message
    assert expected in message, message


def test_the_page_links_a_row_and_its_known_differences(tmp_path):
    sheet = data.load(write(tmp_path, "01-first.toml", DIFFERING))
    table = render.render_tables(sheet)
    assert "<summary>1 row, 1 with a known difference</summary>" in render.render_blocks(sheet)
    assert ('<a class="cheat-sheet-differs" data-differs id="row-sort" href="#differs-sort-nan">Differs when an input '
            "holds NaN</a>") in table
    assert '<a class="cheat-sheet-differs" data-differs href="#differs-sort-float64">Differs when the inputs are float64' in table
    differences = render.render_differences(sheet)
    assert differences.startswith(f"### {render.DIFFERENCES}\n")
    fuzzed = sum(row.fuzzed for row in sheet.rows)
    assert (f"Of the {render._count(len(sheet.rows), 'row')}, {fuzzed} run on generated inputs (the others take no tensor, "
            f"or make random numbers). On everything generated, {fuzzed - 1} of them agree; 1 has known differences, "
            "2 in all.") in differences
    assert ('<td><span id="differs-sort-nan" data-differs></span><a href="#row-sort"><strong>Sort</strong></a><br><small>'
            "Sorting; differs when an input holds NaN</small><br>NaN goes last in PyTorch.</td>\n"
            "<td><code>x = &#91;&#91;nan, 1.0&#93;&#93;</code><br><code>i = &#91;0, 2&#93;</code></td>\n"
            "<td><code>&#91;&#91;1.0, nan&#93;&#93; float32</code></td>\n"
            "<td><code>&#91;&#91;nan, 1.0&#93;&#93; float32</code></td>") in differences
    assert ("<td>the row's own inputs, <code>x</code> as float64, <code>i</code> as int32</td>\n<td>(not recorded yet)</td>\n"
            "<td>(not recorded yet)</td>") in differences
