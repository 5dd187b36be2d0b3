"""Tests of how the engine runs processes: no program outlives its run (nor what it started), no program writes into
the repository or the real home directory, every wait ends at the session's one deadline, a block's output is cut at
the output limit, and the records other processes wait for appear whole.

The fixture programs are a few lines that import nothing heavy, so each test takes a second or two. Some run in this
process through the runner (engine.run.program); the others run pytest on a page in a child process, as a
contributor would, and interrupt it or deselect part of it.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from engine.check import session, site_build
from engine.run import program
from engine.settings import COUNTS_VARIABLE, ROOT

WRITES_FILES = Path(__file__).parent / "fixtures" / "snippets" / "writes_files.py"
SLEEPER = '[sys.executable, "-c", "import time; time.sleep(120)"]'


def spawning(pids: Path, then: str = "") -> str:
    """A program that starts a child which sleeps for two minutes, writes `<its pid> <the child's pid>` into `pids`,
    then runs `then`."""
    return (f"import os, subprocess, sys, time\nchild = subprocess.Popen({SLEEPER})\n"
            f"with open({str(pids)!r}, 'a') as handle:\n"
            f"    handle.write(f'{{os.getpid()}} {{child.pid}}\\n')\n{then}\n")


def code(text: str) -> list[program.Code]:
    return [program.Code(text, "<test>", 1)]


def alive(pid: int) -> bool:
    """Whether process `pid` exists and has not ended (a zombie has ended: only its exit status is left)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except FileNotFoundError:
        return False
    except OSError:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return False
        return True
    return stat.rsplit(")", 1)[1].split()[0] not in ("Z", "X")


def gone(pids: list[int], within: float = 5.0) -> bool:
    deadline = time.monotonic() + within
    while any(alive(pid) for pid in pids):
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)
    return True


def written_pids(path: Path, lines: int = 1, within: float = 30.0) -> list[int]:
    """The pids the fixture programs wrote into `path`, once there are `lines` lines."""
    deadline = time.monotonic() + within
    while not path.exists() or len(path.read_text().splitlines()) < lines:
        assert time.monotonic() < deadline, f"the fixture programs did not write their pids into {path}"
        time.sleep(0.05)
    return [int(pid) for pid in path.read_text().split()]


def pytest_on(page: Path, *options: str) -> subprocess.Popen:
    """pytest on one page in a child process, as a contributor runs it in a terminal: a test session of its own (this
    one's GUIDE_SESSION_DIR is not passed on), in a process group of its own, as a terminal's command is. SIGINT gets
    its default disposition in the child, so Python turns it into KeyboardInterrupt even where this process was
    started in the background (a shell ignores SIGINT for a background job, and a child inherits that)."""
    own = {k: v for k, v in os.environ.items() if k not in (session.VARIABLE, COUNTS_VARIABLE)}
    return subprocess.Popen(
        [sys.executable, "-m", "pytest", "-c", str(ROOT / "pyproject.toml"), "--rootdir", str(ROOT), str(page),
         *options],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=own, start_new_session=True,
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )


@pytest.fixture
def pids(tmp_path):
    """The file the fixture programs write their pids into; whichever of them is still alive after the test (when the
    test failed) is killed then."""
    path = tmp_path / "pids"
    yield path
    for pid in map(int, path.read_text().split() if path.exists() else []):
        if alive(pid):
            os.kill(pid, signal.SIGKILL)


@pytest.fixture
def own_registry(monkeypatch):
    """An empty registry of running programs for this test, so that kill_all() and running() see its programs only."""
    monkeypatch.setattr(program, "_groups", {})


@pytest.fixture
def own_session(tmp_path, monkeypatch):
    """A session folder of this test's own, with a deadline `timeout` seconds away (this session's is left alone)."""

    def begin(timeout: float) -> Path:
        folder = tmp_path / "session"
        monkeypatch.setenv(session.VARIABLE, str(folder))
        monkeypatch.setenv(COUNTS_VARIABLE, str(folder / "counts.tsv"))
        session.begin(folder, timeout)
        return folder

    return begin


# ------------------------------------------------------------------------------------- no program outlives its run


@pytest.mark.parametrize("signum, workers", [(signal.SIGINT, False), (signal.SIGTERM, False), (signal.SIGINT, True)],
                         ids=["SIGINT", "SIGTERM", "Ctrl-C with two workers"])
def test_an_interrupted_session_kills_its_program_and_the_program_s_child(tmp_path, pids, signum, workers):
    """Ctrl-C (SIGINT) or a SIGTERM sent to pytest while a block runs: the program and the child it started die with
    the session, although they run in a process group of their own, which the terminal's Ctrl-C does not reach. With
    pytest-xdist workers, Ctrl-C reaches the controller and the workers (the terminal's process group), and the
    worker that started the program kills it."""
    page = tmp_path / "page.md"
    page.write_text("# Interrupted\n\n=== \"PyTorch\"\n\n    ```python\n"
                    + "".join(f"    {line}\n" for line in spawning(pids, "time.sleep(120)").splitlines())
                    + "    ```\n\n=== \"TensorFlow\"\n\n    ```python\n    x = 1\n    ```\n")
    run = pytest_on(page, *(["-n", "2", "--dist", "loadgroup"] if workers else []))
    try:
        started = written_pids(pids)
        if workers:
            os.killpg(run.pid, signum)
        else:
            run.send_signal(signum)
        output = run.communicate(timeout=60)[0]
    finally:
        run.kill()
    assert run.returncode != 0, output
    assert gone(started), f"still running after {signum.name} to pytest: {[p for p in started if alive(p)]}\n{output}"


def test_kill_all_kills_every_running_program_and_its_children(pids, own_registry):
    """The cleanup function itself: two programs that each left a child; kill_all() ends all four processes, removes
    the programs' folders, and each program's run then says it was stopped."""
    started = [program.start(f"test::{n}", code(spawning(pids, "time.sleep(120)")), timeout=60) for n in range(2)]
    processes = written_pids(pids, lines=2)
    folders = [running.folder for running in started]
    assert sorted(program.running()) == ["test::0", "test::1"]
    assert sorted(program.kill_all()) == ["test::0", "test::1"]
    assert gone(processes), [p for p in processes if alive(p)]
    assert program.running() == [] and not any(folder.exists() for folder in folders)
    assert all(running.wait().crash == program.STOPPED for running in started)


def test_a_program_whose_items_are_deselected_is_killed_when_the_session_ends(tmp_path, pids):
    """`-k PyTorch` on a page: its TensorFlow program starts with the PyTorch one (a page's programs start together)
    but none of its items is collected, so nothing waits for it; the end of the session kills it and its child."""
    page = tmp_path / "page.md"
    wait_for_pids = f"import os, time\nwhile not os.path.exists({str(pids)!r}):\n    time.sleep(0.05)"
    page.write_text("# Deselected\n\n=== \"PyTorch\"\n\n    ```python\n"
                    + "".join(f"    {line}\n" for line in wait_for_pids.splitlines())
                    + "    ```\n\n=== \"TensorFlow\"\n\n    ```python\n"
                    + "".join(f"    {line}\n" for line in spawning(pids, "time.sleep(120)").splitlines())
                    + "    ```\n")
    run = pytest_on(page, "-k", "PyTorch")
    try:
        output = run.communicate(timeout=60)[0]
    finally:
        run.kill()
    assert run.returncode == 0, output
    assert "deselected" in output
    started = written_pids(pids)
    assert gone(started), f"the deselected program still runs: {[p for p in started if alive(p)]}\n{output}"


def test_a_child_left_behind_by_a_finished_program_is_killed(pids):
    """A program that ends while a child it started and a forked copy of itself still run: both are killed, and the
    forked copy, which holds the descriptors the program was started with, does not keep the runner waiting."""
    fork = "forked = os.fork()\nif forked == 0:\n    time.sleep(120)\n    os._exit(0)\nprint(forked)"
    run = program.start("test::leftover", code(spawning(pids, fork)), timeout=20).wait()
    assert run.finished and not run.timed_out and run.seconds < 10, run
    left = written_pids(pids) + [int(run.results[0].stdout)]
    assert gone(left), [p for p in left if alive(p)]


def test_a_hung_program_is_stopped_at_its_timeout_with_its_child(pids, own_registry):
    running = program.start("test::hung", code(spawning(pids, "time.sleep(120)")), timeout=2)
    run = running.wait()
    assert run.timed_out and 2 <= run.seconds < 10 and run.results == []
    assert gone(written_pids(pids))
    assert running.folder is None and program.running() == []


# ------------------------------------------------------------------------------------ one deadline for every wait


def test_every_wait_ends_at_the_session_deadline_with_a_message(own_session, tmp_path):
    """A run record that never comes: the wait ends at the session's deadline and says what did not finish and which
    option sets the deadline. The deadline is the session's, not the wait's: a second wait, once it has passed, ends
    at once, and another process of the session (a pytest-xdist worker) reads the same deadline."""
    folder = own_session(timeout=1.5)
    record = session.run_record("docs/x.md::PyTorch")
    started = time.monotonic()
    with pytest.raises(TimeoutError) as first:
        session.wait_for(record, f"the program run recorded in {record.name}")
    assert 1 <= time.monotonic() - started < 5
    assert str(first.value) == (
        "the program run recorded in docs_x.md_PyTorch.json did not finish: the session deadline was reached (1.5 s "
        "after the session started; every wait of a session ends then, --session-timeout to change it)")
    started = time.monotonic()
    with pytest.raises(TimeoutError, match="session deadline was reached"):
        session.wait_for(folder / "build.json", "the site build")
    assert time.monotonic() - started < 0.5
    worker = subprocess.run([sys.executable, "-c", "from engine.check import session; print(session.deadline()[0])"],
                            capture_output=True, text=True, env={**os.environ, session.VARIABLE: str(folder)})
    assert float(worker.stdout) == session.deadline()[0], worker.stderr


def test_a_hung_site_build_ends_at_the_session_deadline(own_session, monkeypatch, pids):
    """A build that never ends (as when a notebook mkdocs-jupyter executes hangs; here a fake build command that
    starts a child and sleeps): at the session's deadline the build and its child are killed, build.json says why,
    every waiter reads that, and the session's join names it."""
    folder = own_session(timeout=2)
    fake_build = spawning(pids, "time.sleep(120)")
    monkeypatch.setattr(site_build, "command", lambda site: [sys.executable, "-c", fake_build])
    started = time.monotonic()
    thread = site_build.start(folder / "site")
    status = site_build.wait(folder / "site")
    assert 2 <= time.monotonic() - started < 10
    assert status["returncode"] != 0
    message = (f"the site build into {folder / 'site'} (with the notebooks mkdocs-jupyter executes) did not finish: "
               "the session deadline was reached (2 s after the session started; every wait of a session ends then, "
               "--session-timeout to change it)")
    assert status["log"].endswith(message) and status["deadline"] == message
    assert site_build.join(thread, folder / "site") == message
    assert gone(written_pids(pids))


# --------------------------------------------------------------------------------------------- outputs and records


def test_a_huge_output_is_cut_at_the_output_limit_with_a_message():
    text = "import os, sys\nsys.stdout.write('x' * 5000)\nos.write(2, b'e' * 3000)\n"
    run = program.start("test::output", code(text), timeout=30, output_limit=1000).wait()
    result = run.results[0]
    assert result.stdout == "x" * 1000 + (
        "\n[output cut: this piece wrote 5,000 bytes to stdout, more than the output limit of 1,000 bytes "
        "(--output-limit); the last 4,000 bytes were dropped]\n")
    assert result.stderr.startswith("e" * 1000 + "\n[output cut: this piece wrote 3,000 bytes to stderr")
    assert "the last 2,000 bytes were dropped" in result.stderr
    assert program.OUTPUT_LIMIT == 1_000_000


def test_the_output_limit_option_reaches_the_blocks(tmp_path):
    page = tmp_path / "page.md"
    page.write_text("# Loud\n\n```python\nprint('y' * 2000)\n```\n")
    run = pytest_on(page, "--output-limit", "100", "--framework", "pytorch")
    output = run.communicate(timeout=60)[0]
    assert "the block printed output that the page does not show" in output
    assert ("this piece wrote 2,001 bytes to stdout, more than the output limit of 100 bytes (--output-limit); the "
            "last 1,901 bytes were dropped") in output


def test_a_record_is_written_whole_or_not_at_all(tmp_path):
    """A write that fails half-way leaves the old record (or none) and no temporary file; a reader polling while
    records are rewritten only ever reads a whole record, and `*.json` never matches the temporary file."""
    record = tmp_path / "record.json"
    with pytest.raises(UnicodeEncodeError):
        session.write_atomically(record, '{"half": "written' + "\udc80")
    assert list(tmp_path.iterdir()) == []
    session.write_atomically(record, '{"n": -1}')
    with pytest.raises(UnicodeEncodeError):
        session.write_atomically(record, '{"n": 0, "half": "written' + "\udc80")
    assert record.read_text() == '{"n": -1}' and list(tmp_path.iterdir()) == [record]

    done = threading.Event()

    def writer():
        for n in range(40):
            session.write_atomically(record, json.dumps({"n": n, "data": "x" * 1_000_000}))
        done.set()

    thread = threading.Thread(target=writer)
    thread.start()
    reads = 0
    while not done.is_set():
        assert json.loads(record.read_text())["n"] >= -1
        assert [p.name for p in tmp_path.glob("*.json")] == ["record.json"]
        reads += 1
    thread.join()
    assert reads > 1 and json.loads(record.read_text())["n"] == 39 and list(tmp_path.iterdir()) == [record]


# ------------------------------------------------------------------------- nothing written outside its own folder


def section(path: Path, name: str) -> program.Code:
    lines = path.read_text().splitlines(keepends=True)
    first = lines.index(f"# --8<-- [start:{name}]\n") + 1
    last = lines.index(f"# --8<-- [end:{name}]\n")
    return program.Code("".join(lines[first:last]), str(path), first + 1)


@pytest.mark.parametrize("reader", [False, True], ids=["engine environment", "reader environment"])
def test_a_program_writes_nothing_into_the_repository_or_the_real_home(reader):
    """A program that writes next to its own __file__, into its working directory, into ~, ~/.keras and the cache:
    every file lands in the program's own temporary folder, which is removed after, while __file__ still names the
    snippet file and a traceback its real path and line. Nothing new appears in the repository or the real home."""
    real_home = Path.home()
    watched = [WRITES_FILES.with_name("written_by_a_program.txt"), ROOT / "written_by_a_program.txt",
               real_home / "written_by_a_program.txt", real_home / ".keras" / "written_by_a_program.txt",
               real_home / ".cache" / "written_by_a_program.txt"]
    before = sorted(p.name for p in WRITES_FILES.parent.iterdir())
    try:
        running = program.start(f"test::writes::{'reader' if reader else 'engine'}", [section(WRITES_FILES, "write"), section(WRITES_FILES, "fail")],
                                timeout=30, reader=reader)
        folder = running.folder
        run = running.wait()
        assert [r.status for r in run.results] == ["passed", "failed"], run
        report = json.loads(run.results[0].stdout)
        assert sorted(p.name for p in WRITES_FILES.parent.iterdir()) == before
        assert [p for p in watched if p.exists()] == []
        assert all(Path(path).is_relative_to(folder) for path in report["written"].values()), report
        assert all(Path(path).is_relative_to(folder / "home") for path in report["variables"].values()), report
        assert report["file"] == str(folder / "tree" / WRITES_FILES.relative_to(ROOT))
        assert report["cwd"] == str(folder / "work") and report["no byte code"] == 1
        assert not folder.exists()
        fail_line = section(WRITES_FILES, "fail").first_line
        assert f'File "{WRITES_FILES}", line {fail_line}, in <module>' in run.results[1].error
        assert 'raise RuntimeError("the traceback names this file")' in run.results[1].error
    finally:
        for path in watched:  # if the guarantee broke, leave nothing behind either
            path.unlink(missing_ok=True)
