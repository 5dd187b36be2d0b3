"""Where one test session keeps what its processes share: the site it builds, the run records, the counts.

The first process of a session (pytest itself, or pytest-xdist's controller) makes a temporary folder and names it
in GUIDE_SESSION_DIR, which the workers, the page programs and the site build inherit:

    <session>/site/           the site, built once (site_build)
    <session>/build.json      the build's status, written when it finishes
    <session>/runs/*.json     one record per program run: each piece's code, stdout and stderr (for the reader's view)
    <session>/counts.tsv      accounting's log: page parses, program runs, builds
"""

from __future__ import annotations

import os
import re
import time
from pathlib import Path

from ..settings import COUNTS_VARIABLE

VARIABLE = "GUIDE_SESSION_DIR"


def directory() -> Path:
    return Path(os.environ[VARIABLE])


def begin(folder: Path) -> None:
    (folder / "runs").mkdir(parents=True, exist_ok=True)
    os.environ[VARIABLE] = str(folder)
    os.environ.setdefault(COUNTS_VARIABLE, str(folder / "counts.tsv"))


def site() -> Path:
    return directory() / "site"


def run_record(program: str) -> Path:
    """The record file of a program, named after it (`docs/tensors.md::PyTorch`)."""
    return directory() / "runs" / (re.sub(r"[^\w.-]+", "_", program) + ".json")


def wait_for(path: Path, timeout: float, what: str) -> str:
    """The text of a file another process or thread is about to write (a run record, build.json); `what` names the
    awaited work in the error raised after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while not path.exists():
        if time.monotonic() > deadline:
            raise TimeoutError(f"{what} did not finish in {timeout:g} s")
        time.sleep(0.5)
    return path.read_text()
