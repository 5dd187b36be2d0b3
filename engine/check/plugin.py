"""The pytest plugin: every page under docs/ becomes a set of tests.

    pytest docs/tensors.md                    check one page
    pytest docs/tensors.md --update-outputs   rewrite its output blocks from a real run
    pytest --with-site                        also build the site once and check every page as a reader sees it

For each page it collects a lint item, then one program per framework (`docs/x.md::PyTorch`) holding one item per
Python block (`docs/x.md::PyTorch::line 23`) and its version stamp, and one item per `<!--guide:same-output-->`
marker. The first time a block of a page is tested, all the page's programs start at once, each in its own child
process; each block then reports its own result. After a failing block, the rest of its program is reported as
skipped, "not run", naming the block that failed. With --with-site, `docs/x.md::PyTorch::reader` checks the built
page and its downloads against the same run (see reader.py); those items, and the site tests, run last.

The folder docs/ holds one more item, the snippets lint (`docs::snippets`): every file under snippets/ is included
by exactly one page.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from .. import accounting, verified
from ..page import lint
from ..page.errors import PageError, relative
from ..page.model import Block, Page, read_page
from ..page.outputs import write_outputs
from ..run import program
from ..run.compare import explain_difference, outputs_match
from ..settings import COUNTS_VARIABLE, DOCS, FRAMEWORKS, ROOT, program_environment, without_startup_lines
from . import drift, reader, reuse, session, shards, site_build

GPU_CHECKS = {
    "PyTorch": "import torch, sys; sys.exit(0 if torch.cuda.is_available() else 1)",
    "TensorFlow": "import tensorflow as tf, sys; sys.exit(0 if tf.config.list_physical_devices('GPU') else 1)",
}
runs_key = pytest.StashKey[dict]()  # (page path, framework) -> program.Running, then ProgramRun
printed_key = pytest.StashKey[dict]()  # page -> {block line: stdout}, for --update-outputs
keys_key = pytest.StashKey[dict]()  # program name -> its key, for a program that runs and may be recorded (--reuse)


def pytest_addoption(parser):
    group = parser.getgroup("guide", "executable guide")
    group.addoption("--update-outputs", action="store_true", help="rewrite every output block from a real run")
    group.addoption("--framework", choices=["pytorch", "tensorflow"], help="run only this framework's programs")
    group.addoption("--require-gpu", action="store_true", help="fail unless the selected frameworks see a GPU")
    group.addoption("--program-timeout", type=float, default=300.0, help="seconds one program may run (default 300)")
    group.addoption("--session-timeout", type=float, default=session.TIMEOUT,
                    help="seconds from the session's start after which every wait (run records, the site build) ends "
                         f"(default {session.TIMEOUT:g})")
    group.addoption("--output-limit", type=int, default=program.OUTPUT_LIMIT,
                    help=f"bytes of stdout, and of stderr, kept of each block (default {program.OUTPUT_LIMIT})")
    group.addoption("--rtol", type=float, default=1e-6, help="relative tolerance for numbers in outputs (default 1e-6)")
    group.addoption("--atol", type=float, default=0.0, help="absolute tolerance for numbers in outputs (default 0)")
    group.addoption("--with-site", action="store_true",
                    help="build the site once, in the background, and check every page as a reader sees it")
    group.addoption("--drift-report", type=Path, metavar="FILE",
                    help="the versions matrix: record every block's outcome (same, differs, fails) in FILE "
                         "(make test-versions)")
    group.addoption("--reuse", action="store_true",
                    help="reuse the recorded run of every program whose code, snippet files, engine, versions, environment "
                         "and machine are unchanged since it last passed (make test; never when CI is set; see reuse.py)")
    group.addoption("--shard", metavar="K/N",
                    help="run the K-th of N shards: its share of the pages and test files, balanced by "
                         "tests/durations.json, and no site tests (shards.py; make test SHARDS=N SHARD=K); with "
                         "--site-only, its share of the site tests (make test-site SHARDS=N SHARD=K)")
    group.addoption("--site-only", action="store_true",
                    help="with --with-site: only the site build and the site tests (browser, accessibility, links, "
                         "mike), which need no program run (make test-site)")
    group.addoption("--reader-only", action="store_true",
                    help="with --with-site and --records: only the site build and the reader's-view checks, against "
                         "the program runs the shards recorded (make test-reader-view)")
    group.addoption("--records", type=Path, metavar="DIR",
                    help="a shard writes its program runs into DIR/shard-K/; --reader-only reads every shard's from DIR")
    group.addoption("--record-durations", type=Path, metavar="FILE",
                    help="write the seconds each page and test file took into FILE (make durations)")
    group.addoption("--reader-environment", action="store_true",
                    help="run the programs in a reader's plain shell (all cores, no TF_* variables) instead of the "
                         "engine's environment; TensorFlow's start-up lines on stderr are then allowed")


def selected_frameworks(config) -> list[str]:
    choice = config.getoption("framework")
    return [f for f in FRAMEWORKS if choice is None or f.lower() == choice]


def is_worker(config) -> bool:
    return hasattr(config, "workerinput")


def pytest_configure(config):
    config.stash[runs_key] = {}
    config.stash[printed_key] = {}
    config.stash[keys_key] = {}
    config.addinivalue_line("markers", "xdist_group(name): run these tests on the same pytest-xdist worker")
    config.addinivalue_line("markers", "site(first=False): the test reads the built site (it waits for the session's build); "
                            "first=True: it starts before the other site tests")
    if is_worker(config) or session.VARIABLE in os.environ:
        return
    # The first process of the session: everything the processes share lives in one folder (session.py).
    config._guide_session = Path(tempfile.mkdtemp(prefix="guide-session-"))
    session.begin(config._guide_session, config.getoption("session_timeout"))
    if config.getoption("reader_only"):
        _load_shard_records(config)
    if config.getoption("with_site") and not config.getoption("collectonly"):
        reuse.notebook_cache(config.getoption("reuse"))
        config._guide_build = site_build.start(session.site())


def _load_shard_records(config) -> None:
    """--reader-only: the shards' program runs become this session's records, each program recorded by one shard."""
    folder = config.getoption("records")
    if folder is None or not config.getoption("with_site"):
        raise pytest.UsageError("--reader-only needs --with-site and --records DIR (the folder the shards wrote into)")
    found: dict[str, list[Path]] = {}
    for record in sorted(folder.glob("shard-*/*.json")):
        found.setdefault(record.name, []).append(record)
    twice = {name: [p.parent.name for p in paths] for name, paths in found.items() if len(paths) > 1}
    if twice:
        raise pytest.UsageError(f"--records {folder}: programs recorded by more than one shard (a stale shard folder?): "
                                + "; ".join(f"{name} in {', '.join(where)}" for name, where in sorted(twice.items())))
    for name, (record,) in found.items():
        shutil.copyfile(record, session.directory() / "runs" / name)


def pytest_sessionstart(session):
    if is_worker(session.config) or not session.config.getoption("require_gpu"):
        return
    for framework in selected_frameworks(session.config):
        check = subprocess.run([sys.executable, "-c", GPU_CHECKS[framework]], env=program_environment())
        if check.returncode != 0:
            pytest.exit(f"--require-gpu: {framework} sees no GPU on this machine", returncode=1)


def named_paths(config) -> set[Path]:
    return {Path(arg.split("::")[0]).resolve() for arg in config.args}


def pytest_collect_file(file_path: Path, parent):
    """Pages under docs/ are collected; any other Markdown file only when named on the command line (fixtures)."""
    if file_path.suffix != ".md":
        return None
    if DOCS in file_path.resolve().parents or file_path.resolve() in named_paths(parent.config):
        return PageFile.from_parent(parent, path=file_path)
    return None


def pytest_collect_directory(path: Path, parent):
    """docs/ holds the snippets lint of its pages and the snippets/ folder beside it; so does any other folder with a
    snippets/ folder beside it, when named on the command line (a fixture tree)."""
    fixture_tree = path.parent.resolve() != ROOT and (path.parent / "snippets").is_dir()  # not tests/ beside docs/
    if path.resolve() == DOCS or (path.resolve() in named_paths(parent.config) and fixture_tree):
        return PagesFolder.from_parent(parent, path=path)
    return None


def pytest_collection_modifyitems(session, config, items):
    """The reader's-view checks and the site tests run last, so the page programs run while the site builds. Of those,
    a test marked `site(first=True)` (the mike deployment's, the longest) goes first, so that the other worker runs the
    rest beside it instead of waiting at the end for it."""
    def rank(item):
        marker = item.get_closest_marker("site")
        if marker is not None and marker.kwargs.get("first"):
            return 1
        return 2 if isinstance(item, ReaderItem) or marker is not None else 0
    items.sort(key=rank)  # stable: within each rank, the collection order
    if config.getoption("shard") or config.getoption("site_only") or config.getoption("reader_only"):
        _select(config, items, lambda item: rank(item) > 0)


def _select(config, items, reads_site) -> None:
    """--shard K/N keeps this shard's units and no site test; --site-only keeps only the site tests (with --shard, this
    share of them); --reader-only keeps only the reader's-view checks (shards.py)."""
    if config.getoption("site_only") and config.getoption("reader_only"):
        raise pytest.UsageError("--site-only and --reader-only select different tests: give one of them")
    if config.getoption("site_only") and not config.getoption("with_site"):
        raise pytest.UsageError("--site-only needs --with-site (the site tests read the session's build)")
    try:
        shard, count = shards.parse(config.getoption("shard")) if config.getoption("shard") else (1, 1)
    except ValueError as err:
        raise pytest.UsageError(str(err)) from None
    if config.getoption("reader_only"):
        keep = [item for item in items if isinstance(item, ReaderItem)]
    elif config.getoption("site_only"):
        keep = _share([item for item in items if reads_site(item) and not isinstance(item, ReaderItem)], shard, count)
    else:
        candidates = [item for item in items if not reads_site(item)]
        assignment = shards.assign([shards.unit(i.nodeid) for i in candidates], count, shards.durations())
        keep = [item for item in candidates if assignment[shards.unit(item.nodeid)] == shard]
    kept = set(map(id, keep))
    config.hook.pytest_deselected(items=[item for item in items if id(item) not in kept])
    items[:] = keep


def _share(site_tests: list, shard: int, count: int) -> list:
    """This share of the site tests: each test a unit, except that the tests of one pytest-xdist group (which share a
    session fixture, such as the mike deployment) stay together."""
    def unit(item):
        marker = item.get_closest_marker("xdist_group")
        name = marker and (marker.kwargs.get("name") or (marker.args[0] if marker.args else None))
        return name or shards.unit(item.nodeid, site_test=True)

    members: dict[str, list[str]] = {}
    for item in site_tests:
        members.setdefault(unit(item), []).append(shards.unit(item.nodeid, site_test=True))
    assignment = shards.assign(list(members), count, shards.group_seconds(members, shards.durations()))
    return [item for item in site_tests if assignment[unit(item)] == shard]


class GuideFailure(Exception):
    """A failure whose message is the whole report: no pytest traceback is added. `differs`: the block ran but
    printed (or logged) something else, as opposed to failing to run."""

    def __init__(self, message: str, differs: bool = False):
        super().__init__(message)
        self.differs = differs


class GuideItem(pytest.Item):
    def repr_failure(self, excinfo, style=None):
        if isinstance(excinfo.value, (GuideFailure, PageError)):
            return str(excinfo.value)
        return super().repr_failure(excinfo)

    def reportinfo(self):
        return self.path, None, self.name


class PageFile(pytest.File):
    def collect(self):
        for node in self._collect():
            if not isinstance(node, ReaderItem):  # a page's items run on one pytest-xdist worker, with its programs
                node.add_marker(pytest.mark.xdist_group(name=relative(self.path)))
            yield node

    def _collect(self):
        try:
            page = read_page(self.path)
        except PageError as err:
            yield BrokenPage.from_parent(self, name="read", error=err)
            return
        yield PageLint.from_parent(self, name="lint", page=page)
        for framework in page.frameworks():
            if framework in selected_frameworks(self.config):
                yield Program.from_parent(self, name=framework, page=page, framework=framework)
        for marker_line, set_id in page.same_output_sets:
            yield SameOutput.from_parent(self, name=f"same output, line {marker_line}", page=page, set_id=set_id)
        if self.config.getoption("with_site") and DOCS in self.path.resolve().parents:
            for framework in page.frameworks():
                if framework in selected_frameworks(self.config):
                    yield ReaderItem.from_parent(self, name=f"{framework}::reader", page=page, framework=framework)


class PagesFolder(pytest.Dir):
    def collect(self):
        yield SnippetsLint.from_parent(self, name="snippets")
        yield from super().collect()


class SnippetsLint(GuideItem):
    """Each file under snippets/ is included by exactly one page (engine.page.lint.snippet_problems)."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.extra_keyword_matches.add("lint")  # -k lint selects it with the pages' lint items

    def runtest(self):
        problems = lint.snippet_problems(self.path, self.path.parent / "snippets")
        if problems:
            raise GuideFailure("\n".join(map(str, problems)))


class BrokenPage(GuideItem):
    def __init__(self, *, error: PageError, **kwargs):
        super().__init__(**kwargs)
        self.error = error

    def runtest(self):
        raise self.error


class PageLint(GuideItem):
    def __init__(self, *, page: Page, **kwargs):
        super().__init__(**kwargs)
        self.page = page

    def runtest(self):
        problems = lint.problems(self.page)
        if problems:
            raise GuideFailure("\n".join(map(str, problems)))


def program_name(page: Page, framework: str) -> str:
    return f"{relative(page.path)}::{framework}"


def page_run(config, page: Page, framework: str) -> program.ProgramRun:
    """The run of one of the page's programs. The first call starts every selected program of the page at once, or,
    with --reuse, takes the recorded run of each one whose key is unchanged (reuse.py)."""
    runs = config.stash[runs_key]
    if (page.path, framework) not in runs:
        for other in page.frameworks():
            if other in selected_frameworks(config):
                runs[page.path, other] = _start(config, program_name(page, other),
                                                [program.Code(b.code, str(b.source), b.source_line, b.skipif)
                                                 for b in page.program(other) if b.runs])
    found = runs[page.path, framework]
    if isinstance(found, program.Running):
        found = runs[page.path, framework] = found.wait()
        if found.name in config.stash[keys_key]:
            reuse.save(config.stash[keys_key].pop(found.name), found)
        _record_for_session(found)
    return found


def _record_for_session(run: program.ProgramRun) -> None:
    """The session's record of a program run, for the reader's-view checks (which may run in another process)."""
    if session.VARIABLE in os.environ:
        session.write_atomically(session.run_record(run.name), run.to_json())


def _start(config, name: str, codes: list[program.Code]) -> program.Running | program.ProgramRun:
    reader_environment = config.getoption("reader_environment")
    options = {"timeout": config.getoption("program_timeout"), "output_limit": config.getoption("output_limit")}
    if reuse.enabled(config.getoption("reuse")) and not config.getoption("update_outputs"):
        run_key = reuse.key(name, codes, reader=reader_environment, options=options)
        recorded = reuse.load(run_key)
        if recorded is not None:
            accounting.record("reuse", name, os.getpid())
            _record_for_session(recorded)
            return recorded
        config.stash[keys_key][name] = run_key
    return program.start(name, codes, options["timeout"], reader=reader_environment, output_limit=options["output_limit"])


class Program(pytest.Collector):
    """One framework's program on a page: its blocks run in one child process, in page order."""

    def __init__(self, *, page: Page, framework: str, **kwargs):
        super().__init__(**kwargs)
        self.page, self.framework = page, framework
        self.blocks = page.program(framework)
        self.positions = {i: n for n, i in enumerate(i for i, b in enumerate(self.blocks) if b.runs)}

    def collect(self):
        for position, block in enumerate(self.blocks):
            yield BlockItem.from_parent(self, name=f"line {block.line}", position=position, block=block)
        if DOCS in self.page.path.parents:  # the site's pages carry the stamp; fixture pages need no framework
            yield VersionStamp.from_parent(self, name="versions")

    def run(self) -> program.ProgramRun:
        return page_run(self.config, self.page, self.framework)

    def result(self, position: int) -> program.Result | None:
        """The result of the block at `position` in this program, if it ran."""
        index = self.positions.get(position)
        results = self.run().results
        return results[index] if index is not None and index < len(results) else None


class BlockItem(GuideItem):
    def __init__(self, *, position: int, block: Block, **kwargs):
        super().__init__(**kwargs)
        self.position, self.block = position, block

    @property
    def label(self) -> str:
        return f"{self.block.where} [{self.parent.framework}]"

    def runtest(self):
        try:
            self._check()
        except GuideFailure as failure:
            if self.config.getoption("drift_report"):
                status = "differs" if failure.differs else "fails"
                self.user_properties.append(drift.outcome(self.block.line, status, str(failure)))
            raise
        if self.config.getoption("drift_report"):
            self.user_properties.append(drift.outcome(self.block.line, "same"))

    def _check(self):
        block, program_ = self.block, self.parent
        if not block.runs:
            pytest.skip(f"{relative(block.page)}:{block.line}: {block.skip_reason}")
        run = program_.run()
        self.user_properties += [("program_seconds", run.seconds), ("reused", run.reused),
                                 ("gpu", any(run.environment.get("gpu", {}).values()))]
        for position, earlier in enumerate(program_.blocks[: self.position]):
            result = program_.result(position)
            if earlier.runs and (result is None or result.status == "failed"):
                pytest.skip(f"not run: the block at {relative(earlier.page)}:{earlier.line} failed before it")
        result = program_.result(self.position)
        if result is None and run.timed_out:
            raise GuideFailure(f"{self.label}: timed out after {self.config.getoption('program_timeout'):g} s "
                               "(the whole program's limit, --program-timeout); this block was still running")
        if result is None:
            raise GuideFailure(f"{self.label}: the program died without reporting this block:\n{run.crash}")
        if result.status == "failed":
            printed = f"\nIt printed before failing:\n{result.stdout}" if result.stdout.strip() else ""
            raise GuideFailure(f"{self.label}: the block raised an exception\n{result.error}{printed}")
        if result.status == "skipped":
            pytest.skip(f"{relative(block.page)}:{block.line}: {block.skip_reason}")
        stderr = without_startup_lines(result.stderr) if self.config.getoption("reader_environment") else result.stderr
        if stderr.strip() and not block.stderr_reason:
            raise GuideFailure(f"{self.label}: the block wrote to stderr (a warning or a log line a reader would see):\n"
                               f"{stderr.rstrip()}\nFix its cause, or put "
                               '<!--guide:stderr(reason="...")--> on the line before the block if a reader should see it',
                               differs=True)
        if self.config.getoption("update_outputs"):
            self.config.stash[printed_key].setdefault(block.page, {})[block.line] = result.stdout
            return
        self.check_output(result.stdout)

    def check_output(self, printed: str):
        block = self.block
        if block.expected is None:
            if printed.strip():
                raise GuideFailure(f"{self.label}: the block printed output that the page does not show "
                                   f"(run `make outputs PAGE={relative(block.page)}`):\n{printed}", differs=True)
            return
        if not outputs_match(block.expected, printed, self.config.getoption("rtol"), self.config.getoption("atol")):
            raise GuideFailure(
                f"{relative(block.page)}:{block.expected_line}: the output shown differs from what the block at line "
                f"{block.line} printed [{self.parent.framework}]\n{explain_difference(block.expected, printed)}\n"
                f"(if the code changed on purpose: `make outputs PAGE={relative(block.page)}`)", differs=True
            )


class VersionStamp(GuideItem):
    """The framework versions this program ran with are the ones docs/verified.json (the site's footer) names."""

    def runtest(self):
        if self.config.getoption("update_outputs"):
            pytest.skip("docs/verified.json is rewritten from this run")
        if self.config.getoption("drift_report"):
            pytest.skip("newer releases are checked: the versions differ from the stamp on purpose")
        problem = verified.problem(self.parent.run().environment.get("versions", {}))
        if problem:
            raise GuideFailure(f"{program_name(self.parent.page, self.parent.framework)}: {problem}")


class SameOutput(GuideItem):
    """`<!--guide:same-output-->`: both tabs of the set show the same output, each verified by its own block."""

    def __init__(self, *, page: Page, set_id: int, **kwargs):
        super().__init__(**kwargs)
        self.page, self.set_id = page, set_id

    def runtest(self):
        if self.config.getoption("update_outputs"):
            pytest.skip("checked on the next run, once the outputs are written")
        shown = {b.framework: b for b in self.page.blocks if b.tab_set == self.set_id}
        missing = [f for f in FRAMEWORKS if f not in shown or shown[f].expected is None]
        where = f"{relative(self.page.path)}:{self.name.rsplit(' ', 1)[1]}"
        if missing:
            raise GuideFailure(f"{where}: same-output marker, but the {' and '.join(missing)} tab shows no output")
        torch_block, tf_block = shown["PyTorch"], shown["TensorFlow"]
        if not outputs_match(torch_block.expected, tf_block.expected):
            raise GuideFailure(f"{where}: the two tabs are marked as printing the same thing, but they differ\n"
                               f"{explain_difference(torch_block.expected, tf_block.expected)}")


class ReaderItem(GuideItem):
    """The page as a reader meets it on the built site: see reader.py."""

    def __init__(self, *, page: Page, framework: str, **kwargs):
        super().__init__(**kwargs)
        self.page, self.framework = page, framework
        self.add_marker(pytest.mark.xdist_group(name=f"reader:{relative(page.path)}"))

    def runtest(self):
        if self.config.getoption("update_outputs"):
            pytest.skip("checked on the next run, once the outputs are written")
        status = site_build.wait(session.site())
        if status["returncode"] != 0:
            raise GuideFailure(f"the site build failed, so the reader's view cannot be checked:\n{status['log']}")
        record = session.run_record(program_name(self.page, self.framework))
        if self.config.getoption("reader_only") and not record.exists():
            raise GuideFailure(f"{program_name(self.page, self.framework)}: no shard recorded a run of this program "
                               f"(--records {self.config.getoption('records')}): every shard must run before the "
                               "reader's-view job")
        run = program.ProgramRun.from_json(session.wait_for(record, f"the program run recorded in {record.name}"))
        problems = reader.problems(session.site(), relative(self.page.path), self.framework, run)
        if problems:
            raise GuideFailure("\n".join(problems))


def pytest_runtest_logreport(report):
    """With --drift-report, the first process keeps every block item's call report (the workers' too); it adds up
    every test's seconds by page or test file (a site test: by test), for --record-durations."""
    if report.when == "call" and any(name == drift.PROPERTY for name, _ in report.user_properties):
        _drift_reports.append(report)
    if not report.nodeid.split("@", 1)[0].endswith("::reader"):  # the reader's-view job is never split
        name = shards.unit(report.nodeid, site_test="site" in report.keywords)
        _seconds[name] = _seconds.get(name, 0.0) + report.duration


_drift_reports: list = []
_seconds: dict[str, float] = {}


def pytest_sessionfinish(session, exitstatus):
    config = session.config
    program.kill_all(programs_only=True)  # programs started and never waited for (their items deselected)
    if config.getoption("update_outputs"):
        _write_outputs(config)
    if is_worker(config) or not hasattr(config, "_guide_session"):
        return
    if config.getoption("drift_report"):
        versions, builds = {}, {}
        for record in session_runs():
            versions.update(record.environment.get("versions", {}))
            builds.update(record.environment.get("builds", {}))
        drift.write(config.getoption("drift_report"), _drift_reports, versions,
                    "reader" if config.getoption("reader_environment") else "engine", builds)
    if config.getoption("record_durations"):
        shards.write_durations(config.getoption("record_durations"), _seconds)
    if config.getoption("shard") and config.getoption("records"):
        kept = config.getoption("records") / f"shard-{shards.parse(config.getoption('shard'))[0]}"
        shutil.rmtree(kept, ignore_errors=True)
        shutil.copytree(config._guide_session / "runs", kept)
    build = getattr(config, "_guide_build", None)
    if build is not None:
        late = site_build.join(build, config._guide_session / "site")  # at the latest at the session's deadline
        if late:
            session.exitstatus = pytest.ExitCode.TESTS_FAILED
            config.pluginmanager.get_plugin("terminalreporter").write_line(late, red=True)
    counts = Path(os.environ[COUNTS_VARIABLE])
    lines = counts.read_text().splitlines() if counts.exists() else []
    config._guide_accounting = (accounting.summary(lines), accounting.problems(lines))
    if config._guide_accounting[1]:
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
    shutil.rmtree(config._guide_session, ignore_errors=True)


def session_runs() -> list[program.ProgramRun]:
    """Every program run this session recorded (by any process)."""
    return [program.ProgramRun.from_json(p.read_text()) for p in sorted((session.directory() / "runs").glob("*.json"))]


def _write_outputs(config):
    """--update-outputs: write the outputs onto the pages, and the versions that ran into docs/verified.json."""
    for page, printed in config.stash[printed_key].items():
        if write_outputs(page, printed):
            print(f"\nupdated outputs in {relative(page)}")
    observed: dict = {}
    for run in config.stash[runs_key].values():
        if isinstance(run, program.ProgramRun):
            observed.update(run.environment.get("versions", {}))
    verified.record(observed)


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    from .summary import write_summary

    write_summary(terminalreporter, getattr(config, "_guide_accounting", None))
