"""The built site as a reader meets it: Playwright for Python driving Debian's Chromium (never `playwright install`).

Screenshots of two pages in light and dark mode are saved under tests/artifacts/ for CI to keep.
"""

from __future__ import annotations

import pytest

from conftest import ARTIFACTS, CHROMIUM, recording_page
from engine.site.release import title, version

pytestmark = [
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian's chromium is not installed (make test installs it)"),
    pytest.mark.site,  # reads the session's one build, after the pages
]


@pytest.fixture
def page(browser, site_url):
    page = recording_page(browser, site_url)
    yield page
    page.context.close()


def selected_tabs(page) -> set[str]:
    """The labels of the selected tab in every tab set on the page, those in collapsed solutions included (their
    labels are not drawn, so their text is read from the document, not from what is rendered)."""
    return set(page.eval_on_selector_all(
        ".tabbed-set", "sets => sets.map(s => { const i = s.querySelector(':scope > input:checked');"
        " return s.querySelector(`label[for='${i.id}']`).textContent.trim(); })"))


def open_solutions(page):
    """Open every collapsed solution of the page, as a reader clicks "Solution"."""
    solutions = page.locator("article details:not([open]) > summary")
    assert solutions.count() >= 2, "the page's exercises have collapsed solutions"
    for _ in range(solutions.count()):
        solutions.first.click()


def test_picking_tensorflow_switches_every_tab_on_other_pages_and_survives_a_reload(page, site_url):
    """Every tab set follows, those of the exercises' solutions too: they open on the tab the reader picked."""
    page.goto(site_url + "tensors/")
    assert selected_tabs(page) == {"PyTorch"}
    page.locator(".tabbed-labels label", has_text="TensorFlow").first.click()
    open_solutions(page)
    assert selected_tabs(page) == {"TensorFlow"}
    page.goto(site_url + "autograd/")
    open_solutions(page)
    assert selected_tabs(page) == {"TensorFlow"}
    page.reload()
    open_solutions(page)
    assert selected_tabs(page) == {"TensorFlow"}


def test_search_finds_a_page_by_an_api_name(page, site_url):
    page.goto(site_url)
    page.locator(".md-search__input").first.click()
    page.keyboard.type("GradientTape", delay=20)  # typed like a reader: the search listens to key events
    results = page.locator(".md-search-result__item")
    results.first.wait_for(timeout=15000)
    assert "Automatic differentiation" in " ".join(results.all_inner_texts())


def test_copy_button_copies_the_code(browser, site_url):
    context = browser.new_context(permissions=["clipboard-read", "clipboard-write"])
    page = context.new_page()
    page.goto(site_url + "tensors/")
    block = page.locator(".tabbed-block").first.locator("pre").first
    expected = block.locator("code").inner_text()
    block.hover()
    block.locator("button[data-md-type='copy']").click()
    copied = page.evaluate("navigator.clipboard.readText()")
    context.close()
    assert copied.strip() == expected.strip() and "import torch" in copied


@pytest.mark.xdist_group("mike")  # the deployment tests/test_publishing.py makes
@pytest.mark.parametrize("path", ["", "tensors/", "first-model/", "cheat-sheet/", "performance/", "fact-check/"])
def test_pages_make_no_request_outside_the_site_and_log_no_error(browser, deployment_url, path):
    """Checked on the mike deployment, as published: a plain build has no ../versions.json for the version selector."""
    page = recording_page(browser, deployment_url)
    page.goto(deployment_url + "latest/" + path, wait_until="networkidle")
    page.context.close()
    assert page.outside == [], f"requests outside the site: {page.outside}"
    assert page.errors == [], f"console errors: {page.errors}"


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("path", ["tensors/", "first-model/"])
def test_screenshots(browser, site_url, scheme, path):
    context = browser.new_context(color_scheme=scheme, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto(site_url + path, wait_until="networkidle")
    background = page.evaluate("getComputedStyle(document.body).backgroundColor")
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=ARTIFACTS / f"{path.strip('/')}-{scheme}.png", full_page=False)
    context.close()
    assert (background == "rgb(255, 255, 255)") == (scheme == "light"), background


@pytest.mark.xdist_group("mike")
def test_version_selector_lists_versions_with_framework_versions(browser, deployment_url):
    page = browser.new_page()
    page.goto(deployment_url + "latest/tensors/", wait_until="networkidle")
    assert f"/{version()}/tensors/" in page.url  # latest redirects to the newest version
    selector = page.locator(".md-version")
    selector.wait_for(timeout=10000)
    titles = page.locator(".md-version__link").all_text_contents()
    page.close()
    assert any(t.startswith(title()) for t in titles), titles  # "2026.12 (torch 2.15, TensorFlow 2.21, ...)"
    assert any("2026.10" in t for t in titles), titles


