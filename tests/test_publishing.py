"""Publishing with mike: two versions deployed into a temporary git repository (the `published` fixture in
conftest.py), as CI deploys them to gh-pages; the real repository is untouched."""

from __future__ import annotations

import json
import re

import pytest

from conftest import run

# The session's build, and the mike deployment that tests/test_site.py shares: one worker makes it once.
pytestmark = [pytest.mark.site, pytest.mark.xdist_group("mike")]

def git(repo, *args: str) -> str:
    return run(["git", *args], repo)


def test_versions_json_lists_both_versions_with_framework_titles(published):
    versions = json.loads(git(published, "show", "gh-pages:versions.json"))
    assert [v["version"] for v in versions] == ["2026.11", "2026.10"]
    newest = versions[0]
    assert newest["aliases"] == ["latest"] and versions[1]["aliases"] == []
    assert "torch 2.13" in newest["title"] and "TensorFlow 2.21" in newest["title"], newest["title"]


def test_latest_redirects_to_the_newest_version(published):
    assert redirect_target(git(published, "show", "gh-pages:latest/index.html")) == "../2026.11/"
    assert redirect_target(git(published, "show", "gh-pages:latest/tensors/index.html")) == "../../2026.11/tensors/"
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
    page = git(published, "show", "gh-pages:2026.11/tensors/index.html")
    assert "Every example verified with PyTorch" in page
    notebook = json.loads(git(published, "show", "gh-pages:2026.11/downloads/tensors-pytorch.ipynb"))
    assert any(cell["cell_type"] == "code" for cell in notebook["cells"])
