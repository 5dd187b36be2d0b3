"""Write the rows of rows.py as the data files in snippets/cheat-sheet/, then check that the loader reads them back
exactly: the same rows, every field equal and of the same type, in the same order.

    python -m engine.cheatsheet.convert
"""

from __future__ import annotations

import dataclasses
import json
import re

from . import data, rows

# What rows.py said in comments about a category's inputs, kept as a comment at the top of its file.
COMMENTS = {
    "Reshaping": "`img` is a batch of NHWC images: (batch, height, width, channels).",
    "Padding": "`img` is a batch of NHWC images: (batch, height, width, channels).",
    "Layers": "`img` is a batch of NHWC images (batch, height, width, channels): each PyTorch row permutes it to NCHW\n"
              "and back. `seq` is (batch, time, features).",
    "Learning-rate schedules": "The PyTorch rows record the rate before each of N steps, as the Keras schedule gives it\n"
                               "for step 0, 1, ... N - 1.",
}


def string(text: str) -> str:
    """A one-line TOML string: basic ("...") unless a literal ('...') needs no escapes where the basic one would."""
    assert "\n" not in text and "\r" not in text
    if '"' not in text and "\\" not in text:
        return f'"{text}"'
    if "'" not in text:
        return f"'{text}'"
    return json.dumps(text, ensure_ascii=False)  # JSON's escapes are TOML basic-string escapes


def code(text: str) -> str:
    """Code in a literal multi-line string: on one line when it is one line, else on lines of its own."""
    assert "'''" not in text and not text.startswith("\n") and not text.endswith("\n") and not text.endswith("'")
    return f"'''{text}'''" if "\n" not in text else f"'''\n{text}\n'''"


def value(item) -> str:
    if isinstance(item, str):
        return string(item)
    if isinstance(item, bool):
        raise TypeError(item)
    if isinstance(item, int):
        return str(item)
    if isinstance(item, tuple):
        return "[" + ", ".join(value(x) for x in item) + "]"
    raise TypeError(item)


def row_toml(row: rows.Row) -> str:
    lines = ["[[rows]]", f"operation = {string(row.operation)}"]
    if row.inputs:
        specs = ", ".join(f"{name} = {value(spec)}" for name, spec in row.inputs.items())
        lines.append(f"inputs = {{ {specs} }}")
    if row.numpy_inputs:
        lines.append(f"numpy_inputs = {value(row.numpy_inputs)}")
    lines.append(f"pytorch = {code(row.pytorch)}")
    if row.pytorch_result is not None:
        lines.append(f"pytorch_result = {code(row.pytorch_result)}")
    lines.append(f"tensorflow = {code(row.tensorflow)}")
    if row.tensorflow_result is not None:
        lines.append(f"tensorflow_result = {code(row.tensorflow_result)}")
    if row.check != "allclose":
        lines.append(f"check = {string(row.check)}")
    if row.dtypes is not None:
        lines.append(f"dtypes = {value(row.dtypes)}")
    if row.note:
        lines.append(f"note = {string(row.note)}")
    return "\n".join(lines) + "\n"


def file_name(number: int, category: str) -> str:
    return f"{number:02d}-" + re.sub(r"[^a-z0-9]+", "-", category.lower()).strip("-") + ".toml"


def write() -> None:
    data.FOLDER.mkdir(parents=True, exist_ok=True)
    for old in data.FOLDER.glob("*.toml"):
        old.unlink()
    for number, category in enumerate(rows.CATEGORIES, 1):
        header = [f"# The cheat sheet's rows (docs/cheat-sheet.md): {category}. CONTRIBUTING.md says how to add or change one."]
        header += [f"# {line}" for line in COMMENTS.get(category, "").splitlines()]
        parts = ["\n".join(header) + f"\ncategory = {string(category)}\n"]
        parts += [row_toml(row) for row in rows.ROWS if row.category == category]
        (data.FOLDER / file_name(number, category)).write_text("\n".join(parts), encoding="utf-8")


def fields(row) -> dict:
    """Every field rows.py's Row has, by name."""
    return {f.name: getattr(row, f.name) for f in dataclasses.fields(rows.Row)}


def typed(item):
    """A value with the type of each part spelled out, so that (3, 4) and [3, 4] compare unequal."""
    if isinstance(item, dict):
        return ("dict", [(typed(k), typed(v)) for k, v in item.items()])
    if isinstance(item, (list, tuple)):
        return (type(item).__name__, [typed(x) for x in item])
    return (type(item).__name__, item)


def verify() -> None:
    sheet = data.load()
    assert sheet.categories == rows.CATEGORIES, (sheet.categories, rows.CATEGORIES)
    assert len(sheet.rows) == len(rows.ROWS), (len(sheet.rows), len(rows.ROWS))
    for old, new in zip(rows.ROWS, sheet.rows, strict=True):
        assert typed(fields(old)) == typed(fields(new)), f"{new.where}:\n  rows.py: {fields(old)}\n  data:    {fields(new)}"
    assert [typed(fields(r)) for r in rows.ROWS] == [typed(fields(r)) for r in sheet.rows]
    print(f"{len(sheet.rows)} rows in {len(sheet.files)} files, every field equal to rows.py's, in the same order")


if __name__ == "__main__":
    write()
    verify()
