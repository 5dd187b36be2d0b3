"""Re-run only what changed: a program's recorded run is reused while nothing that can change its output changed.

`make test` passes `--reuse` (engine.check.plugin): before starting a program, the plugin asks this module for the
program's key; a run recorded under that key by an earlier session is reused instead of running the program again,
and a program that does run is recorded under its key when every piece of it passed (or was skipped by its skipif
condition). A failing, crashed or timed-out run is never recorded, so it runs again next time.

The key is a SHA-256 over everything that can change what a program prints:

- the program: its name, and each piece's code, file name, first line and skipif condition (the code a page runs:
  editing a page's prose changes no program; editing a snippet line changes the one program that shows it);
- the full text of every source file its pieces come from (a snippet file, a cheat-sheet data file);
- the engine: every `engine/**/*.py`, and pyproject.toml;
- the versions: requirements.lock, and the name and version of every package installed in this environment (so
  the CPU index's torch, or a versions-matrix column, is another key);
- the program environment: what engine.settings.program_environment gives the program (the engine's variables, or
  a reader's plain shell), less the variables that only name this session or this test process (VOLATILE);
- the machine kind: operating system, architecture, CPU model and count, Python's version, and the GPUs
  `nvidia-smi -L` lists;
- the runner's options that change what is recorded: the program's timeout and the output limit.

Records live in .cache/runs/<key>.json (the ProgramRun, as JSON), or in the folder GUIDE_REUSE_STORE names (the
engine's tests use a folder of their own). A program that leaves files for its caller to read
(the cheat-sheet rows save each result as a file) passes `files`: that folder's contents are kept beside the record,
in .cache/runs/<key>.files/, and put back when the record is reused.

The site build's notebooks (executed by mkdocs-jupyter, which keeps their outputs in .cache/mkdocs-jupyter, keyed on
each notebook's text) follow the same rule: `notebook_cache` keeps that cache only while the rest of the key (engine,
versions, environment, machine) is unchanged and reuse is allowed, and empties it otherwise.

Per-page site checks (axe-core on each page, in each colour scheme) follow it too, keyed by the built page: its HTML,
every file under the site's assets/ (the theme's and the guide's CSS and JavaScript), the installed versions (axe-core
comes from a pinned package), the machine, and the check's own parameters (`site_check_key`). A check that passed
records its key in .cache/checks/; while the key is unchanged, the check passes without opening the browser.

Nothing is reused when the environment variable CI is set (CI, and any run that sets it, runs everything), nor
without `--reuse`: `make check`, `make outputs`, the versions matrix and the engine's own tests always run.
"""

from __future__ import annotations

import functools
import hashlib
import importlib.metadata
import json
import os
import platform
import shutil
import subprocess
import sys
from dataclasses import asdict
from pathlib import Path

from ..run.program import Code, ProgramRun
from ..settings import PYPROJECT, ROOT, program_environment
from .session import write_atomically

STORE_VARIABLE = "GUIDE_REUSE_STORE"
LOCK = ROOT / "requirements.lock"
# Variables that name this session, this test process or the program's own temporary folders: they change on every
# run and change no output.
VOLATILE = ("GUIDE_", "PYTEST_", "_", "OLDPWD", "PWD", "SHLVL", "TERM", "COLUMNS", "LINES", "SSH_", "DISPLAY", "XAUTHORITY",
            "GITHUB_", "RUNNER_", "INVOCATION_ID", "JOURNAL_STREAM", "TMPDIR")


def enabled(asked: bool) -> bool:
    """Whether this session may reuse recorded runs: only when asked (--reuse), and never when CI is set."""
    return asked and not os.environ.get("CI")


def store() -> Path:
    return Path(os.environ.get(STORE_VARIABLE) or ROOT / ".cache" / "runs")


def _digest(*parts: object) -> str:
    sha = hashlib.sha256()
    for part in parts:
        sha.update(part if isinstance(part, bytes) else json.dumps(part, sort_keys=True, default=str).encode())
        sha.update(b"\0")
    return sha.hexdigest()


@functools.cache
def _engine() -> str:
    files = sorted((ROOT / "engine").rglob("*.py")) + [PYPROJECT]
    return _digest(*[(str(f.relative_to(ROOT)), f.read_bytes().hex()) for f in files])


@functools.cache
def _versions() -> str:
    installed = sorted(f"{d.metadata['Name']}=={d.version}" for d in importlib.metadata.distributions())
    return _digest(LOCK.read_bytes() if LOCK.exists() else b"", installed)


def _gpus() -> str:
    if shutil.which("nvidia-smi") is None:
        return ""
    try:
        return subprocess.run(["nvidia-smi", "-L"], capture_output=True, text=True, timeout=30).stdout
    except (OSError, subprocess.SubprocessError):
        return "nvidia-smi failed"


@functools.cache
def machine() -> dict:
    """What kind of machine this is, as far as a program's output can tell."""
    cpuinfo = Path("/proc/cpuinfo")
    models = sorted({line.split(":", 1)[1].strip() for line in (cpuinfo.read_text().splitlines() if cpuinfo.exists() else [])
                     if line.startswith("model name")})
    return {"system": platform.system(), "architecture": platform.machine(), "cpu": models or platform.processor(),
            "cores": os.cpu_count(), "python": sys.version, "gpus": _gpus()}


def _environment(reader: bool) -> dict[str, str]:
    return {name: value for name, value in program_environment(reader).items() if not name.startswith(VOLATILE)}


def key(name: str, codes: list[Code], *, reader: bool = False, options: dict | None = None,
        inputs: list[Path] = ()) -> str:
    """The key of a program's run (see the module's docstring for what it covers); `inputs`: files the program reads
    besides its pieces' source files (the cheat sheet's rows read their data files)."""
    sources = sorted({c.filename for c in codes if Path(c.filename).is_file()} | {str(i) for i in inputs})
    return _digest(name, [asdict(c) for c in codes], [(s, Path(s).read_bytes().hex()) for s in sources], _engine(),
                   _versions(), _environment(reader), machine(), options or {})


def load(run_key: str, files: Path | None = None) -> ProgramRun | None:
    """The run recorded under `run_key`, marked as reused (its files copied into `files`), or None."""
    record = store() / f"{run_key}.json"
    if not record.exists():
        return None
    run = ProgramRun.from_json(record.read_text())
    if files is not None:
        kept = store() / f"{run_key}.files"
        if not kept.is_dir():
            return None
        shutil.copytree(kept, files, dirs_exist_ok=True)
    run.reused = True
    return run


def save(run_key: str, run: ProgramRun, files: Path | None = None) -> bool:
    """Record `run` under `run_key` (with a copy of the folder `files`) if every piece passed or was skipped by its
    condition; returns whether it was recorded. The record appears whole or not at all."""
    complete = run.finished and not run.timed_out and len(run.results) == len(run.codes)
    if not complete or any(r.status == "failed" for r in run.results):
        return False
    store().mkdir(parents=True, exist_ok=True)
    if files is not None:
        kept = store() / f"{run_key}.files"
        partial = kept.with_name(f".{kept.name}.{os.getpid()}.tmp")
        shutil.rmtree(partial, ignore_errors=True)
        shutil.copytree(files, partial)
        shutil.rmtree(kept, ignore_errors=True)
        os.replace(partial, kept)
    write_atomically(store() / f"{run_key}.json", run.to_json())
    return True


NOTEBOOK_CACHE = ROOT / ".cache" / "mkdocs-jupyter"  # mkdocs-jupyter's cache_dir, as mkdocs.yml leaves it


def notebook_cache(asked: bool, cache: Path = NOTEBOOK_CACHE) -> bool:
    """Before the site build: keep the executed notebooks' cache if reuse is allowed and it was made with this engine,
    these versions, environment and machine; otherwise empty it, so every notebook runs again. Returns whether it
    was kept."""
    stamp = cache / "key.txt"
    current = _digest(_engine(), _versions(), _environment(False), machine())
    if enabled(asked) and stamp.exists() and stamp.read_text() == current:
        return True
    shutil.rmtree(cache, ignore_errors=True)
    cache.mkdir(parents=True)
    stamp.write_text(current)
    return False


@functools.cache
def _assets(site: Path) -> str:
    files = sorted(f for f in (site / "assets").rglob("*") if f.is_file())
    return _digest(*[(str(f.relative_to(site)), f.read_bytes().hex()) for f in files])


def site_check_key(site: Path, page: str, *parameters: str) -> str:
    """The key of a check of one built page (`page` as a URL relative to the site, "" for the home page)."""
    html = site / page / "index.html"
    return _digest("site check", page, html.read_bytes().hex(), _assets(site), _versions(), machine(), parameters)


def _checks() -> Path:
    return store().with_name("checks")


def check_passed(check_key: str) -> bool:
    """Whether a check with this key passed before (see site_check_key)."""
    return (_checks() / check_key).exists()


def record_pass(check_key: str) -> None:
    _checks().mkdir(parents=True, exist_ok=True)
    (_checks() / check_key).touch()
