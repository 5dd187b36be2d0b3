"""A page's program for one framework as a notebook and as a script, for readers to download.

The notebook holds the page's prose as Markdown cells and that framework's code blocks as code cells, in page order:
exactly the blocks the tests run (the same `Page.program`), without the outputs, which a reader's run produces.
The script is the same notebook in jupytext's percent format, so it runs with `python` and opens as a notebook in
editors that understand `# %%` cells.

An exercise's solution (a collapsed `??? success "Solution"` admonition on the page, see the page model) is part of
the program, so the downloads hold it too, where the page has it: a Markdown cell "Solution to exercise N" (in the
script, a comment line), then its code cells with the standard cell metadata `"jupyter": {"source_hidden": true}`,
which JupyterLab shows collapsed, as the page does (jupyterlab/jupyterlab#3981 made it honour the metadata).
"""

from __future__ import annotations

import re
import textwrap

import jupytext
import nbformat

from ..page.model import Block, Page

ADMONITION = re.compile(r'^(?P<indent>\s*)(?:!!!|\?\?\?\+?)\s+\w+(?:\s+"(?P<title>[^"]*)")?\s*$')
PAGE_LINK = re.compile(r"\]\((?!https?:)(?P<page>[\w./-]+?)\.md(?P<anchor>#[\w-]+)?\)")


def file_name(page: Page, framework: str, suffix: str) -> str:
    return f"{page.path.stem}-{framework.lower()}{suffix}"


def _prose_to_markdown(lines: list[str], site_url: str) -> str:
    """MkDocs-only syntax made readable in Jupyter: admonitions become quotes, page links become site links."""
    out: list[str] = []
    quote_indent = None
    for line in lines:
        header = ADMONITION.match(line)
        if header:
            quote_indent = len(header.group("indent")) + 4
            out.append(f"> **{header.group('title') or 'Note'}**")
            out.append(">")
            continue
        if quote_indent is not None:
            if line.strip() and len(line) - len(line.lstrip()) < quote_indent:
                quote_indent = None
                if out[-1] == ">":
                    out[-1] = ""  # the quote ends before the next paragraph
            else:
                out.append(("> " + line[quote_indent:]).rstrip())
                continue
        out.append(line)
    text = "\n".join(out).strip()
    return PAGE_LINK.sub(lambda m: f"]({site_url}{'' if m['page'] == 'index' else m['page'] + '/'}{m['anchor'] or ''})", text)


def solution_heading(number: int) -> str:
    """The Markdown cell before a solution's code cells (a comment line in the script)."""
    return f"**Solution to exercise {number}**"


HIDDEN = {"jupyter": {"source_hidden": True}}  # nbformat's cell metadata for a collapsed input


def notebook(page: Page, framework: str, site_url: str, intro: str) -> nbformat.NotebookNode:
    lines, owner = page.lines, page.owner
    blocks = {b.line: b for b in page.program(framework)}
    solutions = {s.line: s for s in page.solutions}
    skipped_lines = {m.line for m in page.markers}  # markers, and output blocks: outputs come from the reader's run
    for block in page.blocks:
        if block.expected_line:
            start = block.end_line + 1
            skipped_lines.update(range(start, block.expected_end_line + 1))
    cells, prose = [nbformat.v4.new_markdown_cell(intro)], []

    def flush():
        text = _prose_to_markdown(prose, site_url)
        if text:
            cells.append(nbformat.v4.new_markdown_cell(text))
        prose.clear()

    number, in_solution = 0, False
    while number < len(lines):
        number += 1
        line, tab = lines[number - 1], owner[number - 1]
        if number in skipped_lines:
            continue
        if number in solutions:  # the header of a solution: the cell that announces it
            flush()
            cells.append(nbformat.v4.new_markdown_cell(solution_heading(solutions[number].number)))
            continue
        if tab is not None and (tab.label != framework or tab.line == number):
            continue  # the other framework's tab, or a tab header
        if number in blocks:
            block: Block = blocks[number]
            flush()
            if block.runs:
                cell = nbformat.v4.new_code_cell(block.code.rstrip("\n"))
                if block.solution is not None:
                    cell.metadata.update(HIDDEN)
                cells.append(cell)
            else:
                prose.extend([f"Not run here ({block.skip_reason}):", "", "```python", *block.code.rstrip("\n").splitlines(), "```"])
            number = block.end_line
            continue
        solution = page.solution_at(number)
        if line.strip():
            if solution is None and in_solution:
                flush()  # a solution's text after its code is a cell of its own, not the start of the next exercise's
            in_solution = solution is not None
        if tab is not None:
            line = line[tab.indent + 4 :] if line.strip() else ""
        elif solution is not None:
            line = line[solution.admonition.indent + 4 :]  # a solution's own text, outside its tabs: no quote
        prose.append(line)
    flush()
    for number, cell in enumerate(cells):
        cell.id = f"cell-{number}"  # nbformat makes random ids: fixed ones make the same page give the same file
    nb = nbformat.v4.new_notebook(cells=cells)
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.metadata["language_info"] = {"name": "python"}
    return nb


def notebook_json(nb: nbformat.NotebookNode) -> str:
    return nbformat.writes(nb)


def script(nb: nbformat.NotebookNode) -> str:
    return jupytext.writes(nb, fmt="py:percent")


def intro_text(page: Page, framework: str, page_url: str, verified_with: str) -> str:
    text = textwrap.dedent(f"""\
        # {page.title} ({framework})

        The {framework} program of [this page of the guide]({page_url}): its prose and every {framework} code block, in
        page order. {verified_with}; with other versions some printed values may differ.""")
    if page.solutions:
        text += textwrap.dedent("""

            The solutions to the page's exercises are part of the program: each follows its exercise, after a
            "Solution to exercise N" line, in code cells marked hidden (JupyterLab shows them collapsed). Try the
            exercise in a cell of your own before you open them.""")
    return text


def after_title_and_summary(lines: list[str]) -> int:
    """The line after the page's `# Title` and its "In one sentence" admonition, if it has one."""
    at = next((i + 1 for i, line in enumerate(lines) if line.startswith("# ")), 0)
    while at < len(lines) and not lines[at].strip():
        at += 1
    if at < len(lines) and lines[at].startswith("!!! abstract"):
        at += 1
        while at < len(lines) and (lines[at].startswith("    ") or not lines[at].strip()):
            at += 1
    return at
