"""Split a run across CI runners: shards balanced by recorded durations, site shares beside them, and a reader's-view
job that reads the shards' records.

    pytest --shard 2/3            the second of three shards: its share of the pages and test files, no site tests
    pytest --with-site --site-only [--shard 1/2]
                                  the site tests (browser, accessibility, links, the mike deployment), or a share of
                                  them; they read only the built site, so they run beside the shards
    pytest --with-site --reader-only --records DIR
                                  the reader's-view checks, against the program runs the shards recorded in DIR (each
                                  shard passes --records DIR too): the one job that waits for the shards

The unit of a shard is a file: a page (`docs/tensors.md`, with its programs, lint and same-output checks) or a test
module (`tests/test_harness.py`), so a page's programs and a module's fixtures stay together, as pytest-xdist's
groups keep them on one worker. The unit of a site share is a test, or the tests of one pytest-xdist group (the
mike deployment's share one session fixture): a site test costs the build, which every share makes, and little else.

Units are dealt out longest first, each to the share with the least recorded time so far (ties: the lower share),
using tests/durations.json: seconds per file, and per site test, written by `make durations` (`--record-durations`).
A unit with no recorded time (a new page) counts as the median of the others. The split depends only on the units and
that file, so every process of a shard, and every shard, computes the same one.
"""

from __future__ import annotations

import json
import statistics
from pathlib import Path

from ..settings import ROOT

DURATIONS = ROOT / "tests" / "durations.json"


def unit(nodeid: str, site_test: bool = False) -> str:
    """What a test's seconds are recorded under: its file (`docs/tensors.md::PyTorch::line 3` -> `docs/tensors.md`),
    or for a site test the test itself (without the `@group` pytest-xdist adds to it)."""
    nodeid = nodeid.split("@", 1)[0]
    return nodeid if site_test else nodeid.split("::", 1)[0]


def group_seconds(groups: dict[str, list[str]], recorded: dict[str, float]) -> dict[str, float]:
    """The recorded seconds of units made of tests (`{"mike": [nodeid, ...], nodeid: [nodeid]}`): the sum of theirs,
    a test with no record counting as the median of these tests' recorded ones."""
    known = [recorded[test] for tests in groups.values() for test in tests if test in recorded]
    default = statistics.median(known) if known else 1.0
    return {name: sum(recorded.get(test, default) for test in tests) for name, tests in groups.items()}


def parse(value: str) -> tuple[int, int]:
    """`2/3` -> (2, 3), for --shard."""
    try:
        shard, shards = (int(part) for part in value.split("/"))
    except ValueError:
        raise ValueError(f"--shard takes K/N, such as 2/3, not {value!r}") from None
    if not 1 <= shard <= shards:
        raise ValueError(f"--shard {value}: K must be between 1 and N")
    return shard, shards


def durations(path: Path = DURATIONS) -> dict[str, float]:
    return json.loads(path.read_text()) if path.exists() else {}


def assign(units: list[str], shards: int, recorded: dict[str, float]) -> dict[str, int]:
    """Each unit's shard, 1 to `shards`: longest first, onto the shard with the least time so far."""
    known = [recorded[u] for u in units if u in recorded]
    default = statistics.median(known) if known else 1.0
    load = [0.0] * shards
    found = {}
    for name in sorted(set(units), key=lambda u: (-recorded.get(u, default), u)):
        lightest = min(range(shards), key=lambda s: (load[s], s))
        found[name] = lightest + 1
        load[lightest] += recorded.get(name, default)
    return found


def write_durations(path: Path, seconds: dict[str, float]) -> None:
    path.write_text(json.dumps({u: round(s, 1) for u, s in sorted(seconds.items())}, indent=1) + "\n")
