"""What a published version of the guide is called, the stamp every page carries, and the checks before publishing.

    python -m engine.site.release version   ->  2026.12
    python -m engine.site.release title     ->  2026.12 (torch 2.15, TensorFlow 2.21, Keras 3.15; CPU only)
    python -m engine.site.release check     ->  fails while site_url or extra.repository are placeholders

docs/verified.json (engine.verified) is written by `make outputs` from the versions the page programs actually
imported, and `make test` fails when the programs run with other versions, so neither the stamp nor the title can drift from what
ran. Where the examples ran is GUIDE_GPU: empty (CPU only), or the GPU the GPU job ran them on, which CI's publish
job sets from that job's result.
"""

from __future__ import annotations

import os
import sys
import tomllib

import yaml

from .. import verified
from ..settings import FRAMEWORK_PACKAGES, MKDOCS_YML, PYPROJECT

TITLE_NAMES = {"torch": "torch", "tensorflow": "TensorFlow", "keras": "Keras"}
GPU_VARIABLE = "GUIDE_GPU"
PLACEHOLDERS = {"site_url": "example.org", "repository": "example/"}


def version() -> str:
    return tomllib.loads(PYPROJECT.read_text())["project"]["version"]


def gpu() -> str:
    return os.environ.get(GPU_VARIABLE, "").strip()


def title() -> str:
    def minor(v: str) -> str:
        return ".".join(v.split(".")[:2])

    versions = verified.read()
    names = ", ".join(f"{TITLE_NAMES[k]} {minor(versions[k])}" for k in TITLE_NAMES if k in versions)
    return f"{version()} ({names}; {'CPU and GPU' if gpu() else 'CPU only'})"


def verified_line(on_gpu: str | None = None) -> str:
    """The footer: the versions the examples ran with, and where (`on_gpu` overrides GUIDE_GPU)."""
    versions = verified.read()
    where = gpu() if on_gpu is None else on_gpu
    return "Every example verified with " + ", ".join(
        f"{name} {versions[package]}" for package, name in FRAMEWORK_PACKAGES.items() if package in versions
    ) + (f", on CPU and on a GPU ({where})" if where else ", on CPU only")


class _Loader(yaml.SafeLoader):
    """mkdocs.yml as MkDocs reads it: `!ENV [NAME, default]` is the variable, or the default."""


_Loader.add_constructor("!ENV", lambda loader, node: next(
    (os.environ[n] for n in loader.construct_sequence(node)[:-1] if n in os.environ), loader.construct_sequence(node)[-1]))
_Loader.add_multi_constructor("tag:yaml.org,2002:python/name:", lambda loader, suffix, node: suffix)


def placeholders() -> list[str]:
    """The settings that still hold the placeholders mkdocs.yml ships with, and how to set each."""
    config = yaml.load(MKDOCS_YML.read_text(), Loader=_Loader)
    found = []
    if PLACEHOLDERS["site_url"] in config["site_url"]:
        found.append(f"site_url is the placeholder {config['site_url']}: set GUIDE_SITE_URL (in CI, the repository "
                     "variable SITE_URL) to the address the site is published at")
    if config["extra"]["repository"].startswith(PLACEHOLDERS["repository"]):
        found.append(f"extra.repository is the placeholder {config['extra']['repository']}: set GUIDE_REPOSITORY to "
                     "owner/name (CI sets it to the repository it runs in); the Open in Colab links point there")
    return found


def check() -> str:
    problems = placeholders()
    if problems:
        raise SystemExit("not publishing:\n- " + "\n- ".join(problems))
    return f"publishing {version()} to {os.environ.get('GUIDE_SITE_URL')} ({title()})"


if __name__ == "__main__":
    print({"version": version, "title": title, "check": check}[sys.argv[1]]())
