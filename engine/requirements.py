"""Print the pinned requirements from pyproject.toml, one per line, for pip (the Makefile's install steps).

    python3 -m engine.requirements torch   the torch pin alone (installed first, so nothing pulls another torch)
    python3 -m engine.requirements         everything else for a CPU machine
    python3 -m engine.requirements gpu     everything else for a GPU runner: the `gpu` extra replaces tensorflow-cpu

It reads pyproject.toml with the standard library only, so it runs before the virtual environment exists.
"""

import sys
import tomllib
from pathlib import Path

project = tomllib.loads((Path(__file__).parents[1] / "pyproject.toml").read_text())["project"]
kind = sys.argv[1] if len(sys.argv) > 1 else "cpu"
pins = project["dependencies"]
if kind == "torch":
    pins = [p for p in pins if p.startswith("torch==")]
else:
    pins = [p for p in pins if not p.startswith("torch==")]
    if kind == "gpu":
        pins = [p for p in pins if not p.startswith("tensorflow-cpu==")] + project["optional-dependencies"]["gpu"]
print("\n".join(pins))
