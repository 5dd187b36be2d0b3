"""Run a page program in a child process (harness/runner.py) with a timeout, in a temporary working directory."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from .page import Block

RUNNER = Path(__file__).with_name("runner.py")

# Keep TensorFlow's start-up lines out of outputs; both variables are needed.
QUIET_ENVIRONMENT = {
    "TF_ENABLE_ONEDNN_OPTS": "0",
    "TF_CPP_MIN_LOG_LEVEL": "1",
    "MPLBACKEND": "Agg",
    "PYTHONHASHSEED": "0",
}
# One thread per program: the suite runs two programs at once on two cores (pytest -n 2), and thread pools that
# each expect every core slow each other down several times over.
ONE_THREAD = {"OMP_NUM_THREADS": "1", "TF_NUM_INTRAOP_THREADS": "1", "TF_NUM_INTEROP_THREADS": "1"}


@dataclass
class BlockResult:
    status: str  # passed | failed | skipped (by a skipif condition)
    stdout: str
    stderr: str
    error: str | None
    seconds: float


@dataclass
class ProgramRun:
    results: dict[int, BlockResult] = field(default_factory=dict)  # by block position in the program
    timed_out_block: int | None = None  # the block that was running when the timeout struck
    crash: str | None = None  # the child's own stderr when it died without reporting
    environment: dict = field(default_factory=dict)
    seconds: float = 0.0


def runs(block: Block) -> bool:
    """A block with an unconditional skip marker is shown on the page but never sent to the program."""
    return not (block.skip_reason and block.skipif is None)


def run_program(blocks: list[Block], timeout: float) -> ProgramRun:
    """Run the blocks (those that run) in one child process; results are keyed by position in `blocks`."""
    positions = [i for i, b in enumerate(blocks) if runs(b)]
    program = {
        "blocks": [
            {"code": blocks[i].code, "filename": str(blocks[i].source), "first_line": blocks[i].source_line, "skipif": blocks[i].skipif}
            for i in positions
        ]
    }
    run = ProgramRun()
    with tempfile.TemporaryDirectory(prefix="guide-harness-") as scratch, tempfile.TemporaryDirectory(prefix="guide-run-") as workdir:
        program_path = Path(scratch, "program.json")
        results_path = Path(scratch, "results.jsonl")
        program_path.write_text(json.dumps(program))
        started = time.perf_counter()
        child = subprocess.Popen(
            [sys.executable, str(RUNNER), str(program_path), str(results_path)],
            cwd=workdir,
            env={**os.environ, **QUIET_ENVIRONMENT, **ONE_THREAD},
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            start_new_session=True,  # so a timeout kills the program and anything it started
        )
        timed_out = False
        try:
            _, stderr = child.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            timed_out = True
            os.killpg(child.pid, signal.SIGKILL)
            _, stderr = child.communicate()
        run.seconds = time.perf_counter() - started
        lines = results_path.read_text().splitlines() if results_path.exists() else []
    for line in lines:
        record = json.loads(line)
        if "environment" in record:
            run.environment = record["environment"]
        else:
            index = record.pop("index")
            run.results[positions[index]] = BlockResult(**record)
    finished = [positions[i] for i in range(len(positions)) if positions[i] in run.results]
    if timed_out:
        run.timed_out_block = positions[len(finished)] if len(finished) < len(positions) else None
    elif not run.environment:
        run.crash = stderr.decode(errors="replace")[-4000:] or f"exit status {child.returncode}"
    return run
