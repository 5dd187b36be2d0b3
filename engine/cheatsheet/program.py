"""The cheat-sheet rows as programs: one per framework, one piece per row, run by the one runner.

    runs = run_both(results_folder, timeout)   # {framework: ProgramRun}; results in results_folder/<framework>/

Piece 0 imports the row runner (side.py); piece i + 1 runs rows[i] (by default every row, data.load().rows), which
it reads from the row's data file, and saves its result as <i>.npy or <i>.json. compare.py reads the results.
"""

from __future__ import annotations

from pathlib import Path

from ..run import program
from ..settings import FRAMEWORKS
from . import data


def codes(framework: str, results: Path, rows: list[data.Row]) -> list[program.Code]:
    setup = program.Code("from engine.cheatsheet.side import run_row\n", "<cheat sheet>", 1)
    return [setup] + [
        program.Code(f"run_row({i}, {framework!r}, {str(results)!r}, {str(row.path)!r}, {row.number}, {row.operation!r})\n",
                     f"<cheat sheet: {row.where}>", 1)
        for i, row in enumerate(rows)
    ]


def run_both(folder: Path, timeout: float = 600, rows: list[data.Row] | None = None) -> dict[str, program.ProgramRun]:
    """Run both frameworks' rows at once, each in its own child process: `rows` (every row by default), in order."""
    rows = data.load().rows if rows is None else rows
    running = {}
    for framework in FRAMEWORKS:
        results = folder / framework
        results.mkdir(parents=True, exist_ok=True)
        running[framework] = program.start(f"cheat-sheet::{framework}", codes(framework, results, rows), timeout)
    return {framework: r.wait() for framework, r in running.items()}
