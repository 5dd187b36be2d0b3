"""Read a page into its programs: one per framework, made of the page's Python blocks in page order.

The blocks come from pytest-codeblocks' parser, so markers mean what they mean there. Include lines
(`--8<-- "snippets/x/pytorch.py:section"`) are expanded by the same pymdownx.snippets preprocessor MkDocs uses,
configured from mkdocs.yml, so the test runs exactly the text the site shows. A block that includes a section keeps
the snippet file's name and line numbers, so tracebacks, `inspect.getsource` and AutoGraph see the real file.

Anything malformed raises `PageError`, which names the page and line.
"""

from __future__ import annotations

import ast
import functools
import io
import re
from dataclasses import dataclass, field
from pathlib import Path

from pytest_codeblocks import extract_from_buffer

from .tabs import FENCE, Tab, scan_tabs

FRAMEWORKS = ("PyTorch", "TensorFlow")
ROOT = Path(__file__).resolve().parents[2]

# Every HTML comment that starts like a marker must be one the harness understands.
MARKER = re.compile(r"^\s*<!--[-\s]*(?P<body>(pytest|guide)\S*.*?)[-\s]*-->\s*$")
KNOWN_CODEBLOCKS_MARKERS = {"expected-output"}
SAME_OUTPUT = "guide:same-output"
INCLUDE = re.compile(r'^\s*-{1,}8<-{1,}[ \t]+"(?P<target>[^"]+)"\s*$')
SECTION_MARKER = re.compile(r"--8<--\s*\[\s*(?P<kind>start|end)\s*:\s*(?P<name>[-\w]+)\s*\]")


class PageError(Exception):
    """Bad input on a page or in a snippet file; the message starts with `file:line:`."""

    def __init__(self, path: Path | str, line: int, message: str):
        super().__init__(f"{relative(path)}:{line}: {message}")
        self.path, self.line, self.message = Path(path), line, message


def relative(path: Path | str) -> str:
    try:
        return str(Path(path).resolve().relative_to(ROOT))
    except ValueError:
        return str(path)


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
    tab_set: int | None = None

    @property
    def source(self) -> Path:
        return self.include.path if self.include else self.page

    @property
    def source_line(self) -> int:
        return self.include.first_line if self.include else self.line + 1

    @property
    def where(self) -> str:
        here = f"{relative(self.page)}:{self.line}"
        if self.include:
            here += f" ({relative(self.include.path)}:{self.include.first_line}, section '{self.include.section}')"
        return here


@dataclass
class Page:
    path: Path
    blocks: list[Block]
    tabs: list[Tab]
    same_output_sets: list[tuple[int, int]] = field(default_factory=list)  # (marker line, tab set id)

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

    with open(ROOT / "mkdocs.yml") as handle:
        extensions = yaml_load(handle)["markdown_extensions"]
    options = next(e["pymdownx.snippets"] for e in extensions if isinstance(e, dict) and "pymdownx.snippets" in e)
    # MkDocs runs from the project root, where base_path "." points; the tests may run from anywhere.
    options = {**options, "base_path": [str(ROOT / p) for p in options.get("base_path", ["."])]}
    md = markdown.Markdown(extensions=["pymdownx.snippets"], extension_configs={"pymdownx.snippets": options})
    return md.preprocessors["snippet"]


def parse_skip(mark: str, path: Path, line: int) -> tuple[str | None, str | None]:
    """Turn `pytest.mark.skip(reason=...)` / `pytest.mark.skipif("expr", reason=...)` into (reason, condition)."""
    try:
        call = ast.parse(mark, mode="eval").body
    except SyntaxError as err:
        raise PageError(path, line, f"marker <!--{mark}--> is not valid Python: {err.msg}") from None
    name = ast.unparse(call.func if isinstance(call, ast.Call) else call)
    if name not in ("pytest.mark.skip", "pytest.mark.skipif"):
        raise PageError(path, line, f"unknown marker <!--{mark}-->; the harness understands pytest.mark.skip and skipif")
    keywords = {k.arg: k.value for k in call.keywords} if isinstance(call, ast.Call) else {}
    reason = keywords.get("reason")
    if not (isinstance(reason, ast.Constant) and isinstance(reason.value, str) and reason.value.strip()):
        raise PageError(path, line, f"<!--{mark}--> needs reason=\"...\" saying why the block is not run")
    if name == "pytest.mark.skip":
        return reason.value, None
    if len(call.args) != 1 or not isinstance(call.args[0], ast.Constant) or not isinstance(call.args[0].value, str):
        raise PageError(path, line, f'<!--{mark}--> needs one condition as a string, e.g. skipif("not torch.cuda.is_available()", ...)')
    return reason.value, call.args[0].value


def check_markers(path: Path, lines: list[str]) -> list[int]:
    """Reject markers the harness would not understand; return the lines of `guide:same-output` markers."""
    same_output = []
    for number, line in enumerate(lines, 1):
        match = MARKER.match(line)
        if not match:
            continue
        body = match.group("body").strip()
        if body == SAME_OUTPUT:
            same_output.append(number)
        elif body.startswith("pytest-codeblocks:"):
            keyword = body.split(":", 1)[1].strip("- ")
            if keyword not in KNOWN_CODEBLOCKS_MARKERS:
                hint = " (not needed: every block of a tab continues its program)" if keyword == "cont" else ""
                raise PageError(path, number, f"unknown marker <!--{body}-->{hint}")
        elif body.startswith("pytest.mark."):
            parse_skip(body, path, number)
        else:
            raise PageError(path, number, f"unknown marker <!--{body}-->")
    return same_output


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
    code_lines = [l for l in block_code.splitlines() if l.strip()]
    includes = [INCLUDE.match(l) for l in code_lines]
    if not any(includes):
        if any("--8<--" in l for l in code_lines):
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
    starts = [i for i, l in enumerate(file_lines, 1) if (m := SECTION_MARKER.search(l)) and m["kind"] == "start" and m["name"] == target["section"]]
    if len(starts) != 1:
        raise PageError(path, line, f"section '{target['section']}' must start exactly once in {relative(source)}")
    first = starts[0] + 1
    code = "\n".join(expanded) + "\n"
    if file_lines[first - 1 : first - 1 + len(expanded)] != expanded:
        raise PageError(path, line, f"section '{target['section']}' of {relative(source)} contains another section; sections do not nest")
    return code, Include(source, target["section"], first)


def read_page(path: Path | str) -> Page:
    path = Path(path).resolve()
    text = path.read_text()
    lines = text.splitlines()
    same_output_lines = check_markers(path, lines)
    tabs, owner = scan_tabs(lines)
    try:
        raw_blocks = extract_from_buffer(io.StringIO(text))
    except RuntimeError as err:  # pytest-codeblocks names no line; the marker check above catches most causes
        raise PageError(path, 1, f"pytest-codeblocks could not read the page: {err}") from None

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
            block.skip_reason, block.skipif = parse_skip(mark, path, raw.lineno)
        if block.skip_reason and block.skipif is None:
            block.code = raw.code  # shown, never run: no include to resolve
        else:
            block.code, block.include = expand_include(raw.code, path, raw.lineno)
        if raw.expected_output is not None:
            block.expected_line = _output_fence_after(lines, block.end_line, path)
            block.expected_end_line = closing_fence(lines, block.expected_line, path)
        blocks.append(block)

    same_output = []
    for marker_line in same_output_lines:
        following = [t for t in tabs if t.line > marker_line]
        if not following or any(lines[n].strip() for n in range(marker_line, following[0].line - 1)):
            raise PageError(path, marker_line, "<!--guide:same-output--> must stand just before a tab set")
        same_output.append((marker_line, following[0].set_id))
    return Page(path, blocks, tabs, same_output)


def _output_fence_after(lines: list[str], code_end: int, path: Path) -> int:
    """The opening line of the output fence that follows an expected-output marker after a code block."""
    for number in range(code_end + 1, len(lines) + 1):
        if FENCE.match(lines[number - 1]):
            return number
    raise PageError(path, code_end, "expected-output marker without an output block after it")
