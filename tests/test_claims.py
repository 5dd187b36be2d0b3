"""No percentage or market figure on the site without a source beside it.

Popular comparison articles repeat adoption percentages and market sizes that trace back to nothing. On this site
a paragraph, list item or table row that states a percentage or a money figure must also link to its source.
Code and output blocks are exempt: their numbers are printed by the code and checked by the harness.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from engine.page.scan import scan
from engine.settings import ROOT

FIGURE = re.compile(r"\d+(?:\.\d+)?\s?%|\d+(?:\.\d+)?\s?percent\b|[$€£]\s?\d[\d.,]*\s?(?:billion|million|bn|m)\b", re.I)
SOURCE = re.compile(r"\]\(https?://")


def paragraphs(text: str, path: Path | str = "<text>"):
    """(first line number, text) of each run of prose lines, leaving out fenced code and outputs (the page
    scanner's fences)."""
    lines = text.splitlines()
    fenced = scan(lines, path).fenced()
    block, start = [], 0
    for number, line in enumerate(lines + [""], 1):
        stripped = line.strip()
        if stripped and number not in fenced and not stripped.startswith("|"):
            block.append(line)
            start = start or number
            continue
        if block:
            yield start, " ".join(block)
        block, start = [], 0
        if stripped.startswith("|") and number not in fenced:
            yield number, line  # each table row stands alone


def unsourced(text: str, path: Path | str = "<text>") -> list[tuple[int, str]]:
    return [(line, para) for line, para in paragraphs(text, path) if FIGURE.search(para) and not SOURCE.search(para)]


@pytest.mark.parametrize("page", sorted((ROOT / "docs").rglob("*.md")), ids=lambda p: p.name)
def test_every_figure_has_a_source(page):
    found = [f"{page.name}:{line}: {text.strip()[:160]}" for line, text in unsourced(page.read_text(), page)]
    assert not found, "figures without a source link:\n" + "\n".join(found)


def test_the_check_finds_unsourced_figures_and_accepts_sourced_ones():
    text = (
        "Intro.\n\nAbout 70% of researchers use it,\nsays an article.\n\n"
        "| claim | 40 percent |\n| fact | 43% ([source](https://pytorch.org/)) |\n\n"
        "A $2.5 billion market.\n\nIt trained 43% faster\n([source](https://pytorch.org/get-started/pytorch-2.0/)).\n\n"
        "```text\nloss fell by 12%\n```\n"
    )
    assert [line for line, _ in unsourced(text)] == [3, 6, 9]
