"""Publishing with mike: two versions deployed into a temporary git repository (the `published` fixture in
conftest.py), as CI deploys them to gh-pages; the real repository is untouched."""

from __future__ import annotations

import json
import re

import pytest

from conftest import ARTIFACTS, checkout, run
from engine.site import digest, release
from engine.site.release import version

# The session's build, and the mike deployment that tests/test_site.py shares: one worker makes it once.
pytestmark = [pytest.mark.site(first=True), pytest.mark.xdist_group("mike")]  # the mike deployment: the longest site work

def git(repo, *args: str) -> str:
    return run(["git", *args], repo)


def test_versions_json_lists_both_versions_with_framework_titles(published):
    versions = json.loads(git(published, "show", "gh-pages:versions.json"))
    assert [v["version"] for v in versions] == [version(), "2026.10"]
    newest = versions[0]
    assert newest["aliases"] == ["latest"] and versions[1]["aliases"] == []
    assert "torch 2.15" in newest["title"] and "TensorFlow 2.21" in newest["title"], newest["title"]
    assert newest["title"].endswith("; CPU only)"), newest["title"]


def test_latest_redirects_to_the_newest_version(published):
    assert redirect_target(git(published, "show", "gh-pages:latest/index.html")) == f"../{version()}/"
    assert redirect_target(git(published, "show", "gh-pages:latest/tensors/index.html")) == f"../../{version()}/tensors/"
    assert redirect_target(git(published, "show", "gh-pages:index.html")) == "latest/"


def redirect_target(page: str) -> str:
    """Where mike's redirect page sends the browser: its script's target, which its fallback refresh and its link
    must name too."""
    script = re.search(r'window\.location\.replace\(\s*"([^"]+)"', page)
    assert script, f"no redirect in the page:\n{page[:500]}"
    target = script.group(1)
    assert f'content="1; url={target}"' in page and f'href="{target}"' in page, f"the page disagrees on {target}:\n{page}"
    return target


def test_older_version_is_untouched(published):
    assert git(published, "rev-parse", "gh-pages:2026.10") == (published / "older-tree").read_text()


def test_published_pages_carry_the_version_stamp_and_downloads(published):
    page = git(published, "show", f"gh-pages:{version()}/tensors/index.html")
    assert "Every example verified with PyTorch" in page and "on CPU only" in page
    notebook = json.loads(git(published, "show", f"gh-pages:{version()}/downloads/tensors-pytorch.ipynb"))
    assert any(cell["cell_type"] == "code" for cell in notebook["cells"])


def test_the_digest_proves_a_deployment_is_the_tested_one(published, tmp_path, monkeypatch):
    """What CI's publish job checks before it pushes: its own deployment has the digest of the one tested here. The
    footer may name the GPU the GPU job ran on; any other change to any file is refused, naming the file."""
    tree = checkout(published, f"gh-pages:{version()}", tmp_path)
    tested = json.loads((ARTIFACTS / "site-digest.json").read_text())
    assert digest.differences(tree, tested) == []
    page = tree / "tensors" / "index.html"
    monkeypatch.setenv(release.GPU_VARIABLE, "NVIDIA H100")
    page.write_text(page.read_text().replace(release.verified_line(on_gpu=""), release.verified_line()))
    assert digest.differences(tree, tested) == []
    page.write_text(page.read_text().replace("tensor", "tensr", 1))
    assert digest.differences(tree, tested) == ["changed: tensors/index.html"]


def test_placeholders_block_publishing(monkeypatch):
    monkeypatch.delenv("GUIDE_SITE_URL", raising=False)
    monkeypatch.delenv("GUIDE_REPOSITORY", raising=False)
    problems = release.placeholders()
    assert len(problems) == 2 and "GUIDE_SITE_URL" in problems[0] and "GUIDE_REPOSITORY" in problems[1]
    monkeypatch.setenv("GUIDE_SITE_URL", "https://guide.example.net/")
    monkeypatch.setenv("GUIDE_REPOSITORY", "someone/guide")
    assert release.placeholders() == []
