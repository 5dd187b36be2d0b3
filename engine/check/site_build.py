"""The one site build of a test session: `mkdocs build --strict`, started once, waited for by every test that reads it.

With `pytest --with-site` (what `make test` runs), the session starts the build in the background as soon as it
begins, so it runs while the page programs run; the reader's-view checks, the browser tests, the link check and the
mike deployment all wait for it and read the same built site. Without the option, the first test that needs the
site builds it in its own process.

The build's log and exit status are written next to the site, in build.json (atomically), when it finishes. The build
ends at the session's deadline (session.py, --session-timeout) at the latest: a notebook whose execution by
mkdocs-jupyter hangs is killed with the build, and build.json says the deadline was reached. The build runs in a
process group of its own, in the runner's registry (engine.run.program), so an interrupted session kills it too.
"""

from __future__ import annotations

import json
import subprocess
import sys
import threading
import time
from pathlib import Path

from ..run import program
from ..settings import ROOT
from . import session

GRACE = 30.0  # seconds past the session's deadline to wait for build.json: the build stops at the deadline, then says so

def command(site: Path) -> list[str]:
    return [str(Path(sys.executable).with_name("mkdocs")), "build", "--strict", "--site-dir", str(site)]


def start(site: Path) -> threading.Thread:
    """Build into `site` in a thread of this process; build.json appears beside it when the build is done."""
    program.handle_signals()  # from this (the main) thread: an interrupted session kills the build too

    def build():
        started = time.perf_counter()
        status = {"returncode": None, "log": "", "seconds": 0.0, "deadline": None}
        try:
            with open(site.with_name("build.log"), "w+", errors="replace") as log:
                process = subprocess.Popen(command(site), cwd=ROOT, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                           stderr=log, start_new_session=True)
                program.track(process)
                try:
                    process.wait(timeout=max(0.0, session.remaining()))
                except subprocess.TimeoutExpired:
                    status["deadline"] = session.deadline_reached(
                        f"the site build into {site} (with the notebooks mkdocs-jupyter executes)")
                program.untrack(process)
                program.kill_group(process.pid)  # the build, or what it left running
                status["returncode"] = process.wait()
                log.seek(0)
                status["log"] = log.read()[-6000:] + (f"\n{status['deadline']}" if status["deadline"] else "")
        except Exception as error:  # noqa: BLE001 - the waiters get the reason instead of waiting for the deadline
            status["returncode"], status["log"] = -1, f"{status['log']}\nthe site build could not run: {error!r}"
        status["seconds"] = time.perf_counter() - started
        session.write_atomically(site.with_name("build.json"), json.dumps(status))

    thread = threading.Thread(target=build, name="site build", daemon=True)
    thread.start()
    return thread


def wait(site: Path) -> dict:
    """Block until the build into `site` has finished, or the session's deadline; its status (returncode, log,
    seconds)."""
    return json.loads(session.wait_for(site.with_name("build.json"), f"the site build into {site}", grace=GRACE))


def join(thread: threading.Thread, site: Path) -> str | None:
    """Wait for the build thread started by `start` (at the session's end); what went wrong, if it did not finish by
    the session's deadline."""
    thread.join(timeout=max(0.0, session.remaining()) + GRACE)
    if thread.is_alive():
        return session.deadline_reached(f"the site build into {site}")
    return json.loads(site.with_name("build.json").read_text()).get("deadline")
