"""The cheat-sheet tables, made from the rows in snippets/cheat-sheet/ (data.py), for docs/cheat-sheet.md.

The page holds the line `<!-- cheat-sheet-table -->`; `fill_page` replaces it with a filter box and one table per
category: the
operation (with its inputs and a note) and the code for each framework, one code span per line. The test runs the
same rows (program.py), so the code on the page is the code that was tested. The rows are read from their files each
time the page is made, so `make serve` shows an edited row at once.
"""

from __future__ import annotations

from . import data

PLACEHOLDER = "<!-- cheat-sheet-table -->"
PAGE = "cheat-sheet.md"
# Keep each code line on one line (the theme lets code in table cells break anywhere, even inside a name); a table
# wider than the page scrolls sideways instead. The rule sits in this page only.
STYLE = "<style>.md-typeset td code { white-space: nowrap; } .md-typeset td:first-child { min-width: 14em; }</style>"
# The filter box above the tables: docs/assets/javascripts/cheat-sheet-filter.js (mkdocs.yml `extra_javascript`)
# shows it and hides the rows that do not contain the typed text. Without the script the box stays hidden, so the
# page never shows a box that does nothing. `[hidden]` must win over the theme's `display` rules.
FILTER_STYLE = (
    "<style>.md-typeset [hidden] { display: none !important; } "
    ".cheat-sheet-filter { display: flex; flex-wrap: wrap; align-items: center; gap: 0.4em 0.8em; margin: 1em 0; } "
    ".cheat-sheet-filter label { font-weight: 700; } "
    ".cheat-sheet-filter input { flex: 1 1 16em; max-width: 28em; padding: 0.3em 0.6em; font: inherit; "
    "color: var(--md-default-fg-color); background-color: var(--md-default-bg-color); "
    "border: 1px solid var(--md-default-fg-color--light); border-radius: 0.2em; } "
    ".cheat-sheet-filter output { color: var(--md-default-fg-color--light); }</style>"
)
FILTER_BOX = (
    '<div class="cheat-sheet-filter" hidden>\n'
    '<label for="cheat-sheet-filter">Filter the rows</label>\n'
    '<input type="search" id="cheat-sheet-filter" placeholder="a word or a name, e.g. argmax" autocomplete="off" '
    'spellcheck="false" aria-describedby="cheat-sheet-filter-count">\n'
    '<output id="cheat-sheet-filter-count" for="cheat-sheet-filter" aria-live="polite"></output>\n'
    "</div>"
)


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


def render_tables(sheet: data.Sheet | None = None) -> str:
    sheet = sheet or data.load()
    out = []
    for category in sheet.categories:
        out += [f"### {category}", "", "| Operation | PyTorch | TensorFlow |", "| --- | --- | --- |"]
        for row in (r for r in sheet.rows if r.category == category):
            operation = f"**{row.operation}**" + inputs_text(row, data.KINDS) + (f"<br>{row.note}" if row.note else "")
            cells = [escape(operation), code_cell(row.pytorch), code_cell(row.tensorflow)]
            out.append("| " + " | ".join(cells) + " |")
        out.append("")
    return "\n".join(out).rstrip("\n")


def fill_page(markdown: str, sheet: data.Sheet | None = None) -> str:
    """The page with its tables in place of the placeholder, from `sheet` or, by default, the rows as their files are now."""
    if PLACEHOLDER not in markdown:
        raise ValueError(f"{PAGE} has lost its placeholder line {PLACEHOLDER}")
    page_top = STYLE + "\n" + FILTER_STYLE + "\n\n" + FILTER_BOX + "\n\n"
    return markdown.replace(PLACEHOLDER, page_top + render_tables(sheet), 1)
