"""The one site build of a test session: `mkdocs build --strict`, started once, waited for by every test that reads it.

With `pytest --with-site` (what `make test` runs), the session starts the build in the background as soon as it
begins, so it runs while the page programs run; the reader's-view checks, the browser tests, the link check and the
mike deployment all wait for it and read the same built site. Without the option, the first test that needs the
site builds it in its own process.

The build's log and exit status are written next to the site, in build.json, when it finishes.
"""

from __future__ import annotations

import json
import subprocess
import sys
import threading
import time
from pathlib import Path

from ..settings import ROOT
from .session import wait_for


def command(site: Path) -> list[str]:
    return [str(Path(sys.executable).with_name("mkdocs")), "build", "--strict", "--site-dir", str(site)]


def start(site: Path) -> threading.Thread:
    """Build into `site` in a thread of this process; build.json appears beside it when the build is done."""

    def build():
        started = time.perf_counter()
        result = subprocess.run(command(site), cwd=ROOT, capture_output=True, text=True)
        status = {"returncode": result.returncode, "log": result.stderr[-6000:], "seconds": time.perf_counter() - started}
        done = site.with_name("build.json")
        done.with_suffix(".tmp").write_text(json.dumps(status))
        done.with_suffix(".tmp").rename(done)

    thread = threading.Thread(target=build, name="site build", daemon=True)
    thread.start()
    return thread


def wait(site: Path, timeout: float = 1200) -> dict:
    """Block until the build into `site` has finished; its status (returncode, log, seconds)."""
    return json.loads(wait_for(site.with_name("build.json"), timeout, f"the site build into {site}"))
