"""The cheat sheet's data files (snippets/cheat-sheet/*.toml) and their loader, engine/cheatsheet/data.py: what a
file may hold, and the error a malformed one gives (the file, the row's line, the row)."""

from __future__ import annotations

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
    """The site's hook fills the page from the files on every build, so `make serve` shows an edited row."""
    monkeypatch.setattr(data, "FOLDER", tmp_path)
    write(tmp_path, "01-first.toml", GOOD)
    page = f"# Cheat sheet\n\n{render.PLACEHOLDER}\n"
    assert "| **Zeros** | `torch.zeros(2, 3)` | `tf.zeros((2, 3))` |" in render.fill_page(page)
    write(tmp_path, "01-first.toml", GOOD.replace("torch.zeros(2, 3)", "torch.zeros((2, 3))"))
    assert "| **Zeros** | `torch.zeros((2, 3))` | `tf.zeros((2, 3))` |" in render.fill_page(page)


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
