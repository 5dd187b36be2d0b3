"""Count the expensive work a run does, so a test can prove each piece is done once.

When the environment variable GUIDE_COUNTS names a file, the engine appends one tab-separated line per event:

    parse   <page>                 <process id>   a page's Markdown was read into the page model
    run     <program>              <process id>   the runner started a program (a page program, cheat-sheet rows)
    reuse   <program>              <process id>   a program's recorded run was reused instead (engine.check.reuse)
    reuse   <site check>           site           a per-page site check passed before on the same built page
    build   <site|mike> <notebooks executed>      a site build finished

`problems(lines)` reads such a file back and names everything done more than once: a page parsed twice by one
process, a program run twice, more than one site build, or a notebook executed again by a mike deployment.
"""

from __future__ import annotations

import os
from collections import Counter

from .settings import COUNTS_VARIABLE


def record(event: str, *fields: object) -> None:
    path = os.environ.get(COUNTS_VARIABLE)
    if not path:
        return
    with open(path, "a") as handle:  # one short write per line, so lines from several processes do not mix
        handle.write("\t".join([event, *map(str, fields)]) + "\n")


def problems(lines: list[str]) -> list[str]:
    events = [line.split("\t") for line in lines if line.strip()]
    parses = Counter((e[1], e[2]) for e in events if e[0] == "parse")
    runs = Counter(e[1] for e in events if e[0] == "run")
    builds = [e for e in events if e[0] == "build"]
    found = [f"{page} was parsed {n} times by process {pid}" for (page, pid), n in sorted(parses.items()) if n > 1]
    found += [f"{program} ran {n} times" for program, n in sorted(runs.items()) if n > 1]
    reused = Counter(e[1] for e in events if e[0] == "reuse")
    found += [f"{program} was reused {n} times" for program, n in sorted(reused.items()) if n > 1]
    found += [f"{program} both ran and was reused" for program in sorted(set(reused) & set(runs))]
    sites = [b for b in builds if b[1] == "site"]
    if len(sites) > 1:
        found.append(f"the site was built {len(sites)} times")
    found += [f"a mike deployment executed {b[2]} notebook(s) again" for b in builds if b[1] == "mike" and b[2] != "0"]
    return found


def summary(lines: list[str]) -> str:
    events = [line.split("\t") for line in lines if line.strip()]
    count = Counter(e[0] for e in events)
    programs = {e[1] for e in events if e[0] == "run"}
    reused = {e[1] for e in events if e[0] == "reuse" and e[2] != "site"}
    checks = {e[1] for e in events if e[0] == "reuse" and e[2] == "site"}
    builds = Counter(e[1] for e in events if e[0] == "build")
    return (f"{len(programs)} programs run once each"
            + (f", {len(reused)} reused from an earlier run (unchanged, --reuse)" if reused else "")
            + (f", {len(checks)} per-page site checks reused (the same built page passed them before)" if checks else "")
            + f", {len({e[1] for e in events if e[0] == 'parse'})} pages "
            f"parsed {count['parse']} times in all, site built {builds['site']} time(s), "
            f"{builds['mike']} mike deployment build(s)")
