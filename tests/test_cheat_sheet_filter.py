"""The cheat sheet's tables and filter box in the built site, as a reader uses them: Playwright for Python driving
Debian's Chromium (never `playwright install`), from the fixtures in tests/conftest.py.

The tables live on a page of their own (engine/cheatsheet/render.py); on the cheat sheet each starts closed under its
heading, and docs/assets/javascripts/cheat-sheet-filter.js fetches the tables page the first time one is needed and
puts the table in when it is opened: by the reader, by the button that opens every table, by a link to a row inside
it, or by the filter. The box keeps only the table rows whose text contains what is typed, ignoring case, opens the
tables with rows left, hides the others, and gives the page back as it was once emptied. Its tick box keeps only the
rows with a known difference: the rows of the categories' tables that link to one, and the table of known differences
after them, which the typed text filters too. Without scripts, each block links to its table on the tables page,
which shows every table; when the tables page cannot be fetched, the page says so and links to it.
"""

from __future__ import annotations

import html
import re

import pytest

from conftest import CHROMIUM, recording_page
from engine.cheatsheet import data, render

SHEET = data.load()
CATEGORIES, ROWS = SHEET.categories, SHEET.rows
DIFFERENCES = [(row, d) for row in ROWS for d in row.differs_when]

pytestmark = [
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian's chromium is not installed (make test installs it)"),
    pytest.mark.site,  # reads the session's one build
]

# The rows on the page of the categories' tables and of the known differences' table, and every table's heading, each
# with its text and whether it takes up space on the screen; and whether each table is open.
CATEGORY_ROWS = "article .cheat-sheet-category:not(.cheat-sheet-differences) tbody tr"
DIFFERENCE_ROWS = "article .cheat-sheet-differences tbody tr"
ROWS_SHOWN = f"""() => Array.from(document.querySelectorAll("{CATEGORY_ROWS}"),
    row => [row.textContent, row.getClientRects().length > 0])"""
DIFFERENCES_SHOWN = f"""() => Array.from(document.querySelectorAll("{DIFFERENCE_ROWS}"),
    row => [row.textContent, row.getClientRects().length > 0])"""
HEADINGS_SHOWN = """() => Array.from(document.querySelectorAll("article h3"), h =>
    [h.textContent.replace("\u00b6", "").trim(), h.getClientRects().length > 0])"""
OPEN = """() => Array.from(document.querySelectorAll("article details.cheat-sheet-category"), d => d.open)"""
TABLES = [*CATEGORIES, render.DIFFERENCES]
# The most elements the page may have as it first loads: Lighthouse warns from about 800 on ("Avoid an excessive DOM
# size", web.dev/dom-size). It had 5,922 when every table was on the page at load.
ELEMENTS_AT_LOAD = 800


def recorded_errors(page) -> list[str]:
    # A plain build has no ../versions.json for the version selector (tests/test_site.py checks the deployment,
    # which has one): that 404, and the console's note of it, are expected.
    return [e for e in page.errors if not e.endswith("/versions.json") and not e.startswith("Failed to load resource")]


@pytest.fixture
def page(browser, site_url):
    page = recording_page(browser, site_url)
    page.goto(site_url + "cheat-sheet/")
    yield page
    page.context.close()
    assert recorded_errors(page) == [], f"console errors: {recorded_errors(page)}"


def row_text(row) -> str:
    """The text of a category's row, as the page shows it: the operation, inputs, note and links, and the code."""
    operation = re.sub(r"<[^>]+>|\*\*|`", "", render.operation_cell(row))
    return html.unescape(f"{operation} {row.pytorch} {row.tensorflow}").lower()


def difference_text(row, difference) -> str:
    """The text of a known difference's row, as the page shows it."""
    cells = [row.operation, row.category, data.CLASSES[difference.when], difference.note,
             render.input_lines(row, difference), *(difference.gives(f) or "" for f in ("PyTorch", "TensorFlow"))]
    return html.unescape(re.sub(r"<[^>]+>", "", " ".join(cells))).lower()


def tables_with(word: str) -> list[str]:
    found = [c for c in CATEGORIES if any(r.category == c and word in row_text(r) for r in ROWS)]
    return found + [render.DIFFERENCES] * any(word in difference_text(r, d) for r, d in DIFFERENCES)


def test_the_tables_start_closed_and_each_is_made_when_opened(page):
    from playwright.sync_api import expect

    headings = page.evaluate(HEADINGS_SHOWN)
    assert [name for name, _ in headings] == TABLES and all(shown for _, shown in headings)
    assert page.evaluate(OPEN) == [False] * len(TABLES)
    assert page.evaluate(ROWS_SHOWN) == [], "a closed table's rows are already on the page"
    assert page.locator("article table").count() == 0
    elements = page.evaluate("document.getElementsByTagName('*').length")
    assert elements <= ELEMENTS_AT_LOAD, f"the cheat sheet loads with {elements} elements"

    category = CATEGORIES[3]
    rows = [r for r in ROWS if r.category == category]
    page.locator(f"h3#{render.slug(category)} + details > summary").click()
    expect(page.locator(CATEGORY_ROWS)).to_have_count(len(rows))  # made on the toggle event, which follows the click
    shown = page.evaluate(ROWS_SHOWN)
    assert len(shown) == len(rows) and all(visible for _, visible in shown)
    assert all(r.operation in text for r, (text, _) in zip(rows, shown, strict=True))

    button = page.get_by_role("button", name="Open every table")
    button.click()
    expect(page.get_by_role("button", name="Close every table")).to_be_visible()
    expect(page.locator(CATEGORY_ROWS)).to_have_count(len(ROWS))
    expect(page.locator(DIFFERENCE_ROWS)).to_have_count(len(DIFFERENCES))
    shown = page.evaluate(ROWS_SHOWN)
    assert len(shown) == len(ROWS) and all(visible for _, visible in shown)
    assert len(page.evaluate(DIFFERENCES_SHOWN)) == len(DIFFERENCES)
    # A table that scrolls sideways takes the keyboard's focus, as the tables the theme shows at load do.
    assert page.locator(".cheat-sheet-table .md-typeset__scrollwrap[tabindex='0']").count() >= 1
    page.get_by_role("button", name="Close every table").click()
    assert page.evaluate(OPEN) == [False] * len(TABLES)


def test_typing_keeps_only_the_rows_that_contain_the_text_and_clearing_gives_the_page_back(page):
    from playwright.sync_api import expect

    box = page.get_by_role("searchbox", name="Filter the rows")  # found by its label: a visible, accessible name
    expect(box).to_be_visible()
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
    assert [name for name, shown in headings if shown] == tables_with("argmax")
    assert not all(shown for _, shown in headings), "every category still shows a heading"
    toc = page.locator(".md-sidebar--secondary a[href='#padding']")  # a category without argmax
    expect(toc).to_be_hidden()
    # The theme's keyboard shortcuts (search, previous and next page) stay out of the way while the box has the focus.
    assert page.url.endswith("/cheat-sheet/") and not page.locator("#__search").is_checked()

    box.fill("ArgMax")  # case does not matter
    assert [shown for _, shown in page.evaluate(ROWS_SHOWN)] == [shown for _, shown in rows]

    box.fill("")
    expect(page.locator("#cheat-sheet-filter-count")).to_have_text("")
    assert page.evaluate(OPEN) == [False] * len(TABLES), "the tables the filter opened are still open"
    assert all(shown for _, shown in page.evaluate(HEADINGS_SHOWN))
    expect(toc).to_be_visible()


def test_escape_empties_the_box_and_a_text_found_nowhere_says_so(page):
    from playwright.sync_api import expect

    page.locator(f"h3#{render.slug(CATEGORIES[0])} + details > summary").click()  # a table the reader opened
    box = page.get_by_role("searchbox", name="Filter the rows")
    box.fill("no such operation")
    expect(page.locator("#cheat-sheet-filter-count")).to_have_text("No row contains \u201cno such operation\u201d.")
    assert not any(shown for _, shown in page.evaluate(ROWS_SHOWN))
    assert not any(shown for _, shown in page.evaluate(HEADINGS_SHOWN))
    box.press("Escape")
    expect(box).to_have_value("")
    assert page.evaluate(OPEN) == [True] + [False] * (len(TABLES) - 1)  # as the reader left it
    assert all(shown for _, shown in page.evaluate(ROWS_SHOWN))


def test_the_tick_keeps_only_the_rows_with_a_known_difference(page):
    from playwright.sync_api import expect

    assert DIFFERENCES, "no known difference to show"
    page.get_by_role("checkbox", name="only rows with a known difference").check()
    differing = {row.operation for row, _ in DIFFERENCES}
    count = len(differing) + len(DIFFERENCES)
    # The count comes once the tables page has arrived and the rows are filtered.
    expect(page.locator("#cheat-sheet-filter-count")).to_have_text(f"{count} of {len(ROWS) + len(DIFFERENCES)} rows shown.")
    shown = [text for text, shown in page.evaluate(ROWS_SHOWN) if shown]
    assert len(shown) == len(differing) and all("Differs when" in text for text in shown)
    assert all(shown for _, shown in page.evaluate(DIFFERENCES_SHOWN))
    assert len(page.evaluate(DIFFERENCES_SHOWN)) == len(DIFFERENCES)
    headings = [name for name, shown in page.evaluate(HEADINGS_SHOWN) if shown]
    assert headings == [c for c in CATEGORIES if any(r.category == c for r, _ in DIFFERENCES)] + [render.DIFFERENCES]

    # With a word too: the rows with a difference that contain it.
    box = page.get_by_role("searchbox", name="Filter the rows")
    box.fill("nan")
    shown = [text for text, shown in page.evaluate(ROWS_SHOWN) if shown]
    assert shown and len(shown) == sum("nan" in row_text(r) for r in ROWS if r.operation in differing)
    assert len([1 for _, s in page.evaluate(DIFFERENCES_SHOWN) if s]) == sum("nan" in difference_text(r, d) for r, d in DIFFERENCES)
    page.get_by_role("checkbox", name="only rows with a known difference").uncheck()
    box.fill("")
    assert page.evaluate(OPEN) == [False] * len(TABLES)


def test_links_lead_to_rows_and_differences_in_closed_or_filtered_tables(page):
    from playwright.sync_api import expect

    row, difference = DIFFERENCES[0]
    # A row's "Differs when" link leads to its known difference, in a table not made yet.
    page.locator(f"h3#{render.slug(row.category)} + details > summary").click()
    page.locator(f"a[href='#{render.difference_anchor(row, difference)}']").click()
    assert page.url.endswith(f"#{render.difference_anchor(row, difference)}")
    entry = page.locator(f"#{render.difference_anchor(row, difference)}").locator("xpath=ancestor::tr")
    expect(entry).to_be_in_viewport()
    for framework in ("PyTorch", "TensorFlow"):
        expect(entry).to_contain_text(difference.gives(framework))

    # A known difference's link back to its row, while the filter hides the row: the filter is cleared.
    box = page.get_by_role("searchbox", name="Filter the rows")
    word = next(w for w in re.findall(r"[a-z]{5,}", difference_text(row, difference)) if w not in row_text(row))
    box.fill(word)
    expect(entry).to_be_visible()
    entry.locator(f"a[href='#{render.row_anchor(row)}']").click()
    expect(box).to_have_value("")
    expect(page.locator(f"#{render.row_anchor(row)}").locator("xpath=ancestor::tr")).to_be_in_viewport()

    # The table of contents opens the table it leads to.
    category = CATEGORIES[-1]
    page.locator(f".md-sidebar--secondary a[href='#{render.slug(category)}']").click()
    expect(page.locator(f"h3#{render.slug(category)} + details")).to_have_attribute("open", "")


def test_a_page_opened_at_a_row_shows_that_row(browser, site_url):
    from playwright.sync_api import expect

    row, _ = DIFFERENCES[-1]
    page = recording_page(browser, site_url)
    page.goto(site_url + f"cheat-sheet/#{render.row_anchor(row)}")
    expect(page.locator(f"#{render.row_anchor(row)}").locator("xpath=ancestor::tr")).to_be_in_viewport()
    page.context.close()
    assert recorded_errors(page) == []


TABLES_PAGE = render.TABLES_PAGE.removesuffix(".md") + "/"


def test_a_first_visit_fetches_the_tables_only_when_the_reader_comes_near_them(browser, site_url):
    from playwright.sync_api import expect

    page = recording_page(browser, site_url)
    requested = []
    page.on("request", lambda request: requested.append(request.url))
    page.goto(site_url + "cheat-sheet/", wait_until="networkidle")
    assert site_url + TABLES_PAGE not in requested, "the tables page was fetched before a reader asked for a table"
    with page.expect_request(site_url + TABLES_PAGE):
        page.get_by_role("searchbox", name="Filter the rows").hover()
    page.get_by_role("button", name="Open every table").click()  # the tables come from the one download
    expect(page.locator(CATEGORY_ROWS)).to_have_count(len(ROWS))
    assert requested.count(site_url + TABLES_PAGE) == 1
    page.context.close()
    assert recorded_errors(page) == []


def test_when_the_tables_cannot_be_fetched_the_page_says_so_and_links_to_them(browser, site_url):
    from playwright.sync_api import expect

    page = browser.new_page()
    page.route(site_url + TABLES_PAGE, lambda route: route.fulfill(status=503, body="down"))
    page.goto(site_url + "cheat-sheet/")
    page.locator(f"h3#{render.slug(CATEGORIES[0])} + details > summary").click()
    message = page.locator(f"h3#{render.slug(CATEGORIES[0])} + details .cheat-sheet-message")
    expect(message).to_have_text("The tables could not be loaded (the server answered 503); every table is on the page "
                                 "of every table.")
    assert message.get_by_role("link").get_attribute("href") == site_url + TABLES_PAGE
    page.get_by_role("searchbox", name="Filter the rows").fill("argmax")
    expect(page.locator("#cheat-sheet-filter-count")).to_contain_text("could not be loaded (the server answered 503)")
    page.unroute(site_url + TABLES_PAGE)  # the next need tries again
    page.get_by_role("searchbox", name="Filter the rows").fill("argma")
    expect(page.locator("#cheat-sheet-filter-count")).to_have_text(re.compile(r"^\d+ of \d+ rows shown\.$"))
    page.context.close()


def test_without_scripts_each_table_links_to_the_page_that_shows_every_table(browser, site_url):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(site_url + "cheat-sheet/")
    assert page.locator("article table").count() == 0
    assert page.locator(".cheat-sheet-filter").is_hidden()  # a box that would do nothing is not shown
    page.locator(f"h3#{render.slug(CATEGORIES[1])} + details > summary").click()
    page.get_by_role("link", name="the page of every table").click()
    assert page.url == site_url + TABLES_PAGE + f"#{render.slug(CATEGORIES[1])}"
    rows = page.evaluate(ROWS_SHOWN.replace("article .cheat-sheet-category:not(.cheat-sheet-differences)",
                                            "article .cheat-sheet-table:not([data-table=known-differences])"))
    assert len(rows) == len(ROWS) and all(shown for _, shown in rows), "a table is missing or hidden"
    assert all(row.operation in text for row, (text, _) in zip(ROWS, rows, strict=True))
    differences = page.locator("article [data-table=known-differences] tbody tr")
    assert differences.count() == len(DIFFERENCES)
    headings = [name for name, shown in page.evaluate(HEADINGS_SHOWN) if shown]
    assert headings == TABLES
    context.close()


@pytest.mark.parametrize(("scheme", "width"), [("light", "wide"), ("dark", "narrow")])
def test_axe_finds_no_violation_with_every_table_open(browser, site_url, scheme, width):
    """tests/test_reader_view.py runs axe-core on the page as it loads, with its tables closed; here they are open
    (made by the script), on a wide screen and on a narrow one, where more of them scroll sideways."""
    from playwright.sync_api import expect

    from test_reader_view import NARROW, WIDE, listing, violations

    context = browser.new_context(color_scheme=scheme, viewport=WIDE if width == "wide" else NARROW)
    page = context.new_page()
    page.goto(site_url + "cheat-sheet/")
    page.get_by_role("button", name="Open every table").click()
    expect(page.locator(CATEGORY_ROWS)).to_have_count(len(ROWS))  # the tables are made on the toggle events
    found = violations(page)
    context.close()
    assert found == [], f"axe-core on /cheat-sheet/ with every table open ({scheme} mode, {width}):\n{listing(found)}"
