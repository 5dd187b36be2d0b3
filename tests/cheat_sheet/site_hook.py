"""MkDocs hook (mkdocs.yml `hooks:`): put the cheat-sheet tables, made from tests/cheat_sheet/rows.py, on the page.

docs/cheat-sheet.md holds the line `<!-- cheat-sheet-table -->`; on_page_markdown replaces it with one table per
category: the operation (with its inputs and a note) and the code for each framework, one code span per line.
tests/test_cheat_sheet.py runs the same rows, so the code on the page is the code that was tested.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

PLACEHOLDER = "<!-- cheat-sheet-table -->"
PAGE = "cheat-sheet.md"
# Keep each code line on one line (the theme lets code in table cells break anywhere, even inside a name); a table
# wider than the page scrolls sideways instead. The rule sits in this page only.
STYLE = "<style>.md-typeset td code { white-space: nowrap; } .md-typeset td:first-child { min-width: 14em; }</style>"


def _rows_module():
    """rows.py, read afresh on every build (so `mkdocs serve` shows edits) and by file name: MkDocs loads hooks as
    standalone modules, so `tests/` is not on sys.path."""
    name = "_cheat_sheet_rows_for_site"
    spec = importlib.util.spec_from_file_location(name, Path(__file__).with_name("rows.py"))
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # dataclasses look their module up while the class is created
    spec.loader.exec_module(module)
    return module


def escape(text: str) -> str:
    """Text for a table cell: a pipe outside a code span would end the cell, so it is escaped there.

    Python-Markdown's tables extension (what MkDocs uses) does not split a row at a pipe inside a code span, and it
    would show a backslash put there, so code spans keep their pipes as they are.
    """
    parts = text.split("`")
    return "`".join(part if i % 2 else part.replace("|", "\\|") for i, part in enumerate(parts))


def code_cell(code: str) -> str:
    """One code span per line, separated by line breaks (a table cell cannot hold a code block)."""
    return "<br>".join(f"`{line}`" for line in code.splitlines())


def inputs_text(row, kinds) -> str:
    parts = []
    for name, spec in row.inputs.items():
        shape = "(" + ", ".join(str(n) for n in spec[1]) + ("," if len(spec[1]) == 1 else "") + ")"
        kind = " NumPy array" if name in row.numpy_inputs else ""
        parts.append(f"`{name}`: {shape} {kinds[spec[0]].split(',')[0]}{kind}")
    return "<br><small>" + "; ".join(parts) + "</small>" if parts else ""


def render_tables() -> str:
    rows = _rows_module()
    out = []
    for category in rows.CATEGORIES:
        out += [f"### {category}", "", "| Operation | PyTorch | TensorFlow |", "| --- | --- | --- |"]
        for row in (r for r in rows.ROWS if r.category == category):
            operation = f"**{row.operation}**" + inputs_text(row, rows.KINDS) + (f"<br>{row.note}" if row.note else "")
            cells = [escape(operation), code_cell(row.pytorch), code_cell(row.tensorflow)]
            out.append("| " + " | ".join(cells) + " |")
        out.append("")
    return "\n".join(out).rstrip("\n")


def on_page_markdown(markdown, page, config, files, **kwargs):
    if page.file.src_uri != PAGE:
        return markdown
    if PLACEHOLDER not in markdown:
        raise ValueError(f"{PAGE} has lost its placeholder line {PLACEHOLDER}")
    return markdown.replace(PLACEHOLDER, STYLE + "\n\n" + render_tables(), 1)
