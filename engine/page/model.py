"""The page model: a page read into its blocks, once per process, shared by the lint, the programs, the downloads
and the site hooks.

The blocks come from pytest-codeblocks' parser (`pytest_codeblocks.main.extract_from_buffer`): its code blocks,
their expected outputs and the markers it attaches to them, so its markers mean what they mean there. The engine
adds what that parser does not give from the one scanner, scan.py: the tabs, every fence's position (the closing
fence, the output fence's lines, for the lint and for writing outputs back), the `guide:` markers, and the line of
every marker, so that `markers` checks the whole family and this module checks where each stands before the parser
reads the page. Include lines (`--8<-- "snippets/x/pytorch_code.py:section"`) are expanded by the same
pymdownx.snippets preprocessor MkDocs uses, configured from mkdocs.yml, so a program is exactly the text the site
shows. A block that includes a section keeps the snippet file's name and line numbers, so tracebacks,
`inspect.getsource` and AutoGraph see the real file.

Anything malformed raises `PageError`, which names the page and line.
"""

from __future__ import annotations

import functools
import io
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

from pytest_codeblocks.main import extract_from_buffer

from .. import accounting
from ..settings import FRAMEWORKS, MKDOCS_YML, ROOT
from . import markers
from .errors import PageError, relative
from .markers import Marker
from .scan import INCLUDE, Admonition, Fence, Scan, Tab, around, scan

SECTION_MARKER = re.compile(r"--8<--\s*\[\s*(?P<kind>start|end)\s*:\s*(?P<name>[-\w]+)\s*\]")


@dataclass
class Include:
    path: Path  # the snippet file
    section: str
    first_line: int  # 1-based line in the snippet file of the section's first code line


@dataclass
class Block:
    """A Python block of a page, ready to run."""

    page: Path
    line: int  # the opening fence's line on the page
    end_line: int  # the closing fence's line
    indent: str  # the fence's indentation, for writing its output below it
    framework: str | None  # None: outside any tab, so it belongs to both programs
    code: str  # with includes expanded
    include: Include | None
    expected: str | None = None  # the output shown on the page
    expected_line: int | None = None  # the output fence's opening line
    expected_end_line: int | None = None
    expected_marker_line: int | None = None  # the expected-output marker's line
    skip_reason: str | None = None
    skipif: str | None = None  # an expression evaluated inside the program; true means skip
    stderr_reason: str | None = None  # why the block may write to stderr (a guide:stderr marker)
    tab_set: int | None = None
    solution: int | None = None  # the number of the exercise whose collapsed solution holds the block

    @property
    def source(self) -> Path:
        return self.include.path if self.include else self.page

    @property
    def source_line(self) -> int:
        return self.include.first_line if self.include else self.line + 1

    @property
    def runs(self) -> bool:
        """A block with an unconditional skip marker is shown on the page but never sent to the program."""
        return not (self.skip_reason and self.skipif is None)

    @property
    def where(self) -> str:
        here = f"{relative(self.page)}:{self.line}"
        if self.include:
            here += f" ({relative(self.include.path)}:{self.include.first_line}, section '{self.include.section}')"
        return here


@dataclass
class Solution:
    """An exercise's solution: a collapsed admonition (`??? success "Solution"`) under its exercise, holding a tab
    pair whose blocks run with the rest of the page's program. Every collapsed admonition that holds a Python block,
    or is titled "Solution", is one; the lint checks its shape."""

    number: int  # the exercise it solves: its order among the page's solutions, from 1
    admonition: Admonition

    @property
    def line(self) -> int:
        return self.admonition.line


@dataclass
class Page:
    path: Path
    lines: list[str]
    blocks: list[Block]  # the Python blocks that belong to a program
    fences: list[Fence]  # every fence, of any language, outputs included
    tabs: list[Tab]
    owner: list[Tab | None]  # for each line (0-based), the innermost tab it sits in
    markers: list[Marker] = field(default_factory=list)
    same_output_sets: list[tuple[int, int]] = field(default_factory=list)  # (marker line, tab set id)
    admonitions: list[Admonition] = field(default_factory=list)
    solutions: list[Solution] = field(default_factory=list)  # in page order

    @property
    def title(self) -> str:
        return next((line[2:].strip() for line in self.lines if line.startswith("# ")), self.path.stem)

    def program(self, framework: str) -> list[Block]:
        return [b for b in self.blocks if b.framework in (framework, None)]

    def solution_at(self, line: int) -> Solution | None:
        """The solution that holds `line` (its header, its text, its tabs), if any."""
        holding = around(self.admonitions, line)
        return next((s for a in holding for s in self.solutions if s.admonition is a), None)

    def frameworks(self) -> list[str]:
        """The frameworks that have a program on this page (a page with only untabbed blocks has one: both)."""
        present = {b.framework for b in self.blocks}
        if present == {None}:
            return [FRAMEWORKS[0]]
        return [f for f in FRAMEWORKS if f in present]


@functools.cache
def snippet_preprocessor():
    """pymdownx.snippets' preprocessor with the options mkdocs.yml gives it, so includes resolve as on the site."""
    import markdown
    from mkdocs.utils.yaml import yaml_load

    with open(MKDOCS_YML) as handle:
        extensions = yaml_load(handle)["markdown_extensions"]
    options = next(e["pymdownx.snippets"] for e in extensions if isinstance(e, dict) and "pymdownx.snippets" in e)
    # MkDocs runs from the project root, where base_path "." points; the tests may run from anywhere. A missing file
    # or section is an error here whatever the site's check_paths says (mkdocs.yml sets it too).
    options = {**options, "base_path": [str(ROOT / p) for p in options.get("base_path", ["."])], "check_paths": True}
    md = markdown.Markdown(extensions=["pymdownx.snippets"], extension_configs={"pymdownx.snippets": options})
    return md.preprocessors["snippet"]


def expand_include(block_code: str, path: Path, line: int) -> tuple[str, Include | None]:
    """Expand a block's include line; a block holds either one include or inline code, never both."""
    code_lines = [text for text in block_code.splitlines() if text.strip()]
    includes = [INCLUDE.match(text) for text in code_lines]
    if not any(includes):
        if any("--8<--" in text for text in code_lines):
            raise PageError(path, line, 'malformed include; write --8<-- "snippets/<chapter>/<framework>.py:<section>"')
        return block_code, None
    if len(code_lines) != 1:
        raise PageError(path, line, "a code block holds one include line and nothing else")
    preprocessor = snippet_preprocessor()
    target = preprocessor.parse_snippet_target(includes[0].group("target"))
    if not target or not target["section"]:
        raise PageError(path, line, f"include '{includes[0].group('target')}' must name a section: file.py:section")
    from pymdownx.snippets import SnippetMissingError

    try:
        expanded = preprocessor.run([code_lines[0].strip()])
    except SnippetMissingError as err:
        raise PageError(path, line, f"include '{includes[0].group('target')}': {err}") from None
    source = Path(preprocessor.get_snippet_path(target["path"])).resolve()  # it exists: check_paths
    file_lines = source.read_text().splitlines()
    starts = [i for i, text in enumerate(file_lines, 1)
              if (m := SECTION_MARKER.search(text)) and m["kind"] == "start" and m["name"] == target["section"]]
    if len(starts) != 1:
        raise PageError(path, line, f"section '{target['section']}' must start exactly once in {relative(source)}")
    first = starts[0] + 1
    while expanded and not expanded[-1].strip():
        expanded.pop()  # a section that is never ended runs to the end of the file (the lint reports it)
    code = "\n".join(expanded) + "\n"
    if file_lines[first - 1 : first - 1 + len(expanded)] != expanded:
        raise PageError(path, line, f"section '{target['section']}' of {relative(source)} contains another section; sections do not nest")
    return code, Include(source, target["section"], first)


def read_page(path: Path | str) -> Page:
    """The page at `path`, read once per process: later calls return the same Page until the page or one of the
    snippet files it includes changes on disk (so `mkdocs serve` sees edits)."""
    path = Path(path).resolve()
    cached = _pages.get(path)
    if cached and all(_stamp(p) == stamp for p, stamp in cached[0].items()):
        return cached[1]
    page = _parse(path)
    sources = {path} | {b.include.path for b in page.blocks if b.include}
    _pages[path] = ({p: _stamp(p) for p in sources}, page)
    return page


_pages: dict[Path, tuple[dict[Path, tuple[int, int]], Page]] = {}


def _stamp(path: Path) -> tuple[int, int]:
    stat = path.stat()
    return stat.st_mtime_ns, stat.st_size


def _parse(path: Path) -> Page:
    accounting.record("parse", relative(path), os.getpid())
    text = path.read_text()
    lines = text.splitlines()
    layout = scan(lines, path)
    page_markers = markers.page_markers(path, layout.comments)
    # where each marker stands, checked before the parser reads the page: its own errors name no line
    outputs = _outputs(layout, page_markers, path)
    before = _markers_before_fences(layout, page_markers, path)
    output_fences = {output.line for _, output in outputs.values()}
    try:
        raw_blocks = extract_from_buffer(io.StringIO(text))
    except RuntimeError as err:
        raise PageError(path, 1, f"pytest-codeblocks could not read the page: {err}") from None

    blocks = []
    for raw in raw_blocks:
        if raw.syntax != "python" and not raw.marks:
            continue  # not run; the lint reports Python in any other fence
        fence = layout.fence_at(raw.lineno)
        if fence is None or fence.line in output_fences:
            raise PageError(path, raw.lineno, "pytest-codeblocks reads a ``` block here that the page shows inside "
                            "another fence: it reads only ``` fences, and ends one at the first line that starts with "
                            "its ticks; use a longer fence (````) around it")
        tab = layout.owner[raw.lineno - 1]
        if tab is not None and tab.label not in FRAMEWORKS:
            continue  # reported by the lint
        block = Block(page=path, line=raw.lineno, end_line=fence.end_line, indent=fence.indent,
                      framework=tab.label if tab else None, code="", include=None, expected=raw.expected_output,
                      tab_set=tab.set_id if tab else None)
        skips = [m for m in before.get(fence.line, []) if m.kind in ("skip", "skipif")]
        if len(raw.marks) != len(skips):  # a marker before a fence pytest-codeblocks does not read (~~~, an output)
            raise PageError(path, raw.lineno, "pytest-codeblocks attaches to this block a skip marker that stands "
                            "before another fence (a ~~~ fence or an output block): put a skip marker just before the "
                            "``` block it skips")
        for mark, marker in zip(raw.marks, skips):  # the markers pytest-codeblocks attached to the block
            skip = markers.parse(mark, path, marker.line)
            block.skip_reason, block.skipif = skip.reason, skip.condition
        for mark in before.get(fence.line, []):
            if mark.kind == "stderr":
                block.stderr_reason = mark.reason
        if block.skip_reason and block.skipif is None:
            block.code = raw.code  # shown, never run: no include to resolve
        else:
            block.code, block.include = expand_include(raw.code, path, raw.lineno)
        if (raw.expected_output is None) != (fence.line not in outputs):
            raise PageError(path, raw.lineno, "pytest-codeblocks gives this block an output block that the page gives "
                            "a ~~~ fence: it reads only ``` fences, so put an expected-output marker only after a ``` block")
        if fence.line in outputs:
            block.expected_marker_line, output = outputs[fence.line]
            block.expected_line, block.expected_end_line = output.line, output.end_line
        blocks.append(block)

    solutions = _solutions(layout, blocks)
    same_output = []
    for marker in page_markers:
        if marker.kind == "same-output":
            following = next((t for t in layout.tabs if t.line == layout.next_line(marker.line)), None)
            if following is None:
                raise PageError(path, marker.line, "<!--guide:same-output--> must stand just before a tab set")
            same_output.append((marker.line, following.set_id))
    return Page(path, lines, blocks, layout.fences, layout.tabs, layout.owner, page_markers, same_output,
                layout.admonitions, solutions)


def _solutions(layout: Scan, blocks: list[Block]) -> list[Solution]:
    """The page's solutions, numbered in page order; each block inside one learns its number."""
    holding = {block.line: next((a for a in around(layout.admonitions, block.line) if a.collapsed), None)
               for block in blocks}
    found = [a for a in layout.admonitions
             if a.collapsed and (a.title == "Solution" or any(h is a for h in holding.values()))]
    solutions = [Solution(number, admonition) for number, admonition in enumerate(found, 1)]
    for block in blocks:
        block.solution = next((s.number for s in solutions if s.admonition is holding[block.line]), None)
    return solutions


def _outputs(layout: Scan, page_markers: list[Marker], path: Path) -> dict[int, tuple[int, Fence]]:
    """For each code fence that has one, (its expected-output marker's line, its output fence). The marker stands
    between the two: just after the code block, and just before its output."""
    outputs: dict[int, tuple[int, Fence]] = {}
    output_of: dict[int, int] = {}  # output fence line -> its code fence's line
    for marker in page_markers:
        if marker.kind != "expected-output":
            continue
        code = next((f for f in layout.fences if f.end_line == layout.previous_line(marker.line)), None)
        if code is None:
            raise PageError(path, marker.line, "<!--pytest-codeblocks:expected-output--> must stand just after the code "
                            "block whose output follows it")
        if code.line in output_of:
            raise PageError(path, marker.line, f"a second output block for the code block at line {output_of[code.line]}: "
                            "a block has one output block, under it")
        output = layout.fence_at(layout.next_line(marker.line))
        if output is None:
            raise PageError(path, marker.line, "expected-output marker without an output block after it")
        outputs[code.line] = (marker.line, output)
        output_of[output.line] = code.line
    return outputs


def _markers_before_fences(layout: Scan, page_markers: list[Marker], path: Path) -> dict[int, list[Marker]]:
    """The skip, skipif and stderr markers of each fence: they stand just before it (markers may stand one above
    another)."""
    before: dict[int, list[Marker]] = {}
    for marker in page_markers:
        if marker.kind not in ("skip", "skipif", "stderr"):
            continue
        fence = layout.fence_at(layout.next_line(marker.line, skip_comments=True))
        if marker.kind == "stderr" and (fence is None or fence.info != "python"):
            raise PageError(path, marker.line, "<!--guide:stderr(...)--> must stand just before a ```python block")
        if fence is None:
            raise PageError(path, marker.line, f"<!--pytest.mark.{marker.kind}(...)--> must stand just before the code "
                            "block it skips")
        before.setdefault(fence.line, []).append(marker)
    return before
