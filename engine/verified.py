"""docs/verified.json, the stamp: the framework versions the outputs on the pages were produced with. This module is
the only one that reads or writes it.

    read()              the stamp, {"keras": "3.15.1", "tensorflow": "2.21.0", "torch": "2.15.0"}
    record(observed)    `make outputs`: the versions the page programs imported, merged into the stamp
    problem(ran)        what is wrong with the stamp for a program that ran with `ran`, or None (the versions test)

The site's footer and title (engine.site.release) and each versions-matrix report (engine.check.drift) show it.
"""

from __future__ import annotations

import json
from pathlib import Path

from .page.errors import relative
from .settings import DOCS

PATH = DOCS / "verified.json"


def read(path: Path = PATH) -> dict[str, str]:
    """The stamp; empty when the file does not exist yet."""
    return json.loads(path.read_text()) if path.exists() else {}


def record(observed: dict[str, str], path: Path = PATH) -> None:
    """Merge the versions the programs ran with into the stamp (nothing to do when none were observed)."""
    if observed:
        path.write_text(json.dumps({**read(path), **observed}, indent=2, sort_keys=True) + "\n")


def problem(ran: dict[str, str], path: Path = PATH) -> str | None:
    """What is wrong with the stamp for a program that ran with the versions `ran`, if anything."""
    if not ran:
        return ("the program reported no framework versions (it imported none, or it did not finish), so the page's "
                "stamp cannot be checked")
    recorded = read(path)
    differ = {name: (recorded.get(name), version) for name, version in ran.items() if recorded.get(name) != version}
    if differ:
        return (f"{relative(path)} does not name the versions this program ran with (recorded, ran): {differ}; "
                "run `make outputs` to refresh the outputs and the stamp")
    return None
