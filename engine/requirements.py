"""Print the pinned requirements from pyproject.toml, one per line, for pip (the Makefile's install steps).

    python3 -m engine.requirements torch [COLUMN]   the torch pin alone (installed first, so nothing pulls another torch)
    python3 -m engine.requirements [cpu [COLUMN]]   everything else for a CPU machine
    python3 -m engine.requirements gpu              everything else for a GPU runner: the `gpu` extra replaces tensorflow-cpu
    python3 -m engine.requirements lock-without-torch   requirements.lock less torch and the packages only its CUDA
                                                        build needs (the CPU route installs torch from its own index)

COLUMN names a column of the versions matrix (`[tool.guide.versions]` in pyproject.toml): its requirements replace
the pins of the same packages, so `torch-2.13` installs torch 2.13.0 and everything else as pinned. A requirement
with no version (`torch` in `newest`) takes the newest release the index offers.

It reads pyproject.toml with the standard library only, so it runs before the virtual environment exists.
"""

from __future__ import annotations

import re
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).parents[1]
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())
LOCK = ROOT / "requirements.lock"  # every package with its hash, for Linux x86-64 and CPython 3.11 (`make lock`)
CUDA_BUILD_ONLY = re.compile(r"(torch|triton|nvidia-[\w-]+|cuda-[\w-]+)$")  # what torch's CPU wheel does without


def columns() -> dict[str, list[str]]:
    """The versions matrix: column name -> the requirements that replace the pins, in the order the site shows them."""
    return PYPROJECT["tool"]["guide"]["versions"]


def _name(requirement: str) -> str:
    return re.split(r"[=<>!~\[ ;]", requirement, maxsplit=1)[0].lower()


def pins(kind: str = "cpu", column: str | None = None) -> list[str]:
    project = PYPROJECT["project"]
    found = list(project["dependencies"])
    if kind == "gpu":
        found = [p for p in found if _name(p) != "tensorflow-cpu"] + project["optional-dependencies"]["gpu"]
    if column is not None:
        if column not in columns():
            raise SystemExit(f"unknown column {column!r} of the versions matrix; pyproject.toml [tool.guide.versions] "
                             f"has: {', '.join(columns())}")
        replaced = {_name(r): r for r in columns()[column]}
        found = [replaced.pop(_name(p), p) for p in found] + list(replaced.values())
    if kind == "torch":
        return [p for p in found if _name(p) == "torch"]
    return [p for p in found if _name(p) != "torch"]


def lock_without_torch(lock: str) -> str:
    """The lock's entries less torch and the packages only its CUDA build depends on (an entry is a `name==version`
    line and its indented hash lines)."""
    kept, keep = [], True
    for line in lock.splitlines():
        if line and not line[0].isspace() and not line.startswith("#"):
            keep = not CUDA_BUILD_ONLY.match(_name(line))
        if keep:
            kept.append(line)
    return "\n".join(kept) + "\n"


if __name__ == "__main__":
    if sys.argv[1:2] == ["lock-without-torch"]:
        print(lock_without_torch(LOCK.read_text()), end="")
    else:
        print("\n".join(pins(*sys.argv[1:3])))
