"""The cheat-sheet tables, made from the rows in snippets/cheat-sheet/ (data.py), for docs/cheat-sheet.md.

There is one table per category (the operation, with its inputs, its note and a link to each of its known
differences, and the code for each framework, one code span per line) and a table of the known differences (each
with the smallest input that shows it and what each framework gives there, as tests/test_cheat_sheet_fuzz.py recorded
it and checks it). The tests run the same rows (program.py, fuzz.py), so the code on the page is the code that was
tested. The rows are read from their files each time the pages are made, so `make serve` shows an edited row at once.

The tables live on a page of their own, `tables_page` (TABLES_PAGE, made by the site hooks, not in the nav): every
table open, under its heading, for readers without scripts, for printing and for the browser's own find. The cheat
sheet itself holds the line `<!-- cheat-sheet-table -->`; `fill_page` replaces it with a filter box and, under each
table's heading, a closed <details> block that says how many rows it holds. docs/assets/javascripts/cheat-sheet-filter.js
fetches the tables page the first time a table is opened, a link leads into one or the filter is used, and moves each
table into its block: a first visit downloads and lays out headings, not 500 table rows. Without scripts, each block
links to its table on the tables page.
"""

from __future__ import annotations

import functools
import html
import math
import re
from dataclasses import dataclass

import markdown

from . import data

PLACEHOLDER = "<!-- cheat-sheet-table -->"
PAGE = "cheat-sheet.md"
TABLES_PAGE = "cheat-sheet-tables.md"  # next to PAGE, so that the tables' relative links work from both pages
TABLES_URL = f"../{TABLES_PAGE.removesuffix('.md')}/"  # the tables page as the cheat sheet (cheat-sheet/index.html) links it
TABLES_TITLE = "Cheat sheet: every table"
NO_SCRIPTS = "Tables open here only with scripts; this one is on"  # a closed block's words without scripts, and a link
DIFFERENCES = "Known differences"  # the heading of the table of known differences, after the categories
# Keep each code line on one line (the theme lets code in table cells break anywhere, even inside a name); a table
# wider than the page scrolls sideways instead. The rules sit in the cheat sheet and its tables page only.
STYLE = (
    "<style>.md-typeset td code { white-space: nowrap; } .md-typeset td:first-child { min-width: 14em; } "
    ".md-typeset .cheat-sheet-differs { font-size: 0.85em; font-weight: 700; } "
    ".md-typeset details.cheat-sheet-category { margin-top: 0.4em; }</style>"
)
# The attributes of the <div> around each table on the tables page: the script finds a table by its key.
SOURCE = 'class="cheat-sheet-table" data-table="{key}"'

# The filter box above the tables: docs/assets/javascripts/cheat-sheet-filter.js (SCRIPT: on this page only)
# shows it and hides the rows that do not contain the typed text (or, with the box ticked, that have no known
# difference), opening the tables that keep rows; its button opens or closes every table. Without the script the box
# stays hidden, so the page never shows a box that does nothing. `[hidden]` must win over the theme's `display` rules.
FILTER_STYLE = (
    "<style>.md-typeset [hidden] { display: none !important; } "
    ".cheat-sheet-filter { display: flex; flex-wrap: wrap; align-items: center; gap: 0.4em 0.8em; margin: 1em 0; } "
    ".cheat-sheet-filter > label { font-weight: 700; } "
    ".cheat-sheet-filter input[type=search] { flex: 1 1 16em; max-width: 28em; padding: 0.3em 0.6em; font: inherit; "
    "color: var(--md-default-fg-color); background-color: var(--md-default-bg-color); "
    "border: 1px solid var(--md-default-fg-color--light); border-radius: 0.2em; } "
    ".cheat-sheet-filter .cheat-sheet-filter-differs { font-weight: 400; white-space: nowrap; } "
    ".cheat-sheet-filter button { font: inherit; padding: 0.2em 0.6em; cursor: pointer; color: var(--md-typeset-a-color); "
    "background: none; border: 1px solid currentcolor; border-radius: 0.2em; } "
    ".cheat-sheet-filter output { flex-basis: 100%; color: var(--md-default-fg-color--light); }</style>"
)
# The page loads the script itself (deferred, so it runs once the page is parsed), so that the other pages' first
# visit does not download it (tests/test_reader_view.py holds that weight to a budget).
SCRIPT = '<script src="../assets/javascripts/cheat-sheet-filter.js" defer></script>'
FILTER_BOX = (
    '<div class="cheat-sheet-filter" data-tables="{tables}" hidden>\n'
    '<label for="cheat-sheet-filter">Filter the rows</label>\n'
    '<input type="search" id="cheat-sheet-filter" placeholder="a word or a name, e.g. argmax" autocomplete="off" '
    'spellcheck="false" aria-describedby="cheat-sheet-filter-count">\n'
    '<span class="cheat-sheet-filter-differs"><input type="checkbox" id="cheat-sheet-differs" '
    'aria-describedby="cheat-sheet-filter-count"> <label for="cheat-sheet-differs">only rows with a known difference'
    '</label></span>\n'
    '<button type="button" id="cheat-sheet-open-all">Open every table</button>\n'
    '<output id="cheat-sheet-filter-count" for="cheat-sheet-filter cheat-sheet-differs" aria-live="polite"></output>\n'
    "</div>"
)


def slug(text: str) -> str:
    """'Minimum and its index' -> 'minimum-and-its-index': the row's part of its anchors."""
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def row_anchor(row: data.Row) -> str:
    return f"row-{slug(row.operation)}"


def difference_anchor(row: data.Row, difference: data.Difference) -> str:
    return f"differs-{slug(row.operation)}-{slug(difference.when)}"


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


def operation_cell(row: data.Row) -> str:
    """The first cell of a row: its operation, inputs and note, then a link to each of its known differences."""
    cell = f"**{row.operation}**" + inputs_text(row, data.KINDS) + (f"<br>{row.note}" if row.note else "")
    for i, difference in enumerate(row.differs_when):
        anchor = f' id="{row_anchor(row)}"' if i == 0 else ""
        cell += (f'<br><a class="cheat-sheet-differs" data-differs{anchor} href="#{difference_anchor(row, difference)}">'
                 f"Differs when {data.CLASSES[difference.when]}</a>")
    return cell


# A note's link to another page, `[Saving](saving.md#anchor)`: MkDocs rewrites such links in the Markdown it renders,
# but a table made into HTML here is past its reach, so the link is written as the built site has it.
PAGE_LINK = re.compile(r'href="([a-z0-9-]+)\.md(#[^"]*)?"')


def _built_link(match: re.Match) -> str:
    return f'href="../{match[1]}/{match[2] or ""}"'  # the cheat sheet is cheat-sheet/index.html


@dataclass(frozen=True)
class Table:
    """One table as both pages show it: under its heading, after its introduction (the known differences' tally).
    Its HTML is made when first asked for: the cheat sheet's closed blocks need only the summary."""

    heading: str  # a category, or DIFFERENCES
    summary: str  # what the closed block on the cheat sheet says it holds: "12 rows, 2 with a known difference"
    lines: tuple[str, ...]  # the table in Markdown, a line each, header included; () for no rows
    intro: str = ""

    @property
    def key(self) -> str:
        return slug(self.heading)

    @functools.cached_property
    def html(self) -> str:
        """The <table>, its links to other pages written as the built site has them."""
        return PAGE_LINK.sub(_built_link, markdown.markdown("\n".join(self.lines), extensions=["tables"]))


def _count(n: int, thing: str) -> str:
    return f"{n} {thing}{'' if n == 1 else 's'}"


def category_tables(sheet: data.Sheet) -> list[Table]:
    """One table per category, in the order of the data files."""
    tables = []
    for category in sheet.categories:
        rows = [r for r in sheet.rows if r.category == category]
        table = ["| Operation | PyTorch | TensorFlow |", "| --- | --- | --- |"]
        for row in rows:
            cells = [escape(operation_cell(row)), code_cell(row.pytorch), code_cell(row.tensorflow)]
            table.append("| " + " | ".join(cells) + " |")
        differing = sum(bool(r.differs_when) for r in rows)
        summary = _count(len(rows), "row") + (f", {differing} with a known difference" if differing else "")
        tables.append(Table(category, summary, tuple(table)))
    return tables


# Characters that Markdown would read inside an HTML code span in a table cell (a pipe ends the cell, a backtick opens a
# code span, `*` and `_` emphasis, a backslash escapes, brackets make links), written as character references.
MARKDOWN_CHARACTERS = {c: f"&#{ord(c)};" for c in "|`*_\\[]"}


def html_code(text: str) -> str:
    """Text as an HTML code span that a table cell shows as it is: HTML-escaped, and no character Markdown reads."""
    return "<code>" + html.escape(text, quote=False).translate(str.maketrans(MARKDOWN_CHARACTERS)) + "</code>"


SHOWN_VALUES = 16  # an input with more values is shown by its shape and first values (as fuzz.shown shows results)


def _flat(value) -> list:
    return [v for part in value for v in _flat(part)] if isinstance(value, list) else [value]


def _shape(value) -> tuple[int, ...]:
    return (len(value), *_shape(value[0])) if isinstance(value, list) else ()


def _number(value) -> str:
    if isinstance(value, float) and not math.isfinite(value):
        return "nan" if math.isnan(value) else ("inf" if value > 0 else "-inf")
    return repr(value)


def _nested(value) -> str:
    return "[" + ", ".join(_nested(part) for part in value) + "]" if isinstance(value, list) else _number(value)


def input_lines(row: data.Row, difference: data.Difference) -> str:
    """The input of a known difference: `x = [0.5, nan]` per input (with its dtype where it is not the kind's own),
    `x = float32, shape (2, 8): 0.12, -1.5, ...` for a large one, or the row's own inputs."""
    dtypes = difference.input_dtypes
    if difference.inputs is None:
        cast = ", ".join(f"<code>{name}</code> as {dtype}" for name, dtype in dtypes.items())
        return "the row's own inputs" + (f", {cast}" if cast else "")
    parts = []
    for name, value in difference.inputs.items():
        dtype = difference.dtype(row, name)
        if len(_flat(value)) > SHOWN_VALUES:
            first = ", ".join(_number(v) for v in _flat(value)[:4])
            parts.append(html_code(f"{name} = {dtype}, shape {_shape(value)}: {first}, ..."))
        else:
            parts.append(html_code(f"{name} = {_nested(value)}" + (f" {dtype}" if name in dtypes else "")))
    return "<br>".join(parts)


def differences_table(sheet: data.Sheet) -> Table:
    """The known differences: one table row each, with the smallest input that shows it and what each side gives,
    after a tally of the rows that agree on everything generated."""
    found = [(row, d) for row in sheet.rows for d in row.differs_when]
    table = ["| Operation | Smallest input | PyTorch gives | TensorFlow gives |", "| --- | --- | --- | --- |"]
    for row, difference in found:
        gives = [difference.gives(framework) for framework in ("PyTorch", "TensorFlow")]
        cells = [
            escape(f'<span id="{difference_anchor(row, difference)}" data-differs></span>'
                   f"[**{row.operation}**](#{row_anchor(row)})<br><small>{row.category}; differs when "
                   f"{data.CLASSES[difference.when]}</small><br>{difference.note}"),
            input_lines(row, difference),
            *(html_code(g) if g is not None else "(not recorded yet)" for g in gives),
        ]
        table.append("| " + " | ".join(cells) + " |")
    fuzzed = [row for row in sheet.rows if row.fuzzed]
    differing = sum(bool(row.differs_when) for row in fuzzed)
    tally = (f"Of the {_count(len(sheet.rows), 'row')}, {len(fuzzed)} run on generated inputs (the others take no "
             f"tensor, or make random numbers). On everything generated, {len(fuzzed) - differing} of them agree; "
             f"{differing} {'has' if differing == 1 else 'have'} known differences, {len(found)} in all.")
    summary = (f"{_count(len(found), 'known difference')}: the smallest input found for each, and what each "
               "framework gives there")
    return Table(DIFFERENCES, summary, tuple(table) if found else (), tally)


def _section(table: Table, body: str) -> list[str]:
    return [f"### {table.heading}", "", *([table.intro, ""] if table.intro else []), *([body, ""] if table.lines else [])]


def _sources(tables: list[Table]) -> str:
    """Tables under their headings, open, as the tables page shows them (the script finds each by its key)."""
    out = []
    for table in tables:
        out += _section(table, f"<div {SOURCE.format(key=table.key)}>\n{table.html}\n</div>")
    return "\n".join(out).rstrip("\n")


def render_tables(sheet: data.Sheet | None = None) -> str:
    """Every category's table under its heading, as the tables page shows them."""
    return _sources(category_tables(sheet or data.load()))


def render_differences(sheet: data.Sheet | None = None) -> str:
    """The known differences under their heading, after their tally, as the tables page shows them."""
    return _sources([differences_table(sheet or data.load())])


def render_blocks(sheet: data.Sheet | None = None) -> str:
    """The cheat sheet's part: each table's heading with a closed block that says how many rows it holds, which the
    script fills from the tables page, and which without scripts links to the table there."""
    sheet = sheet or data.load()
    out = []
    for table in [*category_tables(sheet), differences_table(sheet)]:
        extra = " cheat-sheet-differences" if table.heading == DIFFERENCES else ""
        link = f'<a href="{TABLES_URL}#{table.key}">the page of every table</a>'
        out += _section(table, f'<details class="cheat-sheet-category{extra}" data-table="{table.key}">\n'
                               f"<summary>{table.summary}</summary>\n"
                               f"<noscript><p>{NO_SCRIPTS} {link}.</p></noscript>\n</details>")
    return "\n".join(out).rstrip("\n")


def tables_page(sheet: data.Sheet | None = None) -> str:
    """The Markdown of the tables page: every table, open, under its heading."""
    sheet = sheet or data.load()
    return "\n".join([
        f"# {TABLES_TITLE}", "",
        f"Every table of the [cheat sheet]({PAGE}) on one page, open: for reading without scripts, for printing, and "
        "for your browser's own find (Ctrl+F or \u2318F). The cheat sheet says how to read the rows and how each is "
        "tested, and its filter box keeps only the rows that contain a word.", "",
        STYLE, "",
        "## The tables", "",
        render_tables(sheet), "",
        render_differences(sheet), "",
    ])


def fill_page(page: str, sheet: data.Sheet | None = None) -> str:
    """The cheat sheet with its filter box and closed blocks in place of the placeholder, from `sheet` or, by default,
    the rows as their files are now."""
    if PLACEHOLDER not in page:
        raise ValueError(f"{PAGE} has lost its placeholder line {PLACEHOLDER}")
    page_top = STYLE + "\n" + FILTER_STYLE + "\n" + SCRIPT + "\n\n" + FILTER_BOX.format(tables=TABLES_URL) + "\n\n"
    return page.replace(PLACEHOLDER, page_top + render_blocks(sheet), 1)
