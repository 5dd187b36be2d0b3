"""Fixtures shared by the site tests: the session's one site build, a mike deployment, local HTTP servers, and a
browser (Playwright for Python driving Debian's Chromium; never `playwright install`)."""

from __future__ import annotations

import functools
import http.server
import os
import shutil
import subprocess
import sys
import tempfile
import threading
from pathlib import Path
from urllib.parse import urlparse

import pytest

from engine.check import session, site_build
from engine.settings import ROOT
from engine.site import digest
from engine.site.release import title, version

BIN = Path(sys.executable).parent
ENV = {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}"}
COPIED = ["docs", "snippets", "engine", "overrides", "mkdocs.yml", "pyproject.toml"]  # what a site build reads
NOTEBOOK_CACHE = Path(".cache", "mkdocs-jupyter")  # mkdocs-jupyter's cache, relative to where MkDocs runs
CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = Path(__file__).parent / "artifacts"  # screenshots, kept by CI
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
         "--no-first-run", "--disable-sync"]


def run(command: list[str], cwd: Path) -> str:
    result = subprocess.run(command, cwd=cwd, capture_output=True, text=True, env=ENV)
    assert result.returncode == 0, f"{' '.join(command)} failed:\n{result.stderr[-3000:]}"
    return result.stdout.strip()


@pytest.fixture(scope="session")
def built_site(request) -> Path:
    """The site as `mkdocs build --strict` makes it: the session's one build (pytest --with-site), or, when a site
    test runs on its own, a build of its own."""
    if request.config.getoption("with_site"):
        site = session.site()
    else:
        site = Path(tempfile.mkdtemp(prefix="guide-site-"), "site")
        site_build.start(site)
    status = site_build.wait(site)
    assert status["returncode"] == 0, f"mkdocs build --strict failed:\n{status['log']}"
    return site


@pytest.fixture(scope="session")
def published(built_site, tmp_path_factory) -> Path:
    """A copy of the project in a fresh git repository, with two versions deployed by mike, as CI deploys them: an
    older one, then this one under its real version name. The digest of this version's tree is kept in artifacts/
    (CI's publish job checks its own deployment against it, engine.site.digest).

    The copy takes the notebook outputs the one build executed (mkdocs-jupyter's cache, keyed on each notebook's
    text), so the deployments execute nothing again."""
    repo = tmp_path_factory.mktemp("published")
    for name in COPIED:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, repo / name, ignore=shutil.ignore_patterns("__pycache__", "artifacts"))
        else:
            shutil.copy(source, repo / name)
    if (ROOT / NOTEBOOK_CACHE).is_dir():
        shutil.copytree(ROOT / NOTEBOOK_CACHE, repo / NOTEBOOK_CACHE)
    for variable in ("GIT_AUTHOR_NAME", "GIT_COMMITTER_NAME"):
        ENV[variable] = "guide tests"
    for variable in ("GIT_AUTHOR_EMAIL", "GIT_COMMITTER_EMAIL"):
        ENV[variable] = "tests@example.org"
    run(["git", "init", "-q", "-b", "main"], repo)
    run(["git", "add", "-A"], repo)
    run(["git", "commit", "-qm", "project"], repo)
    mike = str(BIN / "mike")
    run([mike, "deploy", "--update-aliases", "--title", "2026.10 (older)", "2026.10", "latest"], repo)
    (repo / "older-tree").write_text(run(["git", "rev-parse", "gh-pages:2026.10"], repo))
    run([mike, "deploy", "--update-aliases", "--title", title(), version(), "latest"], repo)
    run([mike, "set-default", "latest"], repo)
    tree = checkout(repo, f"gh-pages:{version()}", tmp_path_factory.mktemp("deployed"))
    digest.main("write", str(tree), str(ARTIFACTS / "site-digest.json"))
    return repo


def checkout(repo: Path, tree: str, into: Path) -> Path:
    """The files of a git tree (`gh-pages:2026.12`) in a folder."""
    archive = subprocess.run(["git", "archive", tree], cwd=repo, capture_output=True, check=True).stdout
    subprocess.run(["tar", "-x", "-C", str(into)], input=archive, check=True)
    return into


def serve(directory: Path):
    handler = functools.partial(QuietHandler, directory=str(directory))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture(scope="session")
def site_url(built_site):
    server = serve(built_site)
    yield f"http://127.0.0.1:{server.server_port}/"
    server.shutdown()


@pytest.fixture(scope="session")
def deployment_url(published, tmp_path_factory):
    """The gh-pages branch of the mike deployment, served as GitHub Pages would serve it."""
    server = serve(checkout(published, "gh-pages", tmp_path_factory.mktemp("gh-pages")))
    yield f"http://127.0.0.1:{server.server_port}/"
    server.shutdown()


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=FLAGS)
        yield browser
        browser.close()


def recording_page(browser, url):
    """A fresh reader (empty storage) who records every request outside `url`'s site and every console error."""
    context = browser.new_context()
    page = context.new_page()
    page.outside, page.errors = [], []
    origin = urlparse(url).netloc
    page.on("request", lambda r: urlparse(r.url).scheme in ("http", "https") and urlparse(r.url).netloc != origin
            and page.outside.append(r.url))
    page.on("console", lambda m: m.type == "error" and page.errors.append(m.text))
    page.on("pageerror", lambda e: page.errors.append(str(e)))
    page.on("response", lambda r: r.status >= 400 and page.errors.append(f"HTTP {r.status}: {r.url}"))
    return page
