"""The cheat-sheet rows as programs: one per framework, one piece per row, run by the one runner.

    runs = run_both(results_folder, timeout)   # {framework: ProgramRun}; results in results_folder/<framework>/
    runs = run_both(results_folder, reuse=True)  # make test: a framework's rows run only if something they read changed

Piece 0 imports the row runner (side.py); piece i + 1 runs rows[i] (by default every row, data.load().rows), which
it reads from the row's data file, and saves its result as <i>.npy or <i>.json. compare.py reads the results.
"""

from __future__ import annotations

import os
from pathlib import Path

from .. import accounting
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


def run_both(folder: Path, timeout: float = 600, rows: list[data.Row] | None = None,
             reuse: bool = False) -> dict[str, program.ProgramRun]:
    """Run both frameworks' rows at once, each in its own child process: `rows` (every row by default), in order.
    With `reuse` (pytest --reuse, never with CI set), a framework's recorded run and result files are taken instead
    while its key, which also covers the rows' data files, is unchanged (engine.check.reuse)."""
    from ..check import reuse as reusing

    rows = data.load().rows if rows is None else rows
    running, keys = {}, {}
    for framework in FRAMEWORKS:
        results = folder / framework
        results.mkdir(parents=True, exist_ok=True)
        name, pieces = f"cheat-sheet::{framework}", codes(framework, results, rows)
        if reusing.enabled(reuse):
            # the pieces name the results folder, which changes every run: the key takes the pieces without it
            keys[framework] = reusing.key(name, codes(framework, Path("results"), rows), inputs=sorted({r.path for r in rows}),
                                          options={"timeout": timeout})
            recorded = reusing.load(keys[framework], files=results)
            if recorded is not None:
                accounting.record("reuse", name, os.getpid())
                running[framework] = recorded
                continue
        running[framework] = program.start(name, pieces, timeout)
    runs = {framework: r.wait() if isinstance(r, program.Running) else r for framework, r in running.items()}
    for framework, run_key in keys.items():
        if not runs[framework].reused:
            reusing.save(run_key, runs[framework], files=folder / framework)
    return runs
