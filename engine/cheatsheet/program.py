"""The cheat-sheet rows as programs: one per framework, one piece per row, run by the one runner.

    runs = run_both(results_folder, timeout)   # {framework: ProgramRun}; results in results_folder/<framework>/
"""

from __future__ import annotations

from pathlib import Path

from ..run import program
from ..settings import FRAMEWORKS
from .rows import ROWS


def codes(framework: str, results: Path) -> list[program.Code]:
    setup = program.Code("from engine.cheatsheet.side import run_row\n", "<cheat sheet>", 1)
    return [setup] + [
        program.Code(f"run_row({i}, {framework!r}, {str(results)!r})\n", f"<cheat sheet: {row.operation}>", 1)
        for i, row in enumerate(ROWS)
    ]


def run_both(folder: Path, timeout: float = 600) -> dict[str, program.ProgramRun]:
    """Run both frameworks' rows at once, each in its own child process."""
    running = {}
    for framework in FRAMEWORKS:
        results = folder / framework
        results.mkdir(parents=True, exist_ok=True)
        running[framework] = program.start(f"cheat-sheet::{framework}", codes(framework, results), timeout)
    return {framework: r.wait() for framework, r in running.items()}
