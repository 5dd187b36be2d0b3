"""`PageError`: bad input on a page or in a snippet file, with a message that starts `file:line:`."""

from __future__ import annotations

from pathlib import Path

from ..settings import ROOT


def relative(path: Path | str) -> str:
    """A path as a contributor types it: relative to the project root where it lies inside it."""
    try:
        return str(Path(path).resolve().relative_to(ROOT))
    except ValueError:
        return str(path)


class PageError(Exception):
    def __init__(self, path: Path | str, line: int, message: str):
        super().__init__(f"{relative(path)}:{line}: {message}")
        self.path, self.line, self.message = Path(path), line, message
