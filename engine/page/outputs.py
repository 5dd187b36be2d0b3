"""Write what each block printed onto the page (`make outputs`, or pytest's `--update-outputs`).

An output block sits under its code block, announced by pytest-codeblocks' marker:

    <!--pytest-codeblocks:expected-output-->

    ```text title="Output"
    ...
    ```

A block that printed nothing loses its output block; a block that printed something gains one.
"""

from __future__ import annotations

from pathlib import Path

from .model import Block, read_page

MARKER_LINE = "<!--pytest-codeblocks:expected-output-->"


def _output_fence(indent: str, printed: str) -> list[str]:
    ticks = "````" if "```" in printed else "```"
    body = [f"{indent}{line}".rstrip() for line in printed.rstrip().splitlines()]
    return [f'{indent}{ticks}text title="Output"', *body, f"{indent}{ticks}"]


def write_outputs(page: Path, printed: dict[int, str]) -> bool:
    """Rewrite the page's output blocks from `printed` (block line -> stdout). Return whether the page changed."""
    original = page.read_text()
    lines = original.splitlines()
    blocks = {b.line: b for b in read_page(page).blocks}
    for line in sorted(printed, reverse=True):  # bottom up, so earlier line numbers stay valid
        block: Block = blocks[line]
        text = printed[line]
        if block.expected_line is not None:
            start = block.expected_marker_line if not text.strip() else block.expected_line
            fence_indent = lines[block.expected_line - 1][: len(lines[block.expected_line - 1]) - len(lines[block.expected_line - 1].lstrip())]
            replacement = _output_fence(fence_indent, text) if text.strip() else []
            end = block.expected_end_line
            if not text.strip():  # drop the marker, the output block and the blank line before the marker
                while start > 1 and not lines[start - 2].strip():
                    start -= 1
            lines[start - 1 : end] = replacement
        elif text.strip():
            lines[block.end_line : block.end_line] = ["", f"{block.indent}{MARKER_LINE}", "", *_output_fence(block.indent, text)]
    updated = "\n".join(lines) + "\n"
    if updated != original:
        page.write_text(updated)
        return True
    return False
