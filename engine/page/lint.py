"""Checks a page must pass before it runs: fences, tabs, and snippet files shown whole and in order."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from ..settings import FRAMEWORKS
from .errors import relative
from .model import SECTION_MARKER, Page
from .scan import tab_sets

SHELL_FENCES = {"sh", "bash", "shell", "zsh"}
# A script named like a package it imports imports itself instead (Python puts the script's folder first on sys.path).
SHADOWING_NAMES = {"tensorflow", "torch", "keras", "numpy", "sklearn", "jax", "pytorch"}


@dataclass
class Problem:
    path: Path
    line: int
    message: str

    def __str__(self) -> str:
        return f"{relative(self.path)}:{self.line}: {self.message}"


def problems(page: Page) -> list[Problem]:
    """Everything wrong with a page that can be seen without running it."""
    return fence_problems(page) + tab_problems(page) + coverage_problems(page)


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
