"""The page model: a page read into its blocks, once per process, shared by the lint, the programs, the downloads
and the site hooks.

The blocks come from pytest-codeblocks' parser, so its markers mean what they mean there; `markers` reads the whole
marker family. Include lines (`--8<-- "snippets/x/pytorch_code.py:section"`) are expanded by the same
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

from pytest_codeblocks import extract_from_buffer

from .. import accounting
from ..settings import FRAMEWORKS, MKDOCS_YML, ROOT
from . import markers
from .errors import PageError, relative
from .tabs import FENCE, Tab, scan_tabs

INCLUDE = re.compile(r'^\s*-{1,}8<-{1,}[ \t]+"(?P<target>[^"]+)"\s*$')
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
    skip_reason: str | None = None
    skipif: str | None = None  # an expression evaluated inside the program; true means skip
    stderr_reason: str | None = None  # why the block may write to stderr (a guide:stderr marker)
    tab_set: int | None = None

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


@dataclass(frozen=True)
class Fence:
    """Any fenced block of the page, run or not, as pytest-codeblocks reads it (for the lint)."""

    syntax: str
    line: int
    marks: tuple[str, ...]


@dataclass
class Page:
    path: Path
    lines: list[str]
    blocks: list[Block]  # the Python blocks that belong to a program
    fences: list[Fence]  # every fence
    tabs: list[Tab]
    owner: list[Tab | None]  # for each line (0-based), the innermost tab it sits in
    same_output_sets: list[tuple[int, int]] = field(default_factory=list)  # (marker line, tab set id)

    @property
    def title(self) -> str:
        return next((line[2:].strip() for line in self.lines if line.startswith("# ")), self.path.stem)

    def program(self, framework: str) -> list[Block]:
        return [b for b in self.blocks if b.framework in (framework, None)]

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
    # MkDocs runs from the project root, where base_path "." points; the tests may run from anywhere.
    options = {**options, "base_path": [str(ROOT / p) for p in options.get("base_path", ["."])]}
    md = markdown.Markdown(extensions=["pymdownx.snippets"], extension_configs={"pymdownx.snippets": options})
    return md.preprocessors["snippet"]


def closing_fence(lines: list[str], opening: int, path: Path) -> int:
    """1-based line of the fence that closes the one opened on 1-based line `opening`."""
    ticks = FENCE.match(lines[opening - 1]).group("ticks")
    for number in range(opening + 1, len(lines) + 1):
        match = FENCE.match(lines[number - 1])
        if match and match.group("ticks").startswith(ticks) and not lines[number - 1].strip().strip(ticks[0]):
            return number
    raise PageError(path, opening, "code fence is never closed")


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
    source = preprocessor.get_snippet_path(target["path"])
    if source is None:  # pymdownx returns nothing for a missing file when check_paths is off
        raise PageError(path, line, f"include '{target['path']}': no such file")
    source = Path(source).resolve()
    file_lines = source.read_text().splitlines()
    starts = [i for i, text in enumerate(file_lines, 1)
              if (m := SECTION_MARKER.search(text)) and m["kind"] == "start" and m["name"] == target["section"]]
    if len(starts) != 1:
        raise PageError(path, line, f"section '{target['section']}' must start exactly once in {relative(source)}")
    first = starts[0] + 1
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
    page_markers = markers.page_markers(path, lines)
    tabs, owner = scan_tabs(lines)
    try:
        raw_blocks = extract_from_buffer(io.StringIO(text))
    except RuntimeError as err:  # pytest-codeblocks names no line; the marker check above catches most causes
        raise PageError(path, 1, f"pytest-codeblocks could not read the page: {err}") from None

    fences = [Fence((raw.syntax or "").strip(), raw.lineno, tuple(raw.marks)) for raw in raw_blocks]
    blocks = []
    for raw in raw_blocks:
        if raw.syntax != "python" and not raw.marks:
            continue  # not run; the lint reports Python in any other fence
        fence_line = lines[raw.lineno - 1]
        tab = owner[raw.lineno - 1]
        if tab is not None and tab.label not in FRAMEWORKS:
            continue  # reported by the lint
        block = Block(
            page=path,
            line=raw.lineno,
            end_line=closing_fence(lines, raw.lineno, path),
            indent=fence_line[: len(fence_line) - len(fence_line.lstrip())],
            framework=tab.label if tab else None,
            code="",
            include=None,
            expected=raw.expected_output,
            tab_set=tab.set_id if tab else None,
        )
        for mark in raw.marks:
            skip = markers.skip_marker(mark, path, raw.lineno)
            block.skip_reason, block.skipif = skip.reason, skip.condition
        if block.skip_reason and block.skipif is None:
            block.code = raw.code  # shown, never run: no include to resolve
        else:
            block.code, block.include = expand_include(raw.code, path, raw.lineno)
        if raw.expected_output is not None:
            block.expected_line = _output_fence_after(lines, block.end_line, path)
            block.expected_end_line = closing_fence(lines, block.expected_line, path)
        blocks.append(block)

    same_output = []
    by_line = {b.line: b for b in blocks}
    for marker in page_markers:
        if marker.kind == "same-output":
            following = [t for t in tabs if t.line > marker.line]
            if not following or any(lines[n].strip() for n in range(marker.line, following[0].line - 1)):
                raise PageError(path, marker.line, "<!--guide:same-output--> must stand just before a tab set")
            same_output.append((marker.line, following[0].set_id))
        elif marker.kind == "stderr":
            block = by_line.get(_next_line(lines, marker.line))
            if block is None:
                raise PageError(path, marker.line, "<!--guide:stderr(...)--> must stand just before a ```python block")
            block.stderr_reason = marker.reason
    return Page(path, lines, blocks, fences, tabs, owner, same_output)


def _next_line(lines: list[str], after: int) -> int:
    """The 1-based number of the first non-blank line after line `after`."""
    return next((n for n in range(after + 1, len(lines) + 1) if lines[n - 1].strip()), 0)


def _output_fence_after(lines: list[str], code_end: int, path: Path) -> int:
    """The opening line of the output fence that follows an expected-output marker after a code block."""
    for number in range(code_end + 1, len(lines) + 1):
        if FENCE.match(lines[number - 1]):
            return number
    raise PageError(path, code_end, "expected-output marker without an output block after it")
