"""CI split across runners (engine/check/shards.py): the shards, the site shares and the reader's-view job together
run every program and every test exactly once, balanced by recorded durations, and the reader's-view job reads the
programs' runs the shards recorded."""

from __future__ import annotations

import json
import re

import pytest

from engine.check import shards
from engine.page.model import read_page
from engine.settings import COUNTS_VARIABLE, ROOT
from test_harness import FIXTURES, run_page

PAGES = [FIXTURES / "good.md", FIXTURES / "skipif.md", ROOT / "tests/fixtures/tree/docs/chapter.md"]


def test_units_are_dealt_longest_first_onto_the_lightest_shard():
    recorded = {"a": 10.0, "b": 8.0, "c": 5.0, "d": 4.0, "e": 1.0}
    assert shards.assign(list(recorded), 2, recorded) == {"a": 1, "b": 2, "c": 2, "d": 1, "e": 2}
    # a unit with no recorded time counts as the median of the others (5.0), and the split is the same every time
    assert shards.assign(["a", "b", "new", "c"], 2, recorded) == {"a": 1, "b": 2, "new": 2, "c": 1}
    assert shards.assign(["x", "y"], 3, {}) == {"x": 1, "y": 2}


@pytest.mark.parametrize("text", ["3", "0/2", "3/2", "a/b"])
def test_a_bad_shard_is_refused(text):
    with pytest.raises(ValueError, match="--shard"):
        shards.parse(text)


def collected(*options: str) -> list[str]:
    result = run_page("docs", "tests", "--collect-only", "-q", *options)
    assert result.returncode == 0, result.stdout + result.stderr
    return [line for line in result.stdout.splitlines() if "::" in line and not line.startswith(" ")]


def test_the_shards_the_site_shares_and_the_reader_view_job_hold_every_test_of_the_suite_once():
    """On the real suite: three shards, three site shares and the reader's-view job hold every test of `make test`,
    with no test in two of them, and the shards, and the site shares, each get about an equal part of the recorded
    time; the mike deployment's tests (one session fixture) stay in one site share."""
    everything = set(collected("--with-site"))
    parts = [collected("--shard", f"{k}/3") for k in (1, 2, 3)]
    site = [collected("--with-site", "--site-only", "--shard", f"{k}/3") for k in (1, 2, 3)]
    readers = collected("--with-site", "--reader-only", "--records", str(ROOT / "tests/fixtures"))
    union = [nodeid for part in parts + site + [readers] for nodeid in part]
    assert len(union) == len(set(union)), "a test is in two parts"
    assert set(union) == everything
    assert readers and all(nodeid.endswith("::reader") for nodeid in readers)
    programs = {re.match(r"(docs/[\w-]+\.md::(PyTorch|TensorFlow))::line ", n).group(1)
                for part in parts for n in part if "::line " in n}
    pages = {p.relative_to(ROOT).as_posix() for p in (ROOT / "docs").glob("*.md")}
    assert {p.split("::")[0] for p in programs} == {p for p in pages if read_page(ROOT / p).frameworks()}
    recorded = shards.durations()
    totals = [sum(recorded.get(u, 0) for u in {shards.unit(n) for n in part}) for part in parts]
    assert max(totals) <= 1.25 * sum(totals) / 3, totals
    site_totals = [sum(recorded.get(shards.unit(n, site_test=True), 0) for n in share) for share in site]
    assert max(site_totals) <= 1.25 * sum(site_totals) / 3, site_totals
    assert [any("test_publishing.py" in n for n in share) for share in site].count(True) == 1


def test_a_site_share_of_a_group_of_tests_counts_their_seconds_together():
    recorded = {"t::a": 30.0, "t::b": 20.0, "t::c": 4.0, "t::d": 2.0}
    seconds = shards.group_seconds({"mike": ["t::a", "t::b"], "t::c": ["t::c"], "t::d": ["t::d"], "t::new": ["t::new"]},
                                   recorded)
    assert seconds == {"mike": 50.0, "t::c": 4.0, "t::d": 2.0, "t::new": 12.0}  # a new test: the median, 12
    assert shards.unit("tests/test_site.py::test_x[dark]@mike", site_test=True) == "tests/test_site.py::test_x[dark]"
    assert shards.unit("docs/tensors.md::PyTorch::line 3@docs/tensors.md") == "docs/tensors.md"


def test_run_one_after_another_the_shards_run_each_program_once(tmp_path):
    runs = []
    for k in (1, 2):
        counts = tmp_path / f"shard-{k}.tsv"
        result = run_page(*map(str, PAGES), "--shard", f"{k}/2", "--records", str(tmp_path / "records"),
                          env={COUNTS_VARIABLE: str(counts)})
        assert result.returncode == 0, result.stdout
        ran = [line.split("\t")[1] for line in counts.read_text().splitlines() if line.startswith("run\t")]
        assert ran, f"shard {k} of 2 ran nothing"
        runs += ran
    expected = [f"{page.relative_to(ROOT).as_posix()}::{f}" for page in PAGES for f in read_page(page).frameworks()]
    assert sorted(runs) == sorted(expected)
    recorded = sorted(p.name for p in (tmp_path / "records").glob("shard-*/*.json"))
    assert len(recorded) == len(expected) and all(json.loads(p.read_text())["results"]
                                                  for p in (tmp_path / "records").glob("shard-*/*.json"))


def test_the_reader_view_job_refuses_a_program_recorded_by_two_shards(tmp_path):
    for k in (1, 2):
        (tmp_path / f"shard-{k}").mkdir()
        (tmp_path / f"shard-{k}" / "docs_tensors.md_PyTorch.json").write_text("{}")
    result = run_page(str(FIXTURES / "good.md"), "--with-site", "--reader-only", "--records", str(tmp_path))
    assert result.returncode != 0
    assert "programs recorded by more than one shard (a stale shard folder?): docs_tensors.md_PyTorch.json in shard-1, " \
           "shard-2" in result.stdout + result.stderr


@pytest.mark.parametrize("options, message", [
    (["--site-only", "--reader-only", "--with-site", "--records", "x"], "--site-only and --reader-only"),
    (["--site-only"], "--site-only needs --with-site"),
    (["--reader-only", "--with-site"], "--reader-only needs --with-site and --records DIR"),
])
def test_the_site_and_reader_view_options_refuse_what_cannot_work(options, message):
    result = run_page(str(FIXTURES / "good.md"), "--collect-only", *options)
    assert result.returncode != 0 and message in result.stdout + result.stderr


def test_ci_runs_the_site_shares_beside_the_shards_the_reader_view_after_them_and_publishes_after_all():
    import yaml

    jobs = yaml.safe_load((ROOT / ".github/workflows/ci.yml").read_text())["jobs"]
    numbers = jobs["shard"]["strategy"]["matrix"]["shard"]
    command = next(step["run"] for step in jobs["shard"]["steps"] if "make test" in step.get("run", ""))
    assert numbers == list(range(1, len(numbers) + 1)) and f"SHARDS={len(numbers)} " in command
    shares = jobs["site"]["strategy"]["matrix"]["share"]
    command = next(step["run"] for step in jobs["site"]["steps"] if "make test-site" in step.get("run", ""))
    assert shares == list(range(1, len(shares) + 1)) and f"SHARDS={len(shares)} " in command
    assert "needs" not in jobs["site"]  # the site tests need no program run
    assert jobs["reader-view"]["needs"] == "shard" and "make test-reader-view" in str(jobs["reader-view"]["steps"])
    assert set(jobs["cpu"]["needs"]) == {"shard", "site", "reader-view"} and "cpu" in jobs["publish"]["needs"]
    download = next(s for s in jobs["publish"]["steps"] if "download-artifact" in s.get("uses", ""))
    assert download["with"]["pattern"] == "tested-*" and download["with"]["merge-multiple"] is True
