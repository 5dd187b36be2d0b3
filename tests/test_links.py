"""Every internal link and anchor of the built site resolves (engine/site/links.py); external links are not fetched."""

from __future__ import annotations

import pytest

from engine.site.links import broken_links


@pytest.mark.site
def test_links_and_anchors_of_the_built_site(built_site):
    assert broken_links(built_site) == []


def test_a_broken_link_or_anchor_is_named_with_its_page_and_line(tmp_path):
    site = tmp_path / "site"
    (site / "a").mkdir(parents=True)
    (site / "assets").mkdir()
    (site / "assets" / "x.css").write_text("")
    (site / "index.html").write_text(
        '<link rel="canonical" href="https://example.org/guide/">\n'
        '<link href="assets/x.css"><a href="a/#here">fine</a> <a href="https://elsewhere.org/#x">not followed</a>\n'
        '<a href="a/#there">no such anchor</a>\n'
        '<a href="b/">no such page</a>\n')
    (site / "a" / "index.html").write_text(
        '<h2 id="here">Here</h2><noscript><a href="../#top">inside a noscript</a></noscript>\n'
        '<a href="/guide/a/#here">absolute, fine</a><a href="/elsewhere/">outside the site</a>\n'
        '<a href="saving.md">a Markdown link left as it was</a>\n')
    assert broken_links(site) == [
        "a/index.html:1: ../#top: index.html has no anchor 'top'",
        "a/index.html:2: /elsewhere/ names no file of the site",
        "a/index.html:3: saving.md names no file of the site",
        "index.html:3: a/#there: a/index.html has no anchor 'there'",
        "index.html:4: b/ names no file of the site",
    ]
