"""The MkDocs hooks (mkdocs.yml `hooks:` names this file): the one place where MkDocs meets the engine.

Everything here only hands MkDocs what the engine computes without it, so another site generator could call the
same functions:

- every program the build runs (the project notebooks, executed by mkdocs-jupyter) gets the program environment;
- the footer of every page says which framework versions its outputs were verified with (release.verified_line);
- every page with code offers its PyTorch and TensorFlow programs as a notebook and a script (downloads), with an
  "Open in Colab" link per notebook, in a box under the page's title;
- the cheat sheet's tables (cheatsheet.render, from the rows in snippets/cheat-sheet/, read afresh for every build,
  so `make serve`, which watches snippets/, shows an edited row), on a page of their own beside the cheat sheet (not
  in the nav: the cheat sheet links to it and fetches its tables), the performance page's tables, plot and verdicts
  (benchmark.render) and the versions matrix (matrix) are filled in from their sources;
- the search index is made smaller (search_index): prose and code names stay searchable;
- each finished build is counted (accounting), so the test suite can prove it built the site once.
"""

from __future__ import annotations

import logging
import os
import posixpath
import time
from pathlib import Path

from mkdocs.structure.files import File, InclusionLevel

from engine import accounting
from engine.benchmark import render as benchmark
from engine.cheatsheet import data as cheat_sheet_rows
from engine.cheatsheet import render as cheat_sheet
from engine.page.model import read_page
from engine.settings import PROGRAM_ENVIRONMENT
from engine.site import downloads, matrix, release, search_index

DOWNLOADS = "downloads"
log = logging.getLogger("mkdocs.hooks.guide")
_pages = {}  # src_uri -> Page, for on_page_markdown
_started = [0.0]  # when this build began, to count the notebooks it executed
_notebook_pages: set[str] = set()  # URLs of the pages made from notebooks, for the search index
_reports: list = []  # the committed versions-matrix reports, read once per build, for every page's box
_sheet: list = []  # the cheat sheet's rows, read once per build (on_files), for the cheat sheet and its tables page


def on_startup(command, dirty):
    os.environ.update(PROGRAM_ENVIRONMENT)  # mkdocs-jupyter's kernels inherit it


def on_config(config):
    _started[0] = time.time()
    _reports[:] = matrix.load_all()
    config["copyright"] = release.verified_line() + "."
    return config


def _colab_url(config, name: str) -> str:
    """extra.colab: a template with {repository} (extra.repository), {version} (the mike version being built) and {file}."""
    published = os.environ.get("MIKE_DOCS_VERSION") or release.version()
    extra = config["extra"]
    return extra["colab"].format(repository=extra["repository"], version=published, file=f"{DOWNLOADS}/{name}")


def on_files(files, config):
    """A notebook and a script per framework for every page that has code; the cheat sheet's tables page; the
    performance page's plots."""
    _pages.clear()
    verified = release.verified_line()
    for file in list(files.documentation_pages()):
        if not file.src_uri.endswith(".md"):
            continue  # the project notebooks under docs/notebooks are already notebooks
        page = _pages[file.src_uri] = read_page(file.abs_src_path)
        url = config["site_url"] + file.url
        for framework in page.frameworks() if page.blocks else []:
            nb = downloads.notebook(page, framework, config["site_url"], downloads.intro_text(page, framework, url, verified))
            for suffix, content in ((".ipynb", downloads.notebook_json(nb)), (".py", downloads.script(nb))):
                name = downloads.file_name(page, framework, suffix)
                files.append(File.generated(config, f"{DOWNLOADS}/{name}", content=content))
    if files.get_file_from_path(cheat_sheet.PAGE) is not None:
        _sheet[:] = [cheat_sheet_rows.load()]  # the rows' files as they are now, for both pages of this build
        files.append(File.generated(config, cheat_sheet.TABLES_PAGE, content=cheat_sheet.tables_page(_sheet[0]),
                                    inclusion=InclusionLevel.NOT_IN_NAV))
    if files.get_file_from_path(benchmark.PAGE) is not None:
        for uri, content in benchmark.plot_files().items():
            files.append(File.generated(config, uri, content=content))
    return files


def on_page_markdown(markdown, page, config, files):
    if page.file.src_uri == cheat_sheet.PAGE:
        markdown = cheat_sheet.fill_page(markdown, _sheet[0])
    if page.file.src_uri == matrix.PAGE:
        markdown = matrix.fill_page(markdown, _reports)
    if page.file.src_uri == benchmark.PAGE:
        markdown, warnings = benchmark.fill_page(markdown)
        for warning in warnings:
            log.warning(warning)  # a strict build fails on it
    return _with_downloads(markdown, page, config)


def _with_downloads(markdown, page, config):
    """The "Run this page yourself" box, under the page's title and its "In one sentence" summary."""
    parsed = _pages.get(page.file.src_uri)
    if parsed is None or not parsed.blocks:
        return markdown
    here = posixpath.dirname(page.file.src_uri)
    links = []
    def link(framework, suffix):
        return posixpath.relpath(f"{DOWNLOADS}/{downloads.file_name(parsed, framework, suffix)}", here or ".")

    for framework in parsed.frameworks():
        colab = _colab_url(config, downloads.file_name(parsed, framework, ".ipynb"))
        links.append(f"{framework}: [notebook]({link(framework, '.ipynb')}) · [script]({link(framework, '.py')}) · "
                     f"[Open in Colab]({colab})")
    box = ['!!! example "Run this page yourself"', "    " + "<br>\n    ".join(links), ""]
    note = matrix.render_note(_reports, f"docs/{page.file.src_uri}")
    if note:
        box[-1:] = ["", "    " + note.replace(f"]({matrix.PAGE}", f"]({posixpath.relpath(matrix.PAGE, here or '.')}"), ""]
    lines = markdown.split("\n")
    at = downloads.after_title_and_summary(lines)
    return "\n".join(lines[:at] + box + lines[at:])


def on_page_context(context, page, config, nav):
    if not page.file.src_uri.endswith(".md"):
        _notebook_pages.add(page.url)
    return context


def on_post_build(config):
    search_index.rewrite(Path(config["site_dir"]) / "search" / "search_index.json", _notebook_pages)
    _notebook_pages.clear()
    jupyter = config["plugins"].get("mkdocs-jupyter")
    cache = Path(jupyter.config["cache_dir"]) if jupyter else None
    executed = sum(1 for f in cache.glob("*.json") if f.stat().st_mtime >= _started[0]) if cache and cache.is_dir() else 0
    accounting.record("build", "mike" if os.environ.get("MIKE_DOCS_VERSION") else "site", executed)
