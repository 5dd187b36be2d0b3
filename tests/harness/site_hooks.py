"""MkDocs hooks (mkdocs.yml `hooks:`): stamp every page with the framework versions its outputs were verified with.

docs/verified.json is written by `make outputs` from the versions the page programs actually imported, and
`make test` fails when the programs run with other versions, so the stamp cannot drift from what ran.
"""

from __future__ import annotations

import json
from pathlib import Path

VERIFIED = Path(__file__).resolve().parents[2] / "docs" / "verified.json"
NAMES = {"torch": "PyTorch", "tensorflow": "TensorFlow", "keras": "Keras"}


def verified_line() -> str:
    versions = json.loads(VERIFIED.read_text())
    return "Every example verified with " + ", ".join(f"{NAMES[k]} {versions[k]}" for k in NAMES if k in versions)


def on_config(config):
    config["extra"]["verified_with"] = verified_line()
    config["copyright"] = verified_line() + '. <a href="https://github.com/' + "example/pytorch-tensorflow-guide" + '">Source</a>'
    return config
