"""Where one test session keeps what its processes share: the site it builds, the run records, the counts, and the
one deadline of its waits.

The first process of a session (pytest itself, or pytest-xdist's controller) makes a temporary folder and names it
in GUIDE_SESSION_DIR, which the workers, the page programs and the site build inherit:

    <session>/deadline.json   when the session's waits give up (begin: its start plus --session-timeout)
    <session>/site/           the site, built once (site_build)
    <session>/build.json      the build's status, written when it finishes
    <session>/runs/*.json     one record per program run: each piece's code, stdout and stderr (for the reader's view)
    <session>/counts.tsv      accounting's log: page parses, program runs, builds

A file another process polls for (a run record, build.json) is written with `write_atomically`, so it appears whole
or not at all. Every wait for one (`wait_for`), and the site build itself, end at the session's one deadline: a
session never waits longer than --session-timeout from its start, however many waits it has.
"""

from __future__ import annotations

import json
import os
import re
import tempfile
import time
from pathlib import Path

from ..settings import COUNTS_VARIABLE

VARIABLE = "GUIDE_SESSION_DIR"
TIMEOUT = 3600.0  # seconds from the session's start to its deadline, unless --session-timeout says otherwise
OPTION = "--session-timeout"
_own_deadline: dict = {}  # without a session: one deadline for this process, from its first wait


def directory() -> Path:
    return Path(os.environ[VARIABLE])


def begin(folder: Path, timeout: float = TIMEOUT) -> None:
    """Make `folder` the session's: its waits end `timeout` seconds from now."""
    (folder / "runs").mkdir(parents=True, exist_ok=True)
    write_atomically(folder / "deadline.json", json.dumps({"deadline": time.time() + timeout, "timeout": timeout}))
    os.environ[VARIABLE] = str(folder)
    os.environ.setdefault(COUNTS_VARIABLE, str(folder / "counts.tsv"))


def deadline() -> tuple[float, float]:
    """The session's deadline (seconds since the epoch, as time.time() counts, so every process reads the same) and
    the timeout it was set from."""
    path = directory() / "deadline.json" if VARIABLE in os.environ else None
    if path is not None and path.exists():
        data = json.loads(path.read_text())
        return data["deadline"], data["timeout"]
    if not _own_deadline:
        _own_deadline.update(deadline=time.time() + TIMEOUT, timeout=TIMEOUT)
    return _own_deadline["deadline"], _own_deadline["timeout"]


def remaining() -> float:
    """Seconds left until the session's deadline (negative once it has passed)."""
    return deadline()[0] - time.time()


def deadline_reached(what: str) -> str:
    """The message for work that had not finished at the session's deadline."""
    return (f"{what} did not finish: the session deadline was reached ({deadline()[1]:g} s after the session "
            f"started; every wait of a session ends then, {OPTION} to change it)")


def site() -> Path:
    return directory() / "site"


def run_record(program: str) -> Path:
    """The record file of a program, named after it (`docs/tensors.md::PyTorch`)."""
    return directory() / "runs" / (re.sub(r"[^\w.-]+", "_", program) + ".json")


def write_atomically(path: Path, text: str) -> None:
    """Write `text` to `path` so that a reader sees the whole file or none: into a temporary file in the same folder
    (named `.<name>.*.tmp`, so no `*.json` pattern matches it), then renamed over `path` (os.replace). If writing
    fails, `path` is left as it was and the temporary file is removed."""
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as file:
            file.write(text)
        os.replace(temporary, path)
    except BaseException:
        os.unlink(temporary)
        raise


def wait_for(path: Path, what: str, grace: float = 0.0) -> str:
    """The text of a file another process or thread is about to write (a run record, build.json); `what` names the
    awaited work in the TimeoutError raised when the session's deadline is reached first. `grace`: seconds to wait
    past the deadline, for a writer that itself stops at the deadline and then writes why (the site build)."""
    while not path.exists():
        left = remaining() + grace
        if left <= 0:
            raise TimeoutError(deadline_reached(what))
        time.sleep(min(0.5, max(0.01, left)))
    return path.read_text(encoding="utf-8")
