"""Run a program in a child process (engine.run.child), in an empty temporary working directory, with a timeout.

A program is a list of `Code` pieces run one after another in one namespace: a page program (its blocks), or the
cheat sheet's rows for one framework. Every piece of guide code runs through here, one framework per process, with
settings.PROGRAM_ENVIRONMENT (or, with `reader=True`, a reader's plain shell: settings.program_environment).

    running = start(name, codes, timeout)   # the child starts at once
    run = running.wait()                     # a ProgramRun: each piece's status, stdout, stderr, error, seconds
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

from ..settings import program_environment


@dataclass(frozen=True)
class Code:
    code: str
    filename: str  # the file the code comes from, for tracebacks (a snippet file)
    first_line: int  # the line of that file where the code starts
    skipif: str | None = None  # an expression evaluated in the program first; true skips the piece


@dataclass
class Result:
    status: str  # passed | failed | skipped (by its skipif condition)
    stdout: str
    stderr: str
    error: str | None
    seconds: float


@dataclass
class ProgramRun:
    name: str
    codes: list[Code]
    results: list[Result] = field(default_factory=list)  # one per piece that finished, in order
    timed_out: bool = False
    crash: str | None = None  # the child's own stderr when it died without finishing
    environment: dict = field(default_factory=dict)  # versions and GPUs, reported after the last piece
    seconds: float = 0.0

    @property
    def finished(self) -> bool:
        return bool(self.environment)

    def to_json(self) -> str:
        return json.dumps(asdict(self))

    @classmethod
    def from_json(cls, text: str) -> ProgramRun:
        data = json.loads(text)
        data["codes"] = [Code(**c) for c in data["codes"]]
        data["results"] = [Result(**r) for r in data["results"]]
        return cls(**data)


class Running:
    """A program whose child process has started; `wait()` collects it."""

    def __init__(self, name: str, codes: list[Code], timeout: float, workdir: Path | None, reader: bool = False):
        self.run = ProgramRun(name, list(codes))
        self.timeout = timeout
        self._scratch = tempfile.TemporaryDirectory(prefix="guide-program-")
        self._workdir = None if workdir else tempfile.TemporaryDirectory(prefix="guide-run-")
        self.workdir = Path(workdir or self._workdir.name)
        program = Path(self._scratch.name, "program.json")
        self.results_path = Path(self._scratch.name, "results.jsonl")
        program.write_text(json.dumps({"name": name, "codes": [asdict(c) for c in codes]}))
        self.started = time.perf_counter()
        self.child = subprocess.Popen(
            [sys.executable, "-m", "engine.run.child", str(program), str(self.results_path)],
            cwd=self.workdir,
            env=program_environment(reader),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            start_new_session=True,  # so a timeout kills the program and anything it started
        )

    def wait(self) -> ProgramRun:
        if self._scratch is not None:
            self._collect()
        return self.run

    def _collect(self) -> None:
        run = self.run
        try:
            _, stderr = self.child.communicate(timeout=max(0.0, self.timeout - (time.perf_counter() - self.started)))
        except subprocess.TimeoutExpired:
            run.timed_out = True
            os.killpg(self.child.pid, signal.SIGKILL)
            _, stderr = self.child.communicate()
        run.seconds = time.perf_counter() - self.started
        for line in self.results_path.read_text().splitlines() if self.results_path.exists() else []:
            record = json.loads(line)
            if "environment" in record:
                run.environment = record["environment"]
            else:
                run.results.append(Result(**record))
        if not run.timed_out and not run.finished:
            run.crash = stderr.decode(errors="replace")[-4000:] or f"exit status {self.child.returncode}"
        self._scratch.cleanup()
        self._scratch = None
        if self._workdir:
            self._workdir.cleanup()


def start(name: str, codes: list[Code], timeout: float, workdir: Path | None = None, reader: bool = False) -> Running:
    """Start the program; `workdir` keeps the files it writes (default: a temporary directory, removed after);
    `reader` runs it in a reader's plain shell instead of the engine's environment."""
    return Running(name, codes, timeout, workdir, reader)
