"""What a published version of the guide is called, and the stamp every page carries.

    python -m engine.site.release version   ->  2026.11
    python -m engine.site.release title     ->  2026.11 (torch 2.13, TensorFlow 2.21, Keras 3.15)

docs/verified.json is written by `make outputs` from the versions the page programs actually imported, and
`make test` fails when the programs run with other versions, so neither the stamp nor the title can drift from what
ran.
"""

from __future__ import annotations

import json
import sys
import tomllib

from ..settings import FRAMEWORK_PACKAGES, PYPROJECT, VERIFIED

TITLE_NAMES = {"torch": "torch", "tensorflow": "TensorFlow", "keras": "Keras"}


def verified() -> dict[str, str]:
    return json.loads(VERIFIED.read_text())


def version() -> str:
    return tomllib.loads(PYPROJECT.read_text())["project"]["version"]


def title() -> str:
    def minor(v: str) -> str:
        return ".".join(v.split(".")[:2])

    versions = verified()
    return f"{version()} (" + ", ".join(f"{TITLE_NAMES[k]} {minor(versions[k])}" for k in TITLE_NAMES if k in versions) + ")"


def verified_line() -> str:
    versions = verified()
    return "Every example verified with " + ", ".join(
        f"{name} {versions[package]}" for package, name in FRAMEWORK_PACKAGES.items() if package in versions)


if __name__ == "__main__":
    print({"version": version, "title": title}[sys.argv[1]]())
