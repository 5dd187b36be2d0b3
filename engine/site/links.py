"""Every internal link of a built site resolves: each `href` and `src` of each page names a file of the site, and each
`#anchor` an element's `id` (or an `<a name>`) in the page it points to.

    problems = broken_links(Path("site"))   # [] when every link resolves; otherwise one line per broken link

A link to an absolute path (the 404 page has them: it may be served at any depth) is read against the site's own
address, which the home page's canonical link gives (mkdocs.yml's `site_url`).

Each page is read once, with the standard library's HTML parser, so a page that hundreds of links point into (the
cheat sheet's rows and known differences) costs no more than another. A crawler that fetches and parses the target
page again for each anchor pointing into it (LinkChecker's anchor check does) took minutes on this site. External
links (with a scheme, or starting with //) are not followed: the tests have no network. Links inside a <noscript>
count too: the cheat sheet's links to its tables page sit there, for readers without scripts (engine/cheatsheet/render.py).
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

NOT_FOLLOWED = ("mailto:", "data:", "javascript:", "tel:")


class _Page(HTMLParser):
    """One page's anchors (ids and <a name>) and links (href, src), each with its line."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.anchors: set[str] = set()
        self.links: list[tuple[str, int]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if value is None:
                continue
            if name == "id" or (name == "name" and tag == "a"):
                self.anchors.add(value)
            elif name in ("href", "src"):
                self.links.append((value, self.getpos()[0]))

    handle_startendtag = handle_starttag


def _read(html: Path) -> _Page:
    page = _Page()
    page.feed(html.read_text(encoding="utf-8"))
    page.close()
    return page


CANONICAL = re.compile(r'<link rel="canonical" href="([^"]+)"')


def site_root(site: Path) -> str:
    """The path the site is served under ("/pytorch-tensorflow-guide/"), from its home page's canonical link."""
    found = CANONICAL.search((site / "index.html").read_text(encoding="utf-8"))
    return urlsplit(found[1]).path if found else "/"


def _target(site: Path, root: str, page: Path, path: str) -> Path | None:
    """The file a link's path names: relative to the page's folder, or for /... to the site's root (None: outside
    the site), a folder's index.html for a folder."""
    if path.startswith("/"):
        if not path.startswith(root):
            return None
        base, path = site, path[len(root):]
    else:
        base = page.parent
    target = (base / unquote(path)).resolve()
    return target / "index.html" if path.endswith("/") or target.is_dir() else target


def broken_links(site: Path) -> list[str]:
    """One line per link of the built site at `site` that names a missing file, or an anchor its page does not hold."""
    site = site.resolve()
    root = site_root(site)
    pages = {html: _read(html) for html in sorted(site.rglob("*.html"))}
    problems = []
    for html, page in pages.items():
        where = html.relative_to(site)
        for link, line in page.links:
            parts = urlsplit(link)
            if parts.scheme or parts.netloc or link.startswith(NOT_FOLLOWED):
                continue
            target = _target(site, root, html, parts.path) if parts.path else html
            if target is None or not target.is_relative_to(site) or not target.is_file():
                problems.append(f"{where}:{line}: {link} names no file of the site")
            elif parts.fragment and target.suffix == ".html":
                anchors = pages[target].anchors if target in pages else _read(target).anchors
                if unquote(parts.fragment) not in anchors:
                    problems.append(f"{where}:{line}: {link}: {target.relative_to(site)} has no anchor "
                                    f"{unquote(parts.fragment)!r}")
    return problems
