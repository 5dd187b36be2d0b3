"""The cheat sheet's rows, read from their data files: one TOML file per category in snippets/cheat-sheet/.

    sheet = load()              # Sheet(categories, rows), read afresh on every call
    sheet.rows[0].pytorch       # 'torch.tensor(a)'

A file is named `<number>-<name>.toml`; the files' names give the order of the categories on the page. Each holds
its category's title and its rows, in the order the page shows them:

    category = "Creating tensors"

    [[rows]]
    operation = "From a NumPy array"
    inputs = { a = ["normal", [2, 3]] }
    numpy_inputs = ["a"]
    pytorch = '''torch.tensor(a)'''
    tensorflow = '''tf.constant(a)'''
    note = "Both copy the data. `torch.from_numpy(a)` shares memory with `a` instead."

A row's fields (FIELDS): `operation`, `pytorch` and `tensorflow` are required, the rest optional.

    operation          the task, as the first column shows it; unique across the sheet
    pytorch            the code, exactly as the page shows it: one expression, whose value is the result, or
    tensorflow         several lines of statements, whose result `pytorch_result` / `tensorflow_result` names.
                       No line may be indented or hold a backtick (a table cell shows one code span per line).
                       A TOML literal string ('''...''') keeps the code as written: nothing in it is an escape, and
                       a line break right after the opening quotes is dropped, as is one right before the closing
                       quotes, so a multi-line piece of code can start and end on lines of its own.
    pytorch_result     an expression giving the result after the code ran; part of the test, not of the page, so
    tensorflow_result  keep it trivial (a variable name, or a difference that must be zero)
    inputs             name = [kind, shape] or ["integers", shape, high]: arrays made from np.random.default_rng(0),
                       in the order given, the same numbers for both frameworks (KINDS names the kinds)
    numpy_inputs       the inputs handed to both sides as NumPy arrays rather than tensors
    check              what must agree (compare.py): "allclose" (the default), "shape" or "dtype"
    dtypes             [PyTorch's, TensorFlow's], where the result dtypes differ on purpose
    note               what the page says under the operation (Markdown)
    fixed_shapes       true where the code names its inputs' sizes: the generated inputs keep the row's shapes
    differs_when       the row's known differences, each a [[rows.differs_when]] table (Difference, DIFFERENCE_FIELDS):
                       `when` (one of CLASSES), the smallest `inputs` that show it (nested lists of numbers; without
                       them, the row's own inputs), `input_dtypes`, a `note`, and what each side gives there
                       (`pytorch_gives`, `tensorflow_gives`, written by tests/test_cheat_sheet_fuzz.py --update-outputs)

The PyTorch code runs with `torch`, `nn` (torch.nn), `F` (torch.nn.functional) and `np` defined; the TensorFlow code
with `tf`, `keras` and `np`. Each row runs in a fresh temporary working directory, so saving rows may write files.
This module imports neither framework, so the site's build reads the rows quickly.

A file that is not valid TOML, or a row with a missing, unknown or malformed field, or an operation already used,
raises RowsError naming the file, the row's line and the row.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from ..settings import FRAMEWORKS, ROOT, SNIPPETS

FOLDER = SNIPPETS / "cheat-sheet"
FILE_NAME = re.compile(r"\d+-[a-z0-9]+(-[a-z0-9]+)*\.toml")

# An input is [kind, shape] or ["integers", shape, high]: built from np.random.default_rng(0), in the order given.
KINDS = {
    "normal": "float32, standard normal",
    "uniform": "float32 in [0, 1)",
    "binary": "float32, 0 or 1",
    "integers": "int64",
}
CHECKS = ("allclose", "shape", "dtype")
REQUIRED = ("operation", "pytorch", "tensorflow")
FIELDS = ("operation", "inputs", "numpy_inputs", "pytorch", "pytorch_result", "tensorflow", "tensorflow_result",
          "check", "dtypes", "note", "fixed_shapes", "differs_when")
# What a known difference (`differs_when`) may name as its cause: one part of the inputs the fuzz generates
# (engine/cheatsheet/fuzz.py), which it then leaves out of the row's generated inputs; with the words the page uses.
CLASSES = {
    "nan": "an input holds NaN",
    "infinities": "an input holds an infinity",
    "signed zeros": "an input holds -0.0",
    "halves": "an input holds halves (x.5)",
    "whole numbers": "an input holds whole numbers",
    "zeros": "an input holds zeros",
    "ties": "an input holds equal values",
    "float64": "the inputs are float64",
    "int32": "the integer inputs are int32",
    "shapes": "the inputs have other shapes",
}
DIFFERENCE_FIELDS = ("when", "inputs", "input_dtypes", "note", "pytorch_gives", "tensorflow_gives")
DIFFERENCE_REQUIRED = ("when", "note")
INPUT_DTYPES = {"float32", "float64", "int64", "int32"}


@dataclass(frozen=True)
class Difference:
    """A known difference of a row: on `inputs` (the smallest input the fuzz found, by input name, as nested lists
    of numbers; None: the row's own inputs) with the dtypes `input_dtypes` names (each other input has its kind's,
    float32 or int64) the two sides disagree, for the reason `note` gives, and `when` (one of CLASSES) is left out
    of the row's generated inputs. `pytorch_gives` and `tensorflow_gives` are what each side gives there, written by
    `pytest tests/test_cheat_sheet_fuzz.py --update-outputs` and checked by the same test without the option."""

    when: str
    inputs: dict | None
    note: str
    input_dtypes: dict[str, str] = field(default_factory=dict)
    pytorch_gives: str | None = None
    tensorflow_gives: str | None = None
    line: int = field(default=0, compare=False)  # the line of its [[rows.differs_when]] header; 0 if not known

    @staticmethod
    def default_dtype(kind: str) -> str:
        return "int64" if kind == "integers" else "float32"

    def dtype(self, row: Row, name: str) -> str:
        return self.input_dtypes.get(name, self.default_dtype(row.inputs[name][0]))

    def gives(self, framework: str) -> str | None:
        return self.pytorch_gives if framework == FRAMEWORKS[0] else self.tensorflow_gives
CODE_FIELDS = ("pytorch", "tensorflow", "pytorch_result", "tensorflow_result")


@dataclass(frozen=True)
class Row:
    category: str
    operation: str
    pytorch: str
    tensorflow: str
    inputs: dict[str, tuple] = field(default_factory=dict)
    numpy_inputs: tuple[str, ...] = ()
    check: str = "allclose"
    dtypes: tuple[str, str] | None = None
    pytorch_result: str | None = None
    tensorflow_result: str | None = None
    note: str = ""
    fixed_shapes: bool = False
    differs_when: tuple[Difference, ...] = ()
    # Where the row is written: its file (relative to the project when it is inside it), the line of its [[rows]]
    # header (0 when it could not be told) and its number in the file, from 1. Not part of the row's value.
    file: str = field(default="", compare=False)
    line: int = field(default=0, compare=False)
    number: int = field(default=0, compare=False)
    # The line each piece of code starts on in the file, by field name, for tracebacks that show the file's lines.
    code_lines: dict[str, int] = field(default_factory=dict, compare=False)

    @property
    def where(self) -> str:
        """'snippets/cheat-sheet/01-creating-tensors.toml:5, row 1 ('From a NumPy array')'"""
        return f"{_place(self.file, self.line)}, row {self.number} ({self.operation!r})"

    @property
    def path(self) -> Path:
        return ROOT / self.file  # the file itself when it is outside the project

    def first_line(self, key: str) -> int:
        """The line of the file on which the code in field `key` starts; 1 when it could not be told."""
        return self.code_lines.get(key, 1)

    def compiled(self, framework: str, result: bool = False):
        """The code (or, with `result`, the result expression) for `framework`, compiled as the lines of the data file it
        stands on, so that a traceback or a syntax error shows the file and line. The code is an expression
        ("eval") when the row names no result for that side, else statements ("exec")."""
        key = framework.lower() + ("_result" if result else "")
        code = self.result(framework) if result else self.code(framework)
        mode = "eval" if result or self.result(framework) is None else "exec"
        return compile("\n" * (self.first_line(key) - 1) + code, str(self.path), mode)

    @property
    def fuzzed(self) -> bool:
        """Whether tests/test_cheat_sheet_fuzz.py runs the row on generated inputs: it takes a tensor, and its
        results are compared by value or dtype (not "shape", for random numbers)."""
        return self.check != "shape" and any(name not in self.numpy_inputs for name in self.inputs)

    def code(self, framework: str) -> str:
        return self.pytorch if framework == FRAMEWORKS[0] else self.tensorflow

    def result(self, framework: str) -> str | None:
        """The expression that gives the result after `code(framework)` ran; None when the code is that expression."""
        return self.pytorch_result if framework == FRAMEWORKS[0] else self.tensorflow_result


@dataclass(frozen=True)
class Sheet:
    categories: list[str]  # in page order
    rows: list[Row]  # in page order: by category, then as their file lists them
    files: list[str]  # the data files, one per category, in the same order


class RowsError(ValueError):
    """A data file that cannot be read as cheat-sheet rows; the message names the file, and the row where one is at fault."""


def _check_fields(where: str, table: dict, fields, required, whose: str) -> None:
    """A table of a data file holds only known fields, and every required one."""
    unknown = [key for key in table if key not in fields]
    if unknown:
        raise RowsError(f"{where}: unknown field {unknown[0]!r}; {whose} fields are {', '.join(fields)}")
    missing = [key for key in required if key not in table]
    if missing:
        raise RowsError(f"{where}: the field {missing[0]!r} is missing")


def _place(file: str, line: int) -> str:
    return f"{file}:{line}" if line else file


def _shown(path: Path) -> str:
    path = path.resolve()
    return str(path.relative_to(ROOT)) if path.is_relative_to(ROOT) else str(path)


def _header_lines(text: str) -> list[int]:
    """The line number of every [[rows]] header, in order."""
    return [i for i, line in enumerate(text.splitlines(), 1) if re.fullmatch(r"\s*\[\[\s*rows\s*\]\]\s*(#.*)?", line)]


def _difference_lines(lines: list[str], start: int, end: int) -> list[int]:
    """The lines of the [[rows.differs_when]] headers between lines `start` and `end`."""
    return [n for n in range(start + 1, end) if re.fullmatch(r"\s*\[\[\s*rows\.differs_when\s*\]\]\s*(#.*)?", lines[n - 1])]


def _code_lines(lines: list[str], start: int, end: int) -> dict[str, int]:
    """Where each piece of code of the row between lines `start` and `end` (its [[rows]] header and the next) starts."""
    found = {}
    for number in range(start + 1, end):
        match = re.match(r"\s*(pytorch|tensorflow|pytorch_result|tensorflow_result)\s*=\s*'{3}(.*)", lines[number - 1])
        if match:
            found[match[1]] = number + (not match[2])  # a line break right after the quotes is not part of the code
    return found


def _code(value: str) -> str:
    """The code a literal multi-line string holds: its opening line break is dropped by TOML, its closing one here."""
    return value.removesuffix("\n")


def _input(where: str, name: str, spec) -> tuple:
    if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", name):
        raise RowsError(f"{where}: the input name {name!r} is not a Python name")
    if not isinstance(spec, list) or len(spec) not in (2, 3) or not isinstance(spec[0], str):
        raise RowsError(f"{where}: input {name!r} must be [kind, shape] or [\"integers\", shape, high], not {spec!r}")
    kind, shape = spec[0], spec[1]
    if kind not in KINDS:
        raise RowsError(f"{where}: input {name!r} has an unknown kind {kind!r}; the kinds are {', '.join(KINDS)}")
    if not isinstance(shape, list) or not all(isinstance(n, int) and not isinstance(n, bool) and n >= 0 for n in shape):
        raise RowsError(f"{where}: input {name!r} needs a shape, a list of sizes such as [3, 4], not {shape!r}")
    if (kind == "integers") != (len(spec) == 3):
        raise RowsError(f"{where}: input {name!r}: an \"integers\" input is [\"integers\", shape, high], any other kind [kind, shape]")
    if kind == "integers" and not (isinstance(spec[2], int) and not isinstance(spec[2], bool) and spec[2] > 0):
        raise RowsError(f"{where}: input {name!r} needs a positive integer as its high bound, not {spec[2]!r}")
    return (kind, tuple(shape), *spec[2:])


def _shape(value) -> tuple[int, ...] | None:
    """The shape of a number or of nested lists of numbers; None when they are not rectangular, or not numbers."""
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return ()
    if not isinstance(value, list) or not value:
        return None
    shapes = {_shape(part) for part in value}
    return (len(value), *shapes.pop()) if len(shapes) == 1 and None not in shapes else None


def _types(value) -> set[type]:
    """The types of the numbers in a number or nested lists of numbers."""
    return set().union(*map(_types, value)) if isinstance(value, list) else {type(value)}


def _differences(where: str, values: dict, lines: list[int]) -> tuple[Difference, ...]:
    tables = values["differs_when"]
    if not isinstance(tables, list) or not tables or not all(isinstance(t, dict) for t in tables):
        raise RowsError(f"{where}: differs_when must be one or more [[rows.differs_when]] tables")
    if values.get("check") == "shape" or all(name in values["numpy_inputs"] for name in values["inputs"]):
        raise RowsError(f"{where}: differs_when belongs to a row the fuzz runs: one that takes a tensor, with a check "
                        "other than \"shape\"")
    lines = lines if len(lines) == len(tables) else [0] * len(tables)
    found = []
    for table, line in zip(tables, lines, strict=True):
        at = f"{where}, differs_when" + (f" at line {line}" if line else "")
        _check_fields(at, table, DIFFERENCE_FIELDS, DIFFERENCE_REQUIRED, "its")
        for key in ("when", "note", "pytorch_gives", "tensorflow_gives"):
            if key in table and not isinstance(table[key], str):
                raise RowsError(f"{at}: {key} must be a string, not {table[key]!r}")
        if table["when"] not in CLASSES:
            raise RowsError(f"{at}: unknown when {table['when']!r}; it is one of {', '.join(map(repr, CLASSES))}")
        if not table["note"].strip():
            raise RowsError(f"{at}: the note is empty: say what each framework does")
        inputs, dtypes = table.get("inputs"), table.get("input_dtypes", {})
        if inputs is not None and (not isinstance(inputs, dict) or sorted(inputs) != sorted(values["inputs"])):
            raise RowsError(f"{at}: inputs must give every input of the row ({', '.join(values['inputs'])}) a value, "
                            f"such as {{ x = [0.5, nan] }}")
        if not isinstance(dtypes, dict) or any(name not in values["inputs"] or d not in INPUT_DTYPES
                                               for name, d in dtypes.items()):
            raise RowsError(f"{at}: input_dtypes names inputs and their dtypes ({', '.join(sorted(INPUT_DTYPES))}), "
                            f"such as {{ x = \"float64\" }}, not {dtypes!r}")
        for name, value in (inputs or {}).items():
            kind, shape = values["inputs"][name][0], values["inputs"][name][1]
            got = _shape(value)
            if got is None:
                raise RowsError(f"{at}: input {name!r} must be a number or nested lists of numbers, of shape {tuple(shape)}")
            if len(got) != len(shape) or (values.get("fixed_shapes") and got != tuple(shape)):
                raise RowsError(f"{at}: input {name!r} has shape {got}, the row's is {tuple(shape)}: an input has as "
                                "many axes as the row's (and its very shape where the row has fixed_shapes = true)")
            if _types(value) != ({int} if kind == "integers" else {float}):
                written = "whole numbers without a point" if kind == "integers" else "numbers with a point (1.0, nan, inf)"
                raise RowsError(f"{at}: input {name!r} is of kind {kind!r}: write {written}")
        for name, dtype in dtypes.items():
            kind = values["inputs"][name][0]
            if dtype.startswith("int") != (kind == "integers"):
                raise RowsError(f"{at}: input {name!r} of kind {kind!r} cannot be {dtype}")
        found.append(Difference(table["when"], inputs, table["note"], dict(dtypes), table.get("pytorch_gives"),
                                table.get("tensorflow_gives"), line))
    whens = [d.when for d in found]
    if len(set(whens)) != len(whens):
        raise RowsError(f"{where}: two of its differs_when name the same when; each names one cause")
    return tuple(found)


def _row(category: str, file: str, number: int, line: int, table, code_lines: dict[str, int],
         difference_lines: list[int] = ()) -> Row:
    where = f"{_place(file, line)}, row {number}"
    if not isinstance(table, dict):
        raise RowsError(f"{where}: a row must be a table ([[rows]]), not {table!r}")
    if isinstance(table.get("operation"), str):
        where += f" ({table['operation']!r})"
    _check_fields(where, table, FIELDS, REQUIRED, "a row's")
    for key in ("operation", "note", "check", *CODE_FIELDS):
        if key in table and not isinstance(table[key], str):
            raise RowsError(f"{where}: {key} must be a string, not {table[key]!r}")
    if not table["operation"].strip() or "\n" in table["operation"]:
        raise RowsError(f"{where}: the operation must be one line of text")
    values = {key: _code(table[key]) if key in CODE_FIELDS else table[key] for key in table}
    for key in CODE_FIELDS:
        code = values.get(key)
        if code is None:
            continue
        if not code.strip():
            raise RowsError(f"{where}: {key} is empty")
        for text in code.splitlines():
            if text != text.strip():
                raise RowsError(f"{where}: {key}: a table cell cannot show indentation or trailing spaces: {text!r}")
            if "`" in text:
                raise RowsError(f"{where}: {key}: backticks cannot go inside a code span: {text!r}")
    if values.get("check", "allclose") not in CHECKS:
        raise RowsError(f"{where}: unknown check {values['check']!r}; the checks are {', '.join(CHECKS)}")
    inputs = values.get("inputs", {})
    if not isinstance(inputs, dict):
        raise RowsError(f"{where}: inputs must be a table such as {{ x = [\"normal\", [3, 4]] }}, not {inputs!r}")
    values["inputs"] = {name: _input(where, name, spec) for name, spec in inputs.items()}
    numpy_inputs = values.get("numpy_inputs", [])
    if not isinstance(numpy_inputs, list) or not all(isinstance(name, str) for name in numpy_inputs):
        raise RowsError(f"{where}: numpy_inputs must be a list of input names, not {numpy_inputs!r}")
    for name in numpy_inputs:
        if name not in values["inputs"]:
            raise RowsError(f"{where}: numpy_inputs names {name!r}, which is not one of the row's inputs")
    values["numpy_inputs"] = tuple(numpy_inputs)
    if "dtypes" in values:
        dtypes = values["dtypes"]
        if not (isinstance(dtypes, list) and len(dtypes) == 2 and all(isinstance(d, str) for d in dtypes)):
            raise RowsError(f"{where}: dtypes must be [PyTorch's, TensorFlow's], such as [\"int64\", \"int32\"], not {dtypes!r}")
        values["dtypes"] = tuple(dtypes)
    if not isinstance(values.get("fixed_shapes", False), bool):
        raise RowsError(f"{where}: fixed_shapes must be true or false, not {values['fixed_shapes']!r}")
    if "differs_when" in values:
        values["differs_when"] = _differences(where, values, difference_lines)
    return Row(category=category, file=file, line=line, number=number, code_lines=code_lines, **values)


def read_file(path: Path) -> tuple[str, list[Row]]:
    """One data file's category and rows."""
    file = _shown(path)
    text = path.read_text(encoding="utf-8")
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as err:
        at = re.search(r"at line (\d+)", str(err))
        raise RowsError(f"{_place(file, int(at[1]) if at else 0)}: not valid TOML: {err}") from None
    unknown = [key for key in data if key not in ("category", "rows")]
    if unknown:
        raise RowsError(f"{file}: unknown top-level key {unknown[0]!r}; a file holds `category = \"...\"` and its [[rows]]")
    category = data.get("category")
    if not isinstance(category, str) or not category.strip():
        raise RowsError(f"{file}: the category's title is missing: write `category = \"...\"` above the first [[rows]]")
    tables = data.get("rows")
    if not tables:
        raise RowsError(f"{file}: the category {category!r} has no rows: add them as [[rows]] tables")
    if not isinstance(tables, list):
        raise RowsError(f"{file}: rows must be an array of tables, each row starting with [[rows]]")
    headers = _header_lines(text)
    if len(headers) != len(tables):
        headers = [0] * len(tables)
    lines = text.splitlines()
    ends = [*headers[1:], len(lines) + 1]
    return category, [_row(category, file, n, line, table, _code_lines(lines, line, end) if line else {},
                           _difference_lines(lines, line, end) if line else [])
                      for n, (line, end, table) in enumerate(zip(headers, ends, tables, strict=True), 1)]


def load(folder: Path | None = None) -> Sheet:
    """Every row, read afresh from the data files (in FOLDER unless `folder` is given), in page order."""
    folder = FOLDER if folder is None else folder
    paths = sorted(folder.glob("*.toml"))
    if not paths:
        raise RowsError(f"{_shown(folder)}: no cheat-sheet data files (<number>-<name>.toml)")
    categories, rows, files = [], [], []
    seen_categories: dict[str, str] = {}
    seen_operations: dict[str, Row] = {}
    for path in paths:
        if not FILE_NAME.fullmatch(path.name):
            raise RowsError(f"{_shown(path)}: a data file is named <number>-<name>.toml (lower case, words joined by "
                            "hyphens), the number giving its place on the page, such as 01-creating-tensors.toml")
        category, file_rows = read_file(path)
        if category in seen_categories:
            raise RowsError(f"{_shown(path)}: the category {category!r} is already the title of {seen_categories[category]}")
        seen_categories[category] = _shown(path)
        for row in file_rows:
            if row.operation in seen_operations:
                raise RowsError(f"{row.where}: the operation is already used by {seen_operations[row.operation].where}; "
                                "each operation names one row")
            seen_operations[row.operation] = row
        categories.append(category)
        rows += file_rows
        files.append(_shown(path))
    return Sheet(categories, rows, files)
