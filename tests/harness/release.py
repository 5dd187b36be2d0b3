"""The title of a published version: the guide's version and the framework versions its pages were verified with.

    python -m harness.release version   ->  2026.11
    python -m harness.release title     ->  2026.11 (torch 2.13, TensorFlow 2.21, Keras 3.15)
"""

from __future__ import annotations

import json
import sys
import tomllib

from .page import ROOT

NAMES = {"torch": "torch", "tensorflow": "TensorFlow", "keras": "Keras"}


def version() -> str:
    return tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["version"]


def title() -> str:
    verified = json.loads((ROOT / "docs" / "verified.json").read_text())
    minor = lambda v: ".".join(v.split(".")[:2])  # noqa: E731
    return f"{version()} (" + ", ".join(f"{NAMES[k]} {minor(verified[k])}" for k in NAMES if k in verified) + ")"


if __name__ == "__main__":
    print({"version": version, "title": title}[sys.argv[1]]())
