"""The pytest plugin: every page under docs/ becomes a set of tests.

    pytest docs/tensors.md                 check one page
    pytest docs/tensors.md --update-outputs   rewrite its output blocks from a real run

For each page it collects a lint item, then one program per framework (`docs/x.md::PyTorch`) holding one item per
Python block (`docs/x.md::PyTorch::line 23`), and one item per `<!--guide:same-output-->` marker. A program runs in
a child process the first time one of its blocks is tested; each block then reports its own result. After a failing
block, the rest of its program is reported as skipped, "not run", naming the block that failed.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from . import lint
from .compare import explain_difference, outputs_match
from .execute import QUIET_ENVIRONMENT, ProgramRun, run_program, runs
from .outputs import write_outputs
from .page import FRAMEWORKS, ROOT, Block, Page, PageError, read_page, relative

DOCS = ROOT / "docs"
VERIFIED = DOCS / "verified.json"  # the framework versions the outputs on the pages were produced with
GPU_CHECKS = {
    "PyTorch": "import torch, sys; sys.exit(0 if torch.cuda.is_available() else 1)",
    "TensorFlow": "import tensorflow as tf, sys; sys.exit(0 if tf.config.list_physical_devices('GPU') else 1)",
}
runs_key = pytest.StashKey[dict]()  # (page, framework) -> ProgramRun
printed_key = pytest.StashKey[dict]()  # page -> {block line: stdout}, for --update-outputs


def pytest_addoption(parser):
    group = parser.getgroup("guide", "executable guide")
    group.addoption("--update-outputs", action="store_true", help="rewrite every output block from a real run")
    group.addoption("--framework", choices=["pytorch", "tensorflow"], help="run only this framework's programs")
    group.addoption("--require-gpu", action="store_true", help="fail unless the selected frameworks see a GPU")
    group.addoption("--program-timeout", type=float, default=300.0, help="seconds one page program may run (default 300)")
    group.addoption("--rtol", type=float, default=1e-6, help="relative tolerance for numbers in outputs (default 1e-6)")
    group.addoption("--atol", type=float, default=0.0, help="absolute tolerance for numbers in outputs (default 0)")


def selected_frameworks(config) -> list[str]:
    choice = config.getoption("framework")
    return [f for f in FRAMEWORKS if choice is None or f.lower() == choice]


def pytest_configure(config):
    config.stash[runs_key] = {}
    config.stash[printed_key] = {}
    # With pytest-xdist (`-n 2 --dist loadgroup`), every item of a page runs on one worker, where its programs run.
    config.addinivalue_line("markers", "xdist_group(name): run these tests on the same pytest-xdist worker")


def pytest_sessionstart(session):
    if not session.config.getoption("require_gpu"):
        return
    for framework in selected_frameworks(session.config):
        check = subprocess.run([sys.executable, "-c", GPU_CHECKS[framework]], env={**os.environ, **QUIET_ENVIRONMENT})
        if check.returncode != 0:
            pytest.exit(f"--require-gpu: {framework} sees no GPU on this machine", returncode=1)


def pytest_collect_file(file_path: Path, parent):
    """Pages under docs/ are collected; any other Markdown file only when named on the command line (fixtures)."""
    if file_path.suffix != ".md":
        return None
    named = {Path(arg.split("::")[0]).resolve() for arg in parent.config.args}
    if DOCS in file_path.resolve().parents or file_path.resolve() in named:
        return PageFile.from_parent(parent, path=file_path)
    return None


class GuideFailure(Exception):
    """A failure whose message is the whole report: no pytest traceback is added."""


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
        problems = lint.fence_problems(self.page.path) + lint.tab_problems(self.page) + lint.coverage_problems(self.page)
        if problems:
            raise GuideFailure("\n".join(map(str, problems)))


class Program(pytest.Collector):
    """One framework's program on a page: its blocks run in one child process, in page order."""

    def __init__(self, *, page: Page, framework: str, **kwargs):
        super().__init__(**kwargs)
        self.page, self.framework = page, framework
        self.blocks = page.program(framework)

    def collect(self):
        for position, block in enumerate(self.blocks):
            yield BlockItem.from_parent(self, name=f"line {block.line}", position=position, block=block)
        yield VersionStamp.from_parent(self, name="versions")

    def run(self) -> ProgramRun:
        key = (self.page.path, self.framework)
        cache = self.config.stash[runs_key]
        if key not in cache:
            cache[key] = run_program(self.blocks, self.config.getoption("program_timeout"))
        return cache[key]


class BlockItem(GuideItem):
    def __init__(self, *, position: int, block: Block, **kwargs):
        super().__init__(**kwargs)
        self.position, self.block = position, block

    @property
    def label(self) -> str:
        return f"{self.block.where} [{self.parent.framework}]"

    def runtest(self):
        block = self.block
        if not runs(block):
            pytest.skip(f"{relative(block.page)}:{block.line}: {block.skip_reason}")
        run = self.parent.run()
        self.user_properties += [("program_seconds", run.seconds), ("gpu", any(run.environment.get("gpu", {}).values()))]
        for earlier in self.parent.blocks[: self.position]:
            position = self.parent.blocks.index(earlier)
            result = run.results.get(position)
            if run.timed_out_block == position or (result and result.status == "failed") or (runs(earlier) and result is None):
                pytest.skip(f"not run: the block at {relative(earlier.page)}:{earlier.line} failed before it")
        if run.timed_out_block == self.position:
            raise GuideFailure(f"{self.label}: timed out after {self.config.getoption('program_timeout'):g} s "
                               "(the whole program's limit, --program-timeout); this block was still running")
        result = run.results.get(self.position)
        if result is None:
            raise GuideFailure(f"{self.label}: the program died without reporting this block:\n{run.crash}")
        if result.status == "failed":
            printed = f"\nIt printed before failing:\n{result.stdout}" if result.stdout.strip() else ""
            raise GuideFailure(f"{self.label}: the block raised an exception\n{result.error}{printed}")
        if result.status == "skipped":
            pytest.skip(f"{relative(block.page)}:{block.line}: {block.skip_reason}")
        if self.config.getoption("update_outputs"):
            self.config.stash[printed_key].setdefault(block.page, {})[block.line] = result.stdout
            return
        self.check_output(result.stdout)

    def check_output(self, printed: str):
        block = self.block
        if block.expected is None:
            if printed.strip():
                raise GuideFailure(f"{self.label}: the block printed output that the page does not show "
                                   f"(run `make outputs PAGE={relative(block.page)}`):\n{printed}")
            return
        if not outputs_match(block.expected, printed, self.config.getoption("rtol"), self.config.getoption("atol")):
            raise GuideFailure(
                f"{relative(block.page)}:{block.expected_line}: the output shown differs from what the block at line "
                f"{block.line} printed [{self.parent.framework}]\n{explain_difference(block.expected, printed)}\n"
                f"(if the code changed on purpose: `make outputs PAGE={relative(block.page)}`)"
            )


class VersionStamp(GuideItem):
    """The framework versions this program ran with are the ones docs/verified.json (the site's footer) names."""

    def runtest(self):
        if self.config.getoption("update_outputs"):
            pytest.skip("docs/verified.json is rewritten from this run")
        ran = self.parent.run().environment.get("versions", {})
        recorded = json.loads(VERIFIED.read_text()) if VERIFIED.exists() else {}
        differ = {name: (recorded.get(name), version) for name, version in ran.items() if recorded.get(name) != version}
        if differ:
            raise GuideFailure(f"{relative(VERIFIED)} does not name the versions this program ran with "
                               f"(recorded, ran): {differ}; run `make outputs` to refresh the outputs and the stamp")


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


def pytest_sessionfinish(session, exitstatus):
    """With --update-outputs: write the outputs onto the pages, and the versions that ran into docs/verified.json."""
    config = session.config
    if not config.getoption("update_outputs"):
        return
    for page, printed in config.stash[printed_key].items():
        if write_outputs(page, printed):
            print(f"\nupdated outputs in {relative(page)}")
    observed: dict = {}
    for run in config.stash[runs_key].values():
        observed.update(run.environment.get("versions", {}))
    if observed:
        recorded = json.loads(VERIFIED.read_text()) if VERIFIED.exists() else {}
        VERIFIED.write_text(json.dumps({**recorded, **observed}, indent=2, sort_keys=True) + "\n")


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    from .summary import write_summary

    write_summary(terminalreporter)
