"""Find the content tabs of a page (pymdownx.tabbed's `=== "Label"` syntax) and the tab each line belongs to.

A tab's content is the indented lines under its header. Consecutive headers at the same indentation form one tab
set, as pymdownx.tabbed renders them; `===!` starts a new set. Lines inside code fences are never headers.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

TAB_HEADER = re.compile(r'^(?P<indent>[ \t]*)===(?P<flags>[!+]*)[ \t]+"(?P<label>[^"]*)"[ \t]*$')
FENCE = re.compile(r"^[ \t]*(?P<ticks>`{3,}|~{3,})")


@dataclass
class Tab:
    label: str
    line: int  # 1-based line of the `=== "Label"` header
    indent: int
    set_id: int  # tabs of one set share it


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip())


def scan_tabs(lines: list[str]) -> tuple[list[Tab], list[Tab | None]]:
    """Return every tab header of the page, and for each line (0-based) the innermost tab it sits in."""
    tabs: list[Tab] = []
    owner: list[Tab | None] = []
    open_tabs: list[Tab] = []  # nested tabs, outermost first
    set_at_indent: dict[int, int] = {}  # indentation -> set a further header there joins
    fence: str | None = None
    for number, line in enumerate(lines, 1):
        if fence is not None:  # inside a code fence: only its closing line matters
            match = FENCE.match(line)
            if match and match.group("ticks").startswith(fence) and not line.strip()[len(fence) :].strip("`~"):
                fence = None
            owner.append(open_tabs[-1] if open_tabs else None)
            continue
        if not line.strip():
            owner.append(open_tabs[-1] if open_tabs else None)
            continue
        indent = _indent(line)
        while open_tabs and indent <= open_tabs[-1].indent:
            open_tabs.pop()
        header = TAB_HEADER.match(line)
        # a line at this indentation or less that is not a header ends the sets that could continue there
        for level in [level for level in set_at_indent if level >= indent]:
            if not (header and level == indent):
                del set_at_indent[level]
        if header:
            if "!" in header.group("flags") or indent not in set_at_indent:
                set_at_indent[indent] = len(tabs)
            tab = Tab(header.group("label"), number, indent, set_at_indent[indent])
            tabs.append(tab)
            open_tabs.append(tab)
            owner.append(tab)
            continue
        match = FENCE.match(line)
        if match:
            fence = match.group("ticks")
        owner.append(open_tabs[-1] if open_tabs else None)
    return tabs, owner


def tab_sets(tabs: list[Tab]) -> list[list[Tab]]:
    """Group tab headers into their sets, in page order."""
    sets: dict[int, list[Tab]] = {}
    for tab in tabs:
        sets.setdefault(tab.set_id, []).append(tab)
    return list(sets.values())
