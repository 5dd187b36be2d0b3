"""The one scanner of a page's Markdown: its fences, its content tabs, and the marker comments outside fences.

Everything that reads how a page is laid out reads it here: the page model (its blocks come from pytest-codeblocks'
parser; here it finds their tabs, their fences' lines, the lines of their markers, the `guide:` markers), the lint
(fences of every language, tab pairs), the snippets lint (which page includes which file, from which tab) and the
claims test (the prose outside fences).

Fences follow CommonMark: a line of three or more backticks or tildes, at any indentation, opens one; a line of the
same character, at least as long, with nothing after it, closes it. Inside a fence nothing is a tab header or a
marker. A fence that is never closed is a PageError naming its line.

Tabs follow pymdownx.tabbed: a `=== "Label"` header, and under it the lines indented deeper than the header.
Consecutive headers at the same indentation form one tab set, as pymdownx.tabbed renders them; `===!` starts a new
set, and any other line at that indentation or less ends the set.

Admonitions follow Python-Markdown's admonition and pymdownx.details alike: a `!!! type "Title"` header (always
open), `??? type "Title"` (collapsible, collapsed) or `???+ type "Title"` (collapsible, open), and under it the lines
indented deeper than the header. An exercise's solution is a collapsed one (the page model, model.py, says which).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from .errors import PageError

FENCE = re.compile(r"^(?P<indent>[ \t]*)(?P<ticks>`{3,}|~{3,})(?P<info>.*)$")
TAB_HEADER = re.compile(r'^(?P<indent>[ \t]*)===(?P<flags>[!+]*)[ \t]+"(?P<label>[^"]*)"[ \t]*$')
# A comment that looks like a marker (`<!--pytest...-->` or `<!--guide:...-->`); markers.parse says what it means.
COMMENT = re.compile(r"^\s*<!--[-\s]*(?P<body>(pytest|guide)\S*.*?)[-\s]*-->\s*$")
# An admonition's header: `!!! note`, `??? success "Solution"`, `???+ tip "Title"` (a type may have further classes)
ADMONITION = re.compile(r'^(?P<indent>[ \t]*)(?P<mark>!!!|\?\?\?\+?)[ \t]+(?P<kind>[\w-]+(?:[ \t]+[\w-]+)*)'
                        r'(?:[ \t]+"(?P<title>[^"]*)")?[ \t]*$')
# An include line of pymdownx.snippets: --8<-- "snippets/<chapter>/<framework>_code.py:<section>"
INCLUDE = re.compile(r'^\s*-{1,}8<-{1,}[ \t]+"(?P<target>[^"]+)"\s*$')


@dataclass(frozen=True)
class Fence:
    """A fenced block of any language."""

    line: int  # 1-based line of the opening fence
    end_line: int  # of the closing fence
    indent: str  # the opening fence's indentation
    ticks: str  # ``` or ~~~ (or longer)
    info: str  # what follows the ticks, stripped: "python", 'text title="Output"', ""
    body: tuple[str, ...]  # the lines between the fences, less (at most) the fence's indentation

    @property
    def code(self) -> str:
        return "".join(f"{line}\n" for line in self.body)

    @property
    def language(self) -> str:
        """The first word of the info string, as `{.python}` or `python` alike."""
        return self.info.split()[0].lstrip(".{").rstrip("}") if self.info.strip() else ""

    @property
    def include(self) -> str | None:
        """The target of the include line when the fence holds one and nothing else ("path:section")."""
        lines = [line for line in self.body if line.strip()]
        match = INCLUDE.match(lines[0]) if len(lines) == 1 else None
        return match.group("target") if match else None


@dataclass
class Tab:
    label: str
    line: int  # 1-based line of the `=== "Label"` header
    indent: int
    set_id: int  # tabs of one set share it


@dataclass
class Admonition:
    line: int  # 1-based line of the header
    indent: int
    mark: str  # "!!!" (always open), "???" (collapsed), "???+" (collapsible, open)
    kind: str  # "note", "success", ... (with any further classes)
    title: str | None  # None when the header gives none (the site then shows the type)
    end_line: int = 0  # the last non-blank line of its body (its header's line when it has none)

    @property
    def collapsed(self) -> bool:
        return self.mark == "???"


@dataclass
class Scan:
    lines: list[str]
    fences: list[Fence]  # in page order
    tabs: list[Tab]  # every tab header, in page order
    owner: list[Tab | None]  # for each line (0-based), the innermost tab it sits in
    comments: list[tuple[int, str]]  # (line, body) of each marker-like comment outside fences
    admonitions: list[Admonition]  # every admonition header, in page order (`around` gives those that hold a line)

    def fence_at(self, line: int) -> Fence | None:
        """The fence that opens on `line`."""
        return next((f for f in self.fences if f.line == line), None)

    def fenced(self) -> set[int]:
        """The numbers of the lines that belong to a fence, its fence lines included."""
        return {n for f in self.fences for n in range(f.line, f.end_line + 1)}

    def next_line(self, after: int, skip_comments: bool = False) -> int:
        """The first non-blank line after line `after` (0 at the end of the page); with `skip_comments`, marker
        comments are passed over too, so markers can stand one above another before their block."""
        comments = {n for n, _ in self.comments} if skip_comments else set()
        return next((n for n in range(after + 1, len(self.lines) + 1) if self.lines[n - 1].strip() and n not in comments), 0)

    def previous_line(self, before: int) -> int:
        """The last non-blank line before line `before` (0 at the top of the page)."""
        return next((n for n in range(before - 1, 0, -1) if self.lines[n - 1].strip()), 0)


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip())


def _closes(line: str, ticks: str) -> bool:
    match = FENCE.match(line)
    return bool(match) and match.group("ticks").startswith(ticks) and not match.group("info").strip()


def scan(lines: list[str], path: Path | str) -> Scan:
    """Read the page's lines once: every fence, every tab and the tab each line belongs to, every marker comment."""
    fences: list[Fence] = []
    tabs: list[Tab] = []
    owner: list[Tab | None] = []
    comments: list[tuple[int, str]] = []
    open_tabs: list[Tab] = []  # nested tabs, outermost first
    admonitions: list[Admonition] = []
    open_admonitions: list[Admonition] = []  # nested, outermost first
    set_at_indent: dict[int, int] = {}  # indentation -> the set a further header there joins
    opening: re.Match | None = None  # the open fence's first line
    opened_at, body = 0, []
    for number, line in enumerate(lines, 1):
        if opening is not None:  # inside a fence: only its closing line matters
            for admonition in open_admonitions:  # a fence in an admonition is part of it
                admonition.end_line = number
            if _closes(line, opening.group("ticks")):
                fences.append(Fence(opened_at, number, opening.group("indent"), opening.group("ticks"),
                                    opening.group("info").strip(), tuple(body)))
                opening = None
            else:
                cut = min(len(opening.group("indent")), _indent(line))
                body.append(line[cut:])
            owner.append(open_tabs[-1] if open_tabs else None)
            continue
        if not line.strip():
            owner.append(open_tabs[-1] if open_tabs else None)
            continue
        indent = _indent(line)
        while open_tabs and indent <= open_tabs[-1].indent:
            open_tabs.pop()
        while open_admonitions and indent <= open_admonitions[-1].indent:
            open_admonitions.pop()
        for admonition in open_admonitions:
            admonition.end_line = number
        if found := ADMONITION.match(line):
            admonition = Admonition(number, indent, found["mark"], found["kind"], found["title"], number)
            admonitions.append(admonition)
            open_admonitions.append(admonition)
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
        if match and not (match.group("ticks")[0] == "`" and "`" in match.group("info")):
            opening, opened_at, body = match, number, []
        elif comment := COMMENT.match(line):
            comments.append((number, comment.group("body").strip()))
        owner.append(open_tabs[-1] if open_tabs else None)
    if opening is not None:
        raise PageError(path, opened_at, f"code fence {opening.group('ticks')} is never closed")
    return Scan(lines, fences, tabs, owner, comments, admonitions)


def around(admonitions: list[Admonition], line: int) -> list[Admonition]:
    """The admonitions that hold `line` (their header or their body), innermost first."""
    return sorted((a for a in admonitions if a.line <= line <= a.end_line), key=lambda a: a.line, reverse=True)


def tab_sets(tabs: list[Tab]) -> list[list[Tab]]:
    """Group tab headers into their sets, in page order."""
    sets: dict[int, list[Tab]] = {}
    for tab in tabs:
        sets.setdefault(tab.set_id, []).append(tab)
    return list(sets.values())
