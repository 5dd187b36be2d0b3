"""MkDocs hooks (mkdocs.yml `hooks:`).

- The footer of every page says which framework versions its outputs were verified with. docs/verified.json is
  written by `make outputs` from the versions the page programs actually imported, and `make test` fails when the
  programs run with other versions, so the stamp cannot drift from what ran.
- Every page with code offers its PyTorch and its TensorFlow program as a notebook and a script (generated here,
  from the same page model the tests run) and an "Open in Colab" link per notebook.
"""

from __future__ import annotations

import json
import os
import posixpath
import sys
from pathlib import Path

from mkdocs.structure.files import File

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # MkDocs loads hooks as loose files, not as a package
from harness import downloads  # noqa: E402
from harness.page import ROOT, read_page  # noqa: E402
from harness.release import version  # noqa: E402

VERIFIED = ROOT / "docs" / "verified.json"
NAMES = {"torch": "PyTorch", "tensorflow": "TensorFlow", "keras": "Keras"}
DOWNLOADS = "downloads"
_pages = {}  # src_uri -> Page, read once per build in on_files and used again by on_page_markdown


def verified_line() -> str:
    versions = json.loads(VERIFIED.read_text())
    return "Every example verified with " + ", ".join(f"{NAMES[k]} {versions[k]}" for k in NAMES if k in versions)


def on_config(config):
    config["extra"]["verified_with"] = verified_line()
    config["copyright"] = verified_line() + "."
    return config


def _colab_url(config, name: str) -> str:
    """extra.colab: a template with {repository} (extra.repository), {version} (the mike version being built) and {file}."""
    published = os.environ.get("MIKE_DOCS_VERSION") or version()
    extra = config["extra"]
    return extra["colab"].format(repository=extra["repository"], version=published, file=f"{DOWNLOADS}/{name}")


def on_files(files, config):
    """Add a notebook and a script per framework for every page that has code."""
    _pages.clear()
    for file in list(files.documentation_pages()):
        if not file.src_uri.endswith(".md"):
            continue  # the project notebooks under docs/notebooks are already notebooks
        page = _pages[file.src_uri] = read_page(file.abs_src_path)
        url = config["site_url"] + file.url
        for framework in page.frameworks() if page.blocks else []:
            nb = downloads.notebook(page, framework, config["site_url"], downloads.intro_text(page, framework, url, verified_line()))
            for suffix, content in ((".ipynb", downloads.notebook_json(nb)), (".py", downloads.script(nb))):
                name = downloads.file_name(page, framework, suffix)
                files.append(File.generated(config, f"{DOWNLOADS}/{name}", content=content))
    return files


def on_page_markdown(markdown, page, config, files):
    """Put the download links under the page's title."""
    parsed = _pages.get(page.file.src_uri)
    if parsed is None or not parsed.blocks:
        return markdown
    here = posixpath.dirname(page.file.src_uri)
    links = []
    for framework in parsed.frameworks():
        def link(suffix):
            return posixpath.relpath(f"{DOWNLOADS}/{downloads.file_name(parsed, framework, suffix)}", here or ".")
        colab = _colab_url(config, downloads.file_name(parsed, framework, ".ipynb"))
        links.append(f"{framework}: [notebook]({link('.ipynb')}) · [script]({link('.py')}) · [Open in Colab]({colab})")
    bar = ['!!! example "Run this page yourself"', "    " + "<br>\n    ".join(links), ""]
    lines = markdown.split("\n")
    at = _after_title_and_summary(lines)
    return "\n".join(lines[:at] + bar + lines[at:])


def _after_title_and_summary(lines: list[str]) -> int:
    """The line after the page's `# Title` and its "In one sentence" admonition, if it has one."""
    at = next((i + 1 for i, line in enumerate(lines) if line.startswith("# ")), 0)
    while at < len(lines) and not lines[at].strip():
        at += 1
    if at < len(lines) and lines[at].startswith("!!! abstract"):
        at += 1
        while at < len(lines) and (lines[at].startswith("    ") or not lines[at].strip()):
            at += 1
    return at
