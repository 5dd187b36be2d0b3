"""The markers a page may carry: HTML comments on the line before a code block or a tab set.

One dispatcher, `parse`, reads every comment that looks like a marker (`<!--pytest...-->` or `<!--guide:...-->`,
outside fences: the scanner finds them) and turns it into a `Marker`, or raises `PageError` naming the page line.
The family:

    <!--pytest-codeblocks:expected-output-->           the fence after it shows what the block before printed
    <!--pytest.mark.skip(reason="...")-->               the next block is shown and never run
    <!--pytest.mark.skipif("<expression>", reason="...")-->
                                                        the next block is skipped when the expression, evaluated
                                                        inside the program, is true ("not torch.cuda.is_available()")
    <!--guide:same-output-->                            before a tab set: both tabs print the same thing
    <!--guide:stderr(reason="...")-->                   the next block may write to stderr; without it, a block that
                                                        writes anything there fails

The first three are pytest-codeblocks' markers: its parser attaches them to the blocks (model.py), and `parse` reads
the marks it attaches too. The `guide:` ones are this project's. Where each may stand is the page model's rule
(model.py): a skip, skipif or stderr marker just before its block, an expected-output marker between a block and its
output, same-output just before a tab set.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path

from .errors import PageError


@dataclass(frozen=True)
class Marker:
    kind: str  # expected-output | skip | skipif | same-output | stderr
    line: int
    reason: str | None = None
    condition: str | None = None  # skipif's expression


def _call(body: str, path: Path, line: int) -> tuple[str, list[ast.expr], dict[str, ast.expr]]:
    try:
        node = ast.parse(body, mode="eval").body
    except SyntaxError as err:
        raise PageError(path, line, f"marker <!--{body}--> is not valid Python: {err.msg}") from None
    if isinstance(node, ast.Call):
        return ast.unparse(node.func), node.args, {k.arg: k.value for k in node.keywords}
    return ast.unparse(node), [], {}


def _string(node: ast.expr | None) -> str | None:
    return node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) and node.value.strip() else None


def _reason(body: str, keywords: dict, path: Path, line: int) -> str:
    reason = _string(keywords.get("reason"))
    if reason is None:
        raise PageError(path, line, f'<!--{body}--> needs reason="..." saying why')
    return reason


def parse(body: str, path: Path, line: int) -> Marker:
    """The marker whose comment text is `body`, on `line` of `path`."""
    if body.startswith("pytest-codeblocks:"):
        keyword = body.split(":", 1)[1].strip("- ")
        if keyword == "expected-output":
            return Marker("expected-output", line)
        hint = " (not needed: every block of a tab continues its program)" if keyword == "cont" else ""
        raise PageError(path, line, f"unknown marker <!--{body}-->{hint}")
    if body == "guide:same-output":
        return Marker("same-output", line)
    if body.startswith("pytest.mark.") or body.startswith("guide:stderr"):
        name, args, keywords = _call(body.replace("guide:stderr", "guide_stderr", 1), path, line)
        if name == "pytest.mark.skip":
            return Marker("skip", line, _reason(body, keywords, path, line))
        if name == "pytest.mark.skipif":
            condition = _string(args[0]) if len(args) == 1 else None
            if condition is None:
                raise PageError(path, line, f"<!--{body}--> needs one condition as a string, "
                                'e.g. skipif("not torch.cuda.is_available()", reason="...")')
            return Marker("skipif", line, _reason(body, keywords, path, line), condition)
        if name == "guide_stderr":
            return Marker("stderr", line, _reason(body, keywords, path, line))
    raise PageError(path, line, f"unknown marker <!--{body}-->; the markers are pytest-codeblocks:expected-output, "
                    "pytest.mark.skip, pytest.mark.skipif, guide:same-output and guide:stderr")


def page_markers(path: Path, comments: list[tuple[int, str]]) -> list[Marker]:
    """Every marker of a page, in page order, from its marker comments (scan.Scan.comments); an unknown or malformed
    one raises PageError."""
    return [parse(body, path, number) for number, body in comments]
