"""Checks a page must pass before it runs, and the snippets lint of all the pages together.

    problems(page)                   fences, tab pairs, each tab's files, snippet files shown whole and in order,
                                     exercises and their collapsed solutions (the page's lint item, docs/x.md::lint)
    snippet_problems(docs, snippets) each file under snippets/ included by exactly one page under docs/ (the
                                     session's one snippets item, docs::snippets)
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from ..settings import FRAMEWORKS
from .errors import PageError, relative
from .model import SECTION_MARKER, Page, snippet_preprocessor
from .scan import scan, tab_sets

SHELL_FENCES = {"sh", "bash", "shell", "zsh"}
HEADING = re.compile(r"^(?P<level>#{1,6})[ \t]+(?P<text>.*?)[ \t#]*$")
EXERCISE_HEADING = re.compile(r"^Exercise (?P<number>\d+): \S")
EXERCISES, RECAP = "Exercises", "What you can do now"
SOLUTION_HEADER = '??? success "Solution"'
# A script named like a package it imports imports itself instead (Python puts the script's folder first on sys.path).
SHADOWING_NAMES = {"tensorflow", "torch", "keras", "numpy", "sklearn", "jax", "pytorch"}


@dataclass
class Problem:
    path: Path
    line: int | None  # None: the problem is the file or folder as a whole
    message: str

    def __str__(self) -> str:
        return f"{relative(self.path)}{'' if self.line is None else f':{self.line}'}: {self.message}"


def problems(page: Page) -> list[Problem]:
    """Everything wrong with a page that can be seen without running it."""
    return (fence_problems(page) + tab_problems(page) + framework_file_problems(page) + coverage_problems(page)
            + exercise_problems(page))


def fence_problems(page: Page) -> list[Problem]:
    """Python or shell in a fence that the page would show but never run."""
    problems = []
    skipped = {block.line for block in page.blocks if not block.runs}
    for fence in page.fences:
        if fence.ticks.startswith("~"):
            if re.match(r"\S*py", fence.info):
                problems.append(Problem(page.path, fence.line, "Python in a ~~~ fence is not run: use a ```python fence"))
            continue
        if fence.info == "python" or fence.line in skipped:
            continue
        if fence.language in {"py", "python", "python3", "py3", "pycon", "ipython"}:
            problems.append(Problem(page.path, fence.line, f"fence '```{fence.info}' is not run: write a bare "
                                    '```python fence, or put <!--pytest.mark.skip(reason="...")--> on the line before it'))
        elif fence.language in SHELL_FENCES:
            problems.append(Problem(page.path, fence.line, f"fence '```{fence.info}': show shell commands in a ```console "
                                    "fence (shown, never run)"))
    return problems


def tab_problems(page: Page) -> list[Problem]:
    problems = []
    for tab_set in tab_sets(page.tabs):
        labels = [tab.label for tab in tab_set]
        for tab in tab_set:
            if tab.label not in FRAMEWORKS:
                problems.append(Problem(page.path, tab.line, f'tab label "{tab.label}": tabs are labelled exactly "PyTorch" or "TensorFlow"'))
        if labels != list(FRAMEWORKS) and all(label in FRAMEWORKS for label in labels):
            missing = [f for f in FRAMEWORKS if f not in labels]
            if missing:
                message = f'"{labels[0]}" tab without its "{missing[0]}" partner in the same tab set'
            else:
                message = (f"tab set {labels}: write one PyTorch tab, then one TensorFlow tab (consecutive tabs form one set: "
                           "put a line of prose between two pairs, or start the next pair with ===!)")
            problems.append(Problem(page.path, tab_set[0].line, message))
    return problems


def framework_file_problems(page: Page) -> list[Problem]:
    """A tab includes its own framework's snippet file (pytorch_code.py in the PyTorch tab)."""
    problems = []
    for block in page.blocks:
        if block.include is None or block.framework is None:
            continue
        stem = block.include.path.stem.lower()
        others = [f for f in FRAMEWORKS if f != block.framework and f.lower() in stem]
        if others and block.framework.lower() not in stem:
            problems.append(Problem(page.path, block.line, f"the {block.framework} tab includes {relative(block.include.path)}, "
                                    f"the {others[0]} program: each tab includes its own framework's file "
                                    f"({block.framework.lower()}_code.py)"))
    return problems


def _headings(page: Page) -> list[tuple[int, int, str]]:
    """(line, level, text) of each Markdown heading outside fences, in page order."""
    fenced = {n for f in page.fences for n in range(f.line, f.end_line + 1)}
    found = []
    for number, line in enumerate(page.lines, 1):
        match = HEADING.match(line)
        if match and number not in fenced:
            found.append((number, len(match["level"]), match["text"]))
    return found


def exercise_problems(page: Page) -> list[Problem]:
    """Exercises and their solutions keep one shape (CONTRIBUTING.md, "Exercises"): a `## Exercises` section just
    before `## What you can do now`; in it, each exercise under `### Exercise N: Title`, numbered from 1, followed by
    exactly one collapsed `??? success "Solution"` admonition that holds a PyTorch/TensorFlow tab pair. The downloads
    mark a solution's cells as the solution to exercise N from that shape."""
    problems = []
    headings = _headings(page)
    exercises = [(line, level, text) for line, level, text in headings if EXERCISE_HEADING.match(text)]
    section = next((h for h in headings if h[1] == 2 and h[2] == EXERCISES), None)
    if not exercises and not page.solutions and section is None:
        return []
    if section is not None:
        following = next((h for h in headings if h[0] > section[0] and h[1] <= 2), None)
        if following is None or following[1:] != (2, RECAP):
            problems.append(Problem(page.path, section[0], f'"## {EXERCISES}" comes just before "## {RECAP}", the '
                                    "page's closing list"))
        if not exercises:
            problems.append(Problem(page.path, section[0], f'"## {EXERCISES}" holds no "### Exercise 1: ..." heading'))
    for number, (line, level, text) in enumerate(exercises, 1):
        parent = next((h for h in reversed(headings) if h[0] < line and h[1] < level), None)
        if level != 3 or parent is None or parent[1:] != (2, EXERCISES):
            problems.append(Problem(page.path, line, f'an exercise is a level-3 heading, "### {text}", in the '
                                    f'"## {EXERCISES}" section'))
        if int(EXERCISE_HEADING.match(text)["number"]) != number:
            problems.append(Problem(page.path, line, f'"{text}" is the page\'s exercise {number}: number the exercises '
                                    "1, 2, ... in page order"))
        end = next((h[0] for h in headings if h[0] > line and h[1] <= level), len(page.lines) + 1)
        inside = [s for s in page.solutions if line < s.line < end]
        if len(inside) != 1:
            problems.append(Problem(page.path, line, f'"{text}" has {len(inside)} solutions: put exactly one '
                                    f"{SOLUTION_HEADER} admonition under the exercise's text"))
    for solution in page.solutions:
        admonition = solution.admonition
        header = f'{admonition.mark} {admonition.kind}' + (f' "{admonition.title}"' if admonition.title else "")
        if header != SOLUTION_HEADER:
            problems.append(Problem(page.path, solution.line, f"'{header}': a collapsed admonition holding code is an "
                                    f"exercise's solution; write its header {SOLUTION_HEADER}"))
        heading = next((h for h in reversed(headings) if h[0] < solution.line), None)
        if heading is None or not EXERCISE_HEADING.match(heading[2]):
            problems.append(Problem(page.path, solution.line, f'a solution stands under its exercise\'s heading, '
                                    f'"### Exercise {solution.number}: ..."'))
        blocks = [b for b in page.blocks if b.solution == solution.number]
        if any(b.framework is None for b in blocks) or {b.framework for b in blocks} != set(FRAMEWORKS):
            problems.append(Problem(page.path, solution.line, "a solution holds a PyTorch/TensorFlow tab pair, indented "
                                    "inside it, and no code outside the tabs"))
    return problems


def snippet_sections(path: Path) -> tuple[list[str], list[Problem]]:
    """The sections of a snippet file in order, and any line of code that sits outside every section."""
    sections, problems, current = [], [], None
    for number, line in enumerate(path.read_text().splitlines(), 1):
        marker = SECTION_MARKER.search(line)
        if marker and marker["kind"] == "start":
            if current:
                problems.append(Problem(path, number, f"section '{marker['name']}' starts inside section '{current}': sections do not nest"))
            current = marker["name"]
            sections.append(current)
        elif marker:
            if marker["name"] != current:
                problems.append(Problem(path, number, f"end of section '{marker['name']}' without its start"))
            current = None
        elif current is None and line.strip():
            problems.append(Problem(path, number, "code outside every section: no page shows it, so the page program would differ from the file"))
    if current:
        problems.append(Problem(path, number, f"section '{current}' is never ended"))
    return sections, problems


def coverage_problems(page: Page) -> list[Problem]:
    """Each snippet file this page includes must be shown completely, once, in file order."""
    problems = []
    shown: dict[Path, list[tuple[str, int]]] = {}
    for block in page.blocks:
        if block.include:
            shown.setdefault(block.include.path, []).append((block.include.section, block.line))
    for path, includes in shown.items():
        if path.stem in SHADOWING_NAMES:
            problems.append(Problem(path, 1, f"a script named {path.name} imports itself instead of the {path.stem} package "
                                    "when run directly: name it <framework>_code.py"))
        sections, file_problems = snippet_sections(path)
        problems += file_problems
        names = [name for name, _ in includes]
        for name in sorted({n for n in names if names.count(n) > 1}):
            lines = [line for n, line in includes if n == name]
            problems.append(Problem(page.path, lines[1], f"section '{name}' of {relative(path)} is shown twice (also at line {lines[0]})"))
        for name in sections:
            if name not in names:
                problems.append(Problem(path, 1, f"section '{name}' is not shown on {relative(page.path)}: every section is shown once"))
        in_page_order = [n for n in dict.fromkeys(names) if n in sections]
        if in_page_order != [n for n in sections if n in names]:
            problems.append(Problem(page.path, includes[0][1], f"sections of {relative(path)} appear on the page in the order "
                                    f"{in_page_order}, but the file has {sections}: the page program must be the file"))
    return problems


def snippet_problems(docs: Path, snippets: Path) -> list[Problem]:
    """Every file under `snippets` is included by exactly one page under `docs`: a file or a folder no page includes
    is left over (a renamed chapter, a section moved to another file), and a file two pages include is one program
    split between two pages. The include lines come from the scanner, so a page that cannot be read (its own test
    says why) still counts."""
    included: dict[Path, list[tuple[Path, int]]] = {}
    for page in sorted(docs.rglob("*.md")):
        try:
            layout = scan(page.read_text().splitlines(), page)
        except PageError:
            continue
        for fence in layout.fences:
            if fence.include is None:
                continue
            target = snippet_preprocessor().parse_snippet_target(fence.include)
            found = snippet_preprocessor().get_snippet_path(target["path"]) if target else None
            if found is not None:
                included.setdefault(Path(found).resolve(), []).append((page, fence.line))
    problems = []
    for path, includes in sorted(included.items()):
        # its page is the one named like its folder (docs/tensors.md for snippets/tensors/), else the first
        includes.sort(key=lambda include: (include[0].stem != path.parent.name, include[0]))
        owner, owner_line = includes[0]
        reported = {owner}
        for page, line in includes:
            if page not in reported:
                reported.add(page)
                problems.append(Problem(page, line, f"{relative(path)} is {relative(owner)}'s program (included at line "
                                        f"{owner_line}): a snippet file is included by one page only"))
    return problems + (_left_over(snippets.resolve(), set(included), top=True) if snippets.is_dir() else [])


def _left_over(folder: Path, included: set[Path], top: bool = False) -> list[Problem]:
    """The Python files and folders under `folder` that no page includes: a folder of which no file is included is
    named once, as a whole. Other files (the cheat sheet's data) are not page programs."""
    if not any(folder.rglob("*.py")):
        return []  # data, not programs: the cheat sheet's rows (snippets/cheat-sheet/*.toml) are read by the engine
    if not top and not any(path.is_relative_to(folder) for path in included):
        return [Problem(folder, None, "no page includes a file of this folder: include its files from their page, "
                        "or delete it")]
    problems = []
    for entry in sorted(folder.iterdir()):
        if entry.name == "__pycache__":
            continue
        if entry.is_dir():
            problems += _left_over(entry, included)
        elif entry.suffix == ".py" and entry not in included:
            problems.append(Problem(entry, None, "no page includes this snippet file: include each of its sections "
                                    "from its page, or delete it"))
    return problems
