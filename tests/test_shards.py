"""CI split across runners (engine/check/shards.py): the shards together run every program and every test exactly
once, balanced by recorded durations, and the site job reads the programs' runs the shards recorded."""

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


def test_three_shards_hold_every_page_program_and_test_of_the_suite_once():
    """On the real suite: the union of the three shards' tests is everything but the site tests, with no test in two
    shards, and each shard gets about a third of the recorded time."""
    everything = set(collected())
    parts = [collected("--shard", f"{k}/3") for k in (1, 2, 3)]
    union = [nodeid for part in parts for nodeid in part]
    assert len(union) == len(set(union)), "a test is in two shards"
    site = set(collected("--with-site", "--site-only", "--records", str(ROOT / "tests/fixtures")))
    assert set(union) | site >= everything and not set(union) & site
    programs = {re.match(r"(docs/[\w-]+\.md::(PyTorch|TensorFlow))::line ", n).group(1) for n in union if "::line " in n}
    pages = {p.relative_to(ROOT).as_posix() for p in (ROOT / "docs").glob("*.md")}
    assert {p.split("::")[0] for p in programs} == {p for p in pages if read_page(ROOT / p).frameworks()}
    recorded = shards.durations()
    totals = [sum(recorded.get(u, 0) for u in {shards.unit(n) for n in part}) for part in parts]
    assert max(totals) <= 1.25 * sum(totals) / 3, totals


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


def test_the_site_job_refuses_a_program_recorded_by_two_shards(tmp_path):
    for k in (1, 2):
        (tmp_path / f"shard-{k}").mkdir()
        (tmp_path / f"shard-{k}" / "docs_tensors.md_PyTorch.json").write_text("{}")
    result = run_page(str(FIXTURES / "good.md"), "--with-site", "--site-only", "--records", str(tmp_path))
    assert result.returncode != 0
    assert "programs recorded by more than one shard (a stale shard folder?): docs_tensors.md_PyTorch.json in shard-1, " \
           "shard-2" in result.stdout + result.stderr


def test_ci_runs_every_shard_then_the_site_job_and_publishes_only_after_both():
    import yaml

    jobs = yaml.safe_load((ROOT / ".github/workflows/ci.yml").read_text())["jobs"]
    numbers = jobs["shard"]["strategy"]["matrix"]["shard"]
    command = next(step["run"] for step in jobs["shard"]["steps"] if "make test" in step.get("run", ""))
    assert numbers == list(range(1, len(numbers) + 1)) and f"SHARDS={len(numbers)} " in command
    assert jobs["site"]["needs"] == "shard" and "make test-site" in str(jobs["site"]["steps"])
    assert set(jobs["cpu"]["needs"]) == {"shard", "site"} and "cpu" in jobs["publish"]["needs"]
