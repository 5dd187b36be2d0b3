"""Each cheat-sheet row's code, compiled and linted as a snippet is: readers copy it from the page.

    problems = compile_problems(sheet)   # each piece of code that is not valid Python, by file, line and row
    problems = ruff_problems(sheet)      # each ruff finding, by file, line and row

    python -m engine.cheatsheet.lint     # both, for `make lint`; tests/test_cheat_sheet_data.py runs them too

For ruff, a data file's rows become one Python module per framework, read by `ruff check` on stdin under the name
snippets/cheat-sheet/<file>.<framework>.py (LINTED_AS), so the project's [tool.ruff] configuration applies with its
per-file ignores for snippets/** (and for snippets/cheat-sheet/**, which pyproject.toml explains). A row is a
function whose parameters are its inputs and whose body is its code, returning its result, as side.py runs it:

    import numpy as np  # noqa: F401
    import torch  # noqa: F401
    ...

    # snippets/cheat-sheet/02-random-numbers.toml:4, row 1 ('Random normal numbers, seeded')
    def row_1():
        torch.manual_seed(0)
        torch.randn(2, 3)
        return torch.randn(2, 3)

A finding is reported at the line of the data file it stands on, with the row and the framework.
"""

from __future__ import annotations

import json
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

from ..settings import FRAMEWORKS, ROOT, SNIPPETS
from .data import Row, Sheet, load

LINTED_AS = SNIPPETS / "cheat-sheet"
# What a row's code may use without importing it: the names side.py gives each framework's namespace.
IMPORTS = {
    "PyTorch": ["import numpy as np", "import torch", "import torch.nn.functional as F", "from torch import nn"],
    "TensorFlow": ["import keras", "import numpy as np", "import tensorflow as tf"],
}


@dataclass
class Module:
    """The rows of one data file, for one framework, as Python; `lines` maps a module line to where it comes from."""

    path: Path  # the name ruff reads it under
    framework: str
    text: str = ""
    lines: dict[int, tuple[Row, str, int]] = field(default_factory=dict)  # line -> (row, field, line of the code)


def module(rows: list[Row], framework: str) -> Module:
    out = [f"{line}  # noqa: F401" for line in IMPORTS[framework]]
    linted = Module(LINTED_AS / f"{Path(rows[0].file).stem}.{framework.lower()}.py", framework)
    for row in rows:
        out += ["", "", f"# {row.where}", f"def row_{row.number}({', '.join(row.inputs)}):"]
        key = framework.lower()
        result = row.result(framework)
        pieces = [(key, row.code(framework), "return " if result is None else "")]
        if result is not None:
            pieces.append((f"{key}_result", result, "return "))
        for name, code, prefix in pieces:
            code_lines = code.splitlines()
            if prefix and len(code_lines) > 1:  # an expression over several lines: wrapped in parentheses
                code_lines = ["(", *code_lines, ")"]
                offsets = [0, *range(len(code_lines) - 2), len(code_lines) - 3]
            else:
                offsets = list(range(len(code_lines)))
            for i, (text, offset) in enumerate(zip(code_lines, offsets, strict=True)):
                out.append("    " + (prefix if i == 0 else "") + text)
                linted.lines[len(out)] = (row, name, offset)
    linted.text = "\n".join(out) + "\n"
    return linted


def modules(sheet: Sheet) -> list[Module]:
    by_file: dict[str, list[Row]] = {}
    for row in sheet.rows:
        by_file.setdefault(row.file, []).append(row)
    return [module(rows, framework) for rows in by_file.values() for framework in FRAMEWORKS]


def _place(row: Row, key: str, offset: int) -> str:
    line = row.first_line(key) + offset if row.line else 0
    return f"{row.file}:{line}" if line else row.file


def compile_problems(sheet: Sheet) -> list[str]:
    """Each piece of code that does not compile, with the file, the line and the row."""
    problems = []
    for row in sheet.rows:
        for framework in FRAMEWORKS:
            for result in (False, True) if row.result(framework) is not None else (False,):
                try:
                    row.compiled(framework, result)
                except SyntaxError as err:
                    key = framework.lower() + ("_result" if result else "")
                    problems.append(f"{row.file}:{err.lineno}: {key} of row {row.number} ({row.operation!r}) does not "
                                    f"compile: {err.msg}\n    {(err.text or '').strip()}")
    return problems


def ruff(text: str, path: Path) -> list[dict]:
    """ruff's findings for `text`, read as the file `path` with the project's configuration."""
    done = subprocess.run([sys.executable, "-m", "ruff", "check", "--no-cache", "--output-format", "json",
                           "--stdin-filename", str(path), "-"], input=text, capture_output=True, text=True, cwd=ROOT)
    if done.returncode not in (0, 1):
        raise RuntimeError(f"ruff failed on {path}:\n{done.stderr}")
    return json.loads(done.stdout)


def ruff_problems(sheet: Sheet) -> list[str]:
    """Each ruff finding in a row's code, with the data file, the line and the row."""
    problems = []
    for linted in modules(sheet):
        for finding in ruff(linted.text, linted.path):
            at = finding["location"]["row"]
            code = finding.get("code") or "error"
            if at not in linted.lines:  # the lines around the rows: ruff found something the rows cannot change
                problems.append(f"{linted.path.relative_to(ROOT)}:{at} (made from the rows): {code} {finding['message']}")
                continue
            row, key, offset = linted.lines[at]
            text = linted.text.splitlines()[at - 1].strip()
            problems.append(f"{_place(row, key, offset)}: {code} {finding['message']} ({key} of row {row.number}, "
                            f"{row.operation!r})\n    {text}")
    return problems


def main() -> int:
    """`python -m engine.cheatsheet.lint` (make lint): print each problem; fail when there is one."""
    sheet = load()
    problems = compile_problems(sheet) or ruff_problems(sheet)
    print("\n".join(problems) if problems else f"{len(sheet.rows)} cheat-sheet rows compile and pass ruff")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
