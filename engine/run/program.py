"""Run a program in a child process (engine.run.child), with a timeout, and leave nothing behind.

A program is a list of `Code` pieces run one after another in one namespace: a page program (its blocks), or the
cheat sheet's rows for one framework. Every piece of guide code runs through here, one framework per process, with
settings.PROGRAM_ENVIRONMENT (or, with `reader=True`, a reader's plain shell: settings.program_environment).

    running = start(name, codes, timeout)   # the child starts at once
    run = running.wait()                     # a ProgramRun: each piece's status, stdout, stderr, error, seconds

Each program has a temporary folder of its own, removed once the program has been collected or stopped:

    guide-program-*/work/   its working directory, empty at the start: files written with relative paths land here
    guide-program-*/home/   its HOME, with XDG_CACHE_HOME, KERAS_HOME, TORCH_HOME, MPLCONFIGDIR, HF_HOME... inside
                            (settings.home_environment): ~/.keras, ~/.cache and ~/.config are written here
    guide-program-*/tree/   a copy of its source files, placed as in the repository (tree/snippets/x/pytorch_code.py):
                            `__file__` names the copy, so a file written next to `__file__` lands here, while the code
                            keeps the repository's file name and lines for tracebacks and inspect.getsource
    guide-program-*/*       the runner's own files: the program, its results, the child's own stdout and stderr

So a program writes nothing into the repository (nor byte code: its code is compiled from text, never imported, and
PYTHONDONTWRITEBYTECODE is set) and nothing into the real home directory.

No program outlives its run. The child leads a process group of its own, and once the program has finished or timed
out the whole group is killed (SIGKILL), so a child the program left behind dies with it. Until then the program is
in this module's registry of running process groups (`track` adds others: the site build); `kill_all()` kills every
one of them. It runs at exit, on SIGINT, SIGTERM and SIGHUP (then the signal does what it did before), and from the
pytest plugin when the session ends, so a program that was started but never waited for (its items deselected) is
killed too.

A piece keeps at most `output_limit` bytes (OUTPUT_LIMIT by default) of its stdout and of its stderr, and a line
naming the limit and the bytes dropped stands for the rest (engine.run.child). The child's own stdout and stderr go
to files, not pipes, so a process the program left holding them cannot keep the runner waiting.
"""

from __future__ import annotations

import atexit
import json
import os
import select
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

from ..settings import ROOT, home_environment, program_environment

OUTPUT_LIMIT = 1_000_000  # bytes of stdout, and of stderr, kept of each piece (pytest --output-limit)
CRASH_CHARS = 4000  # how much of the child's own stderr a crash report keeps (its end)


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
    crash: str | None = None  # the child's own stderr when it died without finishing, or why it was stopped
    environment: dict = field(default_factory=dict)  # versions and GPUs, reported after the last piece
    seconds: float = 0.0
    reused: bool = False  # recorded by an earlier session and reused, not run (engine.check.reuse)

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


# ------------------------------------------------------------------------------------------ the registry and cleanup

# Every process group this process started and has not killed yet, by the id of its leader: a Running program, or a
# process passed to track(). Entries are added and removed one operation at a time (atomic under the GIL), so the
# signal handler can read the registry whatever the main thread was doing.
_groups: dict[int, Running | subprocess.Popen] = {}
_previous_handlers: dict[int, object] = {}
STOPPED = ("the program was stopped before it finished: the run was interrupted, or it ended without waiting for "
           "this program")


def kill_group(pid: int) -> None:
    """SIGKILL the process group led by `pid` (a child started with start_new_session=True), if any of it is left."""
    try:
        os.killpg(pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass


def track(process: subprocess.Popen) -> None:
    """Have kill_all() kill `process` and its process group (start it with start_new_session=True) until untrack()."""
    _groups[process.pid] = process


def untrack(process: subprocess.Popen) -> None:
    _groups.pop(process.pid, None)


def running() -> list[str]:
    """The programs (by name) and other tracked processes (by pid) this process has started and not yet killed."""
    return [e.run.name if isinstance(e, Running) else str(pid) for pid, e in list(_groups.items())]


def kill_all(programs_only: bool = False) -> list[str]:
    """Kill every process group in the registry: each program that has not been collected (and whatever it started),
    and, unless `programs_only`, each tracked process. A killed program's temporary folder is removed. Returns the
    names of the programs killed, and the ids of the tracked processes."""
    killed = []
    for pid in list(_groups):
        if programs_only and not isinstance(_groups.get(pid), Running):
            continue
        entry = _groups.pop(pid, None)
        if entry is None:
            continue
        kill_group(pid)
        if isinstance(entry, Running):
            entry._stopped()
            killed.append(entry.run.name)
        else:
            killed.append(str(pid))
    return killed


def handle_signals() -> None:
    """Kill every running program on SIGINT, SIGTERM and SIGHUP, then let the signal do what it did before (SIGINT:
    KeyboardInterrupt; SIGTERM, SIGHUP: the process ends). Installed once, from the main thread; a signal this process
    ignores stays ignored."""
    if _previous_handlers or threading.current_thread() is not threading.main_thread():
        return
    for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        previous = signal.getsignal(signum)
        if previous in (signal.SIG_IGN, None):
            continue
        _previous_handlers[signum] = previous
        signal.signal(signum, _on_signal)


def _on_signal(signum, frame):
    kill_all()
    previous = _previous_handlers.get(signum, signal.SIG_DFL)
    if callable(previous):
        previous(signum, frame)
    else:  # the default: end the process with this signal, as it would have without this handler
        signal.signal(signum, signal.SIG_DFL)
        os.kill(os.getpid(), signum)


atexit.register(kill_all)
os.register_at_fork(after_in_child=_groups.clear)  # a forked copy of this process owns none of these groups


# ------------------------------------------------------------------------------------------------------- a program


class Running:
    """A program whose child process has started; `wait()` collects it."""

    def __init__(self, name: str, codes: list[Code], timeout: float, workdir: Path | None, reader: bool = False,
                 output_limit: int = OUTPUT_LIMIT):
        self.run = ProgramRun(name, list(codes))
        self.timeout = timeout
        self.folder: Path | None = Path(tempfile.mkdtemp(prefix="guide-program-"))
        try:
            home = self.folder / "home"
            home.mkdir()
            self.workdir = Path(workdir) if workdir else self.folder / "work"
            self.workdir.mkdir(parents=True, exist_ok=True)
            program = self.folder / "program.json"
            self.results_path = self.folder / "results.jsonl"
            program.write_text(json.dumps({"name": name, "file": self._copy_sources(codes) or str(program),
                                           "output_limit": output_limit, "codes": [asdict(c) for c in codes]}))
            handle_signals()
            with open(self.folder / "stdout", "wb") as out, open(self.folder / "stderr", "wb") as err:
                self.started = time.perf_counter()
                self.child = subprocess.Popen(
                    [sys.executable, "-m", "engine.run.child", str(program), str(self.results_path)],
                    cwd=self.workdir,
                    env=program_environment(reader) | home_environment(home),
                    stdin=subprocess.DEVNULL,
                    stdout=out,
                    stderr=err,
                    start_new_session=True,  # a process group of its own, killed whole with what the program started
                )
        except BaseException:
            self._remove()
            raise
        _groups[self.child.pid] = self

    def _copy_sources(self, codes: list[Code]) -> str | None:
        """Copy each source file of the program into tree/, at its place in the repository (a file outside it: at its
        absolute path); the copy of the first piece's file is the program's `__file__`. A piece whose file name is not
        a file (`<cheat sheet>`) keeps that name."""
        copies: dict[str, str] = {}
        for code in codes:
            source = Path(code.filename)
            if code.filename in copies or not source.is_file():
                continue
            source = source.resolve()
            place = source.relative_to(ROOT) if source.is_relative_to(ROOT) else source.relative_to(source.anchor)
            copy = self.folder / "tree" / place
            copy.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source, copy)
            copies[code.filename] = str(copy)
        return copies.get(codes[0].filename, codes[0].filename) if codes else None

    def wait(self) -> ProgramRun:
        if self.child.pid in _groups:
            self._collect()
        return self.run

    def _collect(self) -> None:
        run, pid = self.run, self.child.pid
        run.timed_out = not _wait_for_exit(pid, self.timeout - (time.perf_counter() - self.started))
        _groups.pop(pid, None)
        kill_group(pid)  # before the child is reaped, so the group is still this program's: it and all it left running
        try:
            self.child.wait()
            run.seconds = time.perf_counter() - self.started
            for line in self.results_path.read_text().splitlines() if self.results_path.exists() else []:
                record = json.loads(line)
                if "environment" in record:
                    run.environment = record["environment"]
                else:
                    run.results.append(Result(**record))
            if not run.timed_out and not run.finished:
                run.crash = _tail(self.folder / "stderr", CRASH_CHARS) or f"exit status {self.child.returncode}"
        finally:
            self._remove()

    def _stopped(self) -> None:
        """kill_all() has killed the program's group: reap the child, remove the folder, say why there is no result."""
        try:
            self.child.wait(timeout=5)
        except subprocess.TimeoutExpired:
            pass
        self.run.crash = STOPPED
        self._remove()

    def _remove(self) -> None:
        if self.folder is not None:
            shutil.rmtree(self.folder, ignore_errors=True)
            self.folder = None


def _wait_for_exit(pid: int, timeout: float) -> bool:
    """Wait until the child `pid` has exited, without reaping it; False if `timeout` seconds passed first."""
    try:
        handle = os.pidfd_open(pid)
    except (AttributeError, OSError):  # no pidfd (before Linux 5.3, or not Linux): poll
        deadline = time.monotonic() + timeout
        delay = 0.001
        while os.waitid(os.P_PID, pid, os.WEXITED | os.WNOHANG | os.WNOWAIT) is None:
            if time.monotonic() >= deadline:
                return False
            time.sleep(delay)
            delay = min(delay * 2, 0.05)
        return True
    try:
        return bool(select.select([handle], [], [], max(0.0, timeout))[0])
    finally:
        os.close(handle)


def _tail(path: Path, chars: int) -> str:
    with open(path, "rb") as handle:
        handle.seek(max(0, handle.seek(0, os.SEEK_END) - 4 * chars))
        return handle.read().decode(errors="replace")[-chars:]


def start(name: str, codes: list[Code], timeout: float, workdir: Path | None = None, reader: bool = False,
          output_limit: int = OUTPUT_LIMIT) -> Running:
    """Start the program; `workdir` keeps the files it writes (default: a temporary directory, removed after);
    `reader` runs it in a reader's plain shell instead of the engine's environment; `output_limit`: the bytes of
    stdout, and of stderr, kept of each piece."""
    return Running(name, codes, timeout, workdir, reader, output_limit)
