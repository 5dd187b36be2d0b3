"""The reader's view: what a reader copies from the built site, and downloads, is what ran.

For one page and one framework, from the built HTML alone (BeautifulSoup; never the page's Markdown), take every
Python code block a reader of that framework sees, in page order, with the "Output" block shown under each, and
compare them with the record of the program run that checked the page:

- the code of each block, as the copy button copies it, is the code of the matching piece of the program, and
  together they are the whole program: copied in order into one script, they are what ran as one script in an
  empty folder;
- the output shown under each block is what that piece printed;
- the page's downloadable notebook holds exactly those pieces as its code cells, and so does its script;
- a block the page shows collapsed (inside a closed `<details>`: an exercise's solution) is a hidden cell in both
  downloads (`"jupyter": {"source_hidden": true}`), the first of each solution announced by a "Solution to exercise N"
  cell, N counting the page's collapsed solutions; no other cell is hidden.

So a reader who copies one tab's code into a file and runs it gets the outputs the page shows, and the downloads
run the same program, without the program running a second time.
"""

from __future__ import annotations

from pathlib import Path

import jupytext
import nbformat
from bs4 import BeautifulSoup

from ..run.compare import explain_difference, normalise, outputs_match
from ..run.program import ProgramRun
from ..site.downloads import solution_heading


def html_path(site: Path, page: str) -> Path:
    """docs/x.md -> site/x/index.html; docs/index.md -> site/index.html."""
    stem = Path(page).relative_to("docs").with_suffix("")
    return site / ("index.html" if stem.name == "index" else stem / "index.html")


def _tab_label(element) -> str | None:
    """The label of the innermost content tab that holds `element`, or None outside every tab."""
    block = element.find_parent("div", class_="tabbed-block")
    if block is None:
        return None
    index = block.find_previous_siblings("div", class_="tabbed-block")
    labels = block.find_parent("div", class_="tabbed-set").select(":scope > .tabbed-labels > label")
    return labels[len(index)].get_text(strip=True)


def _solution(box, collapsed: list) -> int | None:
    """The number of the collapsed solution (a closed `<details>`) that holds `box`, counted in page order among
    those that hold Python code, or None when the page shows the block open."""
    details = box.find_parent("details")
    while details is not None and details.has_attr("open"):
        details = details.find_parent("details")
    return None if details is None else next(n for n, d in enumerate(collapsed, 1) if d is details)


def reader_blocks(html: str, framework: str) -> list[tuple[str, str | None, int | None]]:
    """(code, output shown under it or None, number of the collapsed solution holding it or None) for each Python
    block a reader of `framework` sees, in page order."""
    article = BeautifulSoup(html, "html.parser").find("article")
    collapsed = [d for d in article.find_all("details") if not d.has_attr("open")
                 and d.find("div", class_="language-python") is not None]
    blocks: list[tuple[str, str | None, int | None]] = []
    for box in article.find_all("div", class_="highlight"):
        label = _tab_label(box)
        if label is not None and label != framework:
            continue
        classes = box.get("class", [])
        title = box.find("span", class_="filename")
        if "language-python" in classes:
            blocks.append((box.find("code").get_text(), None, _solution(box, collapsed)))
        elif title is not None and title.get_text(strip=True) == "Output" and blocks:
            blocks[-1] = (blocks[-1][0], box.find("code").get_text(), blocks[-1][2])
    return blocks


def _same_code(a: str, b: str) -> bool:
    return normalise(a).strip("\n") == normalise(b).strip("\n")


def problems(site: Path, page: str, framework: str, run: ProgramRun) -> list[str]:
    where = f"{page} [{framework}], as built in {html_path(site, page).relative_to(site)}"
    shown = reader_blocks(html_path(site, page).read_text(), framework)
    found = []
    if len(shown) != len(run.codes):
        found.append(f"{where}: a reader sees {len(shown)} code blocks, the program that ran has {len(run.codes)} pieces")
    for number, ((code, output, _), piece) in enumerate(zip(shown, run.codes), 1):
        if not _same_code(code, piece.code):
            found.append(f"{where}: code block {number} on the page is not the code that ran "
                         f"({piece.filename}:{piece.first_line})\n{explain_difference(code, piece.code)}")
            continue
        result = run.results[number - 1] if number <= len(run.results) else None
        if result is None or result.status != "passed":
            continue  # reported by the page's own check
        if not outputs_match(output or "", result.stdout):
            found.append(f"{where}: the output under code block {number} is not what it printed\n"
                         f"{explain_difference(output or '', result.stdout)}")
    found += _download_problems(site, page, framework, run, [solution for _, _, solution in shown])
    return found


def _hidden_cell_problems(name: str, cells: list, solutions: list[int | None]) -> list[str]:
    """The code cells of a download are hidden exactly where the page shows its block collapsed, and each solution's
    first cell follows the Markdown cell that announces it."""
    found = []
    code_cells = [(i, c) for i, c in enumerate(cells) if c.cell_type == "code"]
    for number, ((index, cell), solution) in enumerate(zip(code_cells, solutions), 1):
        hidden = bool(cell.metadata.get("jupyter", {}).get("source_hidden"))
        if hidden != (solution is not None):
            where = f"inside the collapsed solution {solution}" if solution else "open"
            found.append(f"code cell {number} of downloads/{name} is {'hidden' if hidden else 'shown'}, but the page "
                         f"shows its block {where}")
            continue
        first = solution is not None and (number == 1 or solutions[number - 2] != solution)
        before = cells[index - 1] if index else None
        if first and (before is None or before.cell_type != "markdown" or before.source != solution_heading(solution)):
            found.append(f"code cell {number} of downloads/{name} starts the solution to exercise {solution}, but the "
                         f"cell before it is not \"{solution_heading(solution)}\"")
    return found


def _download_problems(site: Path, page: str, framework: str, run: ProgramRun,
                       solutions: list[int | None]) -> list[str]:
    stem = f"{Path(page).stem}-{framework.lower()}"
    notebook_path, script_path = site / "downloads" / f"{stem}.ipynb", site / "downloads" / f"{stem}.py"
    if not notebook_path.exists() or not script_path.exists():
        return [f"{page} [{framework}]: the downloads {stem}.ipynb and {stem}.py are missing from the built site"]
    notebook = nbformat.read(notebook_path, as_version=4)
    nbformat.validate(notebook)
    script = jupytext.read(script_path, fmt="py:percent")
    found = []
    for name, nb in ((notebook_path.name, notebook), (script_path.name, script)):
        cells = [c.source for c in nb.cells if c.cell_type == "code"]
        if len(cells) != len(run.codes) or not all(_same_code(c, p.code) for c, p in zip(cells, run.codes)):
            found.append(f"{page} [{framework}]: the code cells of downloads/{name} are not the program that ran")
            continue
        found += [f"{page} [{framework}]: {problem}" for problem in _hidden_cell_problems(name, nb.cells, solutions)]
    return found
