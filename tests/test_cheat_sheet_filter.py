"""The cheat sheet's filter box in the built site, as a reader uses it: Playwright for Python driving Debian's
Chromium (never `playwright install`), from the fixtures in tests/conftest.py.

The box (written by engine/cheatsheet/render.py, run by docs/assets/javascripts/cheat-sheet-filter.js) keeps only
the table rows whose text contains what is typed, ignoring case, hides the categories left without rows, and shows
every row again once it is emptied.
"""

from __future__ import annotations

import re

import pytest

from conftest import CHROMIUM, recording_page
from engine.cheatsheet import data

SHEET = data.load()
CATEGORIES, ROWS = SHEET.categories, SHEET.rows

pytestmark = [
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian's chromium is not installed (make test installs it)"),
    pytest.mark.site,  # reads the session's one build
]

# Every table row and category heading of the page, with its text and whether it takes up space on the screen.
ROWS_SHOWN = """() => Array.from(document.querySelectorAll("article table tbody tr"), row =>
    [row.textContent, row.getClientRects().length > 0])"""
HEADINGS_SHOWN = """() => Array.from(document.querySelectorAll("article h3"), h =>
    [h.textContent.replace("\u00b6", "").trim(), h.getClientRects().length > 0])"""


@pytest.fixture
def page(browser, site_url):
    page = recording_page(browser, site_url)
    page.goto(site_url + "cheat-sheet/")
    yield page
    page.context.close()
    # A plain build has no ../versions.json for the version selector (tests/test_site.py checks the deployment,
    # which has one): that 404, and the console's note of it, are expected.
    errors = [e for e in page.errors if not e.endswith("/versions.json") and not e.startswith("Failed to load resource")]
    assert errors == [], f"console errors: {errors}"


def row_text(row) -> str:
    return f"{row.operation} {row.note} {row.pytorch} {row.tensorflow}".lower()


def categories_with(word: str) -> list[str]:
    return [c for c in CATEGORIES if any(r.category == c and word in row_text(r) for r in ROWS)]


def test_typing_keeps_only_the_rows_that_contain_the_text_and_clearing_shows_them_all(page):
    from playwright.sync_api import expect

    box = page.get_by_role("searchbox", name="Filter the rows")  # found by its label: a visible, accessible name
    expect(box).to_be_visible()
    rows = page.evaluate(ROWS_SHOWN)
    assert len(rows) == len(ROWS) and all(shown for _, shown in rows)
    headings = page.evaluate(HEADINGS_SHOWN)
    assert [name for name, _ in headings] == CATEGORIES and all(shown for _, shown in headings)

    box.click()
    page.keyboard.type("argmax", delay=20)  # typed key by key, as a reader does
    expect(page.locator("#cheat-sheet-filter-count")).to_have_text(re.compile(r"^\d+ of \d+ rows shown\.$"))
    rows = page.evaluate(ROWS_SHOWN)
    visible = [text for text, shown in rows if shown]
    assert visible, "no row is left for argmax"
    assert all("argmax" in text.lower() for text in visible), "a row without argmax is still shown"
    assert all(shown for text, shown in rows if "argmax" in text.lower()), "a row with argmax was hidden"
    assert len(visible) == sum("argmax" in row_text(r) for r in ROWS)
    assert any("Index of the largest value" in text for text in visible)
    headings = page.evaluate(HEADINGS_SHOWN)
    assert [name for name, shown in headings if shown] == categories_with("argmax")
    assert not all(shown for _, shown in headings), "every category still shows a heading"
    toc = page.locator(".md-sidebar--secondary a[href='#padding']")  # a category without argmax
    expect(toc).to_be_hidden()
    # The theme's keyboard shortcuts (search, previous and next page) stay out of the way while the box has the focus.
    assert page.url.endswith("/cheat-sheet/") and not page.locator("#__search").is_checked()

    box.fill("ArgMax")  # case does not matter
    assert [shown for _, shown in page.evaluate(ROWS_SHOWN)] == [shown for _, shown in rows]

    box.fill("")
    expect(page.locator("#cheat-sheet-filter-count")).to_have_text("")
    assert all(shown for _, shown in page.evaluate(ROWS_SHOWN))
    assert all(shown for _, shown in page.evaluate(HEADINGS_SHOWN))
    expect(toc).to_be_visible()


def test_escape_empties_the_box_and_a_text_found_nowhere_says_so(page):
    from playwright.sync_api import expect

    box = page.get_by_role("searchbox", name="Filter the rows")
    box.fill("no such operation")
    expect(page.locator("#cheat-sheet-filter-count")).to_have_text("No row contains \u201cno such operation\u201d.")
    assert not any(shown for _, shown in page.evaluate(ROWS_SHOWN))
    assert not any(shown for _, shown in page.evaluate(HEADINGS_SHOWN))
    box.press("Escape")
    expect(box).to_have_value("")
    assert all(shown for _, shown in page.evaluate(ROWS_SHOWN))
