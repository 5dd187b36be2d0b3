"""Print the pinned requirements from pyproject.toml, one per line, for pip.

    python3 tests/requirements.py torch   the torch pin alone (installed first, from its CPU wheel)
    python3 tests/requirements.py         everything for a CPU machine
    python3 tests/requirements.py gpu     everything for a GPU runner: the `gpu` extra replaces tensorflow-cpu
"""

import sys
import tomllib
from pathlib import Path

project = tomllib.loads((Path(__file__).parents[1] / "pyproject.toml").read_text())["project"]
kind = sys.argv[1] if len(sys.argv) > 1 else "cpu"
pins = project["dependencies"]
if kind == "torch":
    pins = [p for p in pins if p.startswith("torch==")]
elif kind == "gpu":
    pins = [p for p in pins if not p.startswith("tensorflow-cpu==")] + project["optional-dependencies"]["gpu"]
print("\n".join(pins))
