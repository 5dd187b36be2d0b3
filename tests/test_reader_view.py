"""The built site as a reader meets it, beyond the tabs: Playwright for Python driving Debian's Chromium (never
`playwright install`).

- Both tabs at once: a header switch shows the PyTorch and the TensorFlow tab of every tab set together, side by
  side on a wide screen and one above the other on a narrow one, remembered across pages and visits.
- Accessibility: axe-core, from the axe-playwright-python package (nothing is downloaded), finds no violation on any
  page of the site, in light and in dark mode.
- Weight: what a first visit downloads, and a search index that keeps the prose and the names in the code.
"""

from __future__ import annotations

import json
import posixpath
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from conftest import CHROMIUM
from engine import accounting
from engine.cheatsheet import render
from engine.check import reuse
from engine.settings import ROOT
from engine.site import search_index

SWITCH = "Show PyTorch and TensorFlow side by side"
WIDE, NARROW = {"width": 1280, "height": 900}, {"width": 390, "height": 844}
# bytes, everything a first visit downloads (the search worker included). 450 KB until /tensors/ gained its exercises:
# their collapsed solutions are about 20 KB of its HTML, and the first visit measured 451 KB (December 2026).
FIRST_VISIT_BUDGET = 460_000

pytestmark = [
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian's chromium is not installed (make test installs it)"),
    pytest.mark.site,  # reads the session's one build
]


def site_pages() -> list[str]:
    """Every page in mkdocs.yml's nav, and the cheat sheet's tables page (made by the site hooks, not in the nav), as
    a URL relative to the site ("" is the home page)."""
    from mkdocs.utils.yaml import yaml_load

    with open(ROOT / "mkdocs.yml") as handle:
        nav = yaml_load(handle)["nav"]

    def files(items):
        for item in items:
            value = next(iter(item.values())) if isinstance(item, dict) else item
            yield from files(value) if isinstance(value, list) else [value]

    stems = [posixpath.splitext(name)[0] for name in files(nav)] + [posixpath.splitext(render.TABLES_PAGE)[0]]
    return ["" if stem == "index" else stem.removesuffix("/index") + "/" for stem in stems]


PAGES = site_pages()


def axe_script() -> Path:
    import axe_playwright_python  # pyproject.toml pins it: it ships axe-core's axe.min.js

    return Path(axe_playwright_python.__file__).with_name("axe.min.js")


@pytest.fixture
def reader(browser):
    """A fresh reader (empty storage and cache) on a wide screen."""
    context = browser.new_context(viewport=WIDE)
    yield context.new_page()
    context.close()


def ready(page):
    """The site's script has run: the header switch is there and the layout was measured once."""
    page.wait_for_selector(".guide-tabs-switch", state="attached")
    page.evaluate("new Promise(done => setTimeout(done, 0))")  # after the script's own setTimeout(..., 0)


# --- Both tabs at once -------------------------------------------------------------------------------------------

GEOMETRY = """sets => sets.map(set => {
    const box = el => { if (!el) return null; const r = el.getBoundingClientRect();
                        return {x: r.x, y: r.y, w: r.width, h: r.height}; };
    const labels = set.querySelectorAll(':scope > .tabbed-labels > label');
    return [...set.querySelectorAll(':scope > .tabbed-content > .tabbed-block')].map((block, i) => ({
        label: labels[i].innerText.trim(), labelBox: box(labels[i]),
        code: box(block.querySelector('.highlight:not(:has(> .filename)) > pre')),  // the first code block
        output: box(block.querySelector('.highlight:has(> .filename) > pre')),  // its "Output" block
    }));
})"""


def tab_sets(page) -> list[list[dict]]:
    """For each tab set a reader can see (not one inside a collapsed solution), its PyTorch and its TensorFlow tab:
    label, code and output boxes."""
    sets = page.eval_on_selector_all(".tabbed-set:not(details:not([open]) .tabbed-set)", GEOMETRY)
    assert sets, "no tab set on the page"
    assert all([tab["label"] for tab in tabs] == ["PyTorch", "TensorFlow"] for tabs in sets)
    return sets


def shown(box) -> bool:
    return box is not None and box["w"] > 0 and box["h"] > 0


def assert_one_tab_each(page):
    for pytorch, tensorflow in tab_sets(page):
        assert shown(pytorch["code"]) != shown(tensorflow["code"]), (pytorch, tensorflow)


def assert_side_by_side(page):
    for number, (pytorch, tensorflow) in enumerate(tab_sets(page)):
        where = f"tab set {number + 1}: {pytorch} {tensorflow}"
        assert shown(pytorch["code"]) and shown(tensorflow["code"]), where
        assert tensorflow["code"]["x"] >= pytorch["code"]["x"] + pytorch["code"]["w"], where  # TensorFlow to the right
        assert abs(tensorflow["code"]["y"] - pytorch["code"]["y"]) < 2, where  # in the same row
        for tab in (pytorch, tensorflow):
            label, code, output = tab["labelBox"], tab["code"], tab["output"]
            assert shown(label) and label["y"] + label["h"] <= code["y"] + 1, where  # the label heads its column
            assert code["x"] <= label["x"] + label["w"] / 2 <= code["x"] + code["w"], where
            if output is not None:  # its output stays under its own code
                assert abs(output["x"] - code["x"]) < 1 and output["y"] >= code["y"] + code["h"], where


def assert_stacked(page):
    for number, (pytorch, tensorflow) in enumerate(tab_sets(page)):
        where = f"tab set {number + 1}: {pytorch} {tensorflow}"
        assert shown(pytorch["code"]) and shown(tensorflow["code"]), where
        assert abs(tensorflow["code"]["x"] - pytorch["code"]["x"]) < 1, where
        order = [box["y"] for tab in (pytorch, tensorflow) for box in (tab["labelBox"], tab["code"], tab["output"]) if box]
        assert order == sorted(order) and len(set(order)) == len(order), where  # label, code, output, label, ...


def test_the_switch_shows_both_tabs_side_by_side_and_the_choice_is_kept(reader, site_url):
    reader.goto(site_url + "tensors/")
    ready(reader)
    switch = reader.get_by_role("button", name=SWITCH)
    assert switch.is_visible() and switch.get_attribute("aria-pressed") == "false"
    assert_one_tab_each(reader)

    switch.click()
    assert switch.get_attribute("aria-pressed") == "true"
    assert_side_by_side(reader)
    solutions = reader.locator("article details > summary")
    assert solutions.count() >= 2, "the page's exercises have collapsed solutions"
    for number in range(solutions.count()):
        solutions.nth(number).click()  # opened, a solution's tabs stand side by side too
    assert_side_by_side(reader)

    reader.reload()
    ready(reader)
    assert reader.get_by_role("button", name=SWITCH).get_attribute("aria-pressed") == "true"
    assert_side_by_side(reader)

    reader.goto(site_url + "autograd/")
    ready(reader)
    assert_side_by_side(reader)


def test_on_a_narrow_screen_the_tabs_stack_and_switching_back_shows_one_tab(browser, site_url):
    context = browser.new_context(viewport=NARROW)
    page = context.new_page()
    page.goto(site_url + "first-model/")
    ready(page)
    switch = page.get_by_role("button", name=SWITCH)
    switch.focus()
    page.keyboard.press("Enter")  # a plain button: the keyboard works as well as a click
    assert switch.get_attribute("aria-pressed") == "true"
    assert_stacked(page)

    switch.click()
    assert switch.get_attribute("aria-pressed") == "false"
    assert_one_tab_each(page)
    page.goto(site_url + "tensors/")
    ready(page)
    assert_one_tab_each(page)
    context.close()


def test_the_choice_is_applied_before_the_tabs_are_drawn(reader, site_url):
    """The class that lays out both tabs is on <html> by the time the first tab set is parsed: no flash of one tab."""
    reader.goto(site_url + "tensors/")
    ready(reader)
    reader.get_by_role("button", name=SWITCH).click()
    reader.add_init_script("""new MutationObserver((records, observer) => {
        if (!document.querySelector('.tabbed-set')) return;
        window.bothAtFirstTabSet = document.documentElement.classList.contains('guide-both-tabs');
        observer.disconnect();
    }).observe(document, {childList: true, subtree: true});""")
    reader.goto(site_url + "models/")
    assert reader.evaluate("window.bothAtFirstTabSet") is True


# --- Accessibility -----------------------------------------------------------------------------------------------

AXE_RUN = """async () => (await axe.run(document, {resultTypes: ['violations']})).violations.map(v => ({
    id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.map(n => n.target.join(' ')), summary: v.nodes[0].failureSummary }))"""


def violations(page) -> list[dict]:
    page.add_script_tag(path=str(axe_script()))
    return page.evaluate(AXE_RUN)


def listing(found: list[dict]) -> str:
    lines = []
    for v in found:
        lines.append(f"{v['id']} ({v['impact']}, {len(v['nodes'])} elements): {v['help']}")
        lines += [f"    {target}" for target in v["nodes"][:8]] + ([f"    ... {len(v['nodes']) - 8} more"] if len(v["nodes"]) > 8 else [])
        lines += ["    " + line.strip() for line in v["summary"].splitlines()[:3]]
    return "\n".join(lines)


@pytest.fixture(scope="module")
def scheme_page(browser):
    """One page per colour scheme, reused from page to page (a fresh page per test costs seconds each)."""
    contexts = {}

    def page_for(scheme):
        if scheme not in contexts:
            contexts[scheme] = browser.new_context(color_scheme=scheme, viewport=WIDE)
            contexts[scheme].new_page()
        return contexts[scheme].pages[0]

    yield page_for
    for context in contexts.values():
        context.close()


def test_the_accessibility_check_covers_every_page_of_the_site(built_site):
    """The pages checked below (mkdocs.yml's nav) are the pages of the built site (its sitemap)."""
    spaces = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    locations = [loc.text.strip() for loc in ET.parse(built_site / "sitemap.xml").findall("s:url/s:loc", spaces)]
    home = min(locations, key=len)
    assert sorted(loc.removeprefix(home) for loc in locations) == sorted(PAGES)


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("path", PAGES, ids=[p or "home" for p in PAGES])
def test_axe_finds_no_violation(scheme_page, site_url, built_site, request, scheme, path):
    """With --reuse (make test), a page whose built HTML, assets, versions and machine are those of an earlier pass
    is not opened again (engine/check/reuse.py: site_check_key)."""
    check_key = reuse.site_check_key(built_site, path, "axe", scheme)
    if reuse.enabled(request.config.getoption("reuse")) and reuse.check_passed(check_key):
        accounting.record("reuse", f"axe-core on /{path} ({scheme})", "site")
        return
    page = scheme_page(scheme)
    page.goto(site_url + path)
    ready(page)
    found = violations(page)
    assert found == [], f"axe-core on /{path} ({scheme} mode):\n{listing(found)}"
    reuse.record_pass(check_key)


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_axe_finds_no_violation_with_both_tabs_shown_and_the_search_open(browser, site_url, scheme):
    context = browser.new_context(color_scheme=scheme, viewport=WIDE)
    page = context.new_page()
    page.goto(site_url + "autograd/")
    ready(page)
    page.get_by_role("button", name=SWITCH).click()
    both = violations(page)
    page.locator(".md-search__input").first.click()
    page.keyboard.type("gradient", delay=20)
    page.locator(".md-search-result__item").first.wait_for(timeout=20000)
    searching = violations(page)
    context.close()
    assert both == [], f"axe-core with both tabs shown ({scheme} mode):\n{listing(both)}"
    assert searching == [], f"axe-core with the search open ({scheme} mode):\n{listing(searching)}"


# --- Weight ------------------------------------------------------------------------------------------------------

ENTRIES = """performance.getEntriesByType('navigation').concat(performance.getEntriesByType('resource'))
    .map(e => [e.name, e.transferSize])"""


def settled_entries(page) -> list:
    """The browser's record of every response, once nothing new has arrived for two seconds."""
    entries, quiet = [], 0
    while quiet < 4:
        page.wait_for_timeout(500)
        now = page.evaluate(ENTRIES)
        quiet = quiet + 1 if len(now) == len(entries) else 0
        entries = now
    return entries


SCRIPT_TAG = re.compile(r"<script\b[^>]*\bsrc=\"([^\"]+)\"[^>]*>")


def test_every_script_file_waits_until_the_page_is_parsed(built_site):
    """overrides/main.html defers Material's script and the guide's, so that a slow connection paints the page before
    it has them (Lighthouse counted them as blocking the first paint); the cheat sheet defers its own. A theme update
    that writes its script tags another way would undo that without a word: this finds it."""
    blocking = []
    for html_file in sorted(built_site.rglob("*.html")):
        for match in SCRIPT_TAG.finditer(html_file.read_text(encoding="utf-8")):
            if not re.search(r"\s(defer|async)[\s>=]", match[0]):
                blocking.append(f"{html_file.relative_to(built_site)}: {match[0]}")
    assert blocking == [], "scripts that hold up the first paint:\n" + "\n".join(blocking[:10])
    assert 'bundle.' in (built_site / "index.html").read_text(encoding="utf-8")


@pytest.mark.parametrize("path", ["", "tensors/"], ids=["home", "tensors"])
def test_a_first_visit_downloads_at_most_460_kb(reader, site_url, path):
    """Everything a first visit with an empty cache receives, headers included (the local server compresses nothing)."""
    reader.goto(site_url + path, wait_until="networkidle")
    entries = settled_entries(reader)
    total = sum(size for _, size in entries)
    detail = "\n".join(f"{size:9d} {name.removeprefix(site_url)}" for name, size in sorted(entries, key=lambda e: -e[1]))
    assert total <= FIRST_VISIT_BUDGET, f"/{path}: {total} bytes\n{detail}"


def test_the_search_index_is_fetched_when_the_reader_goes_to_the_search_box(reader, site_url):
    requested = []
    reader.on("request", lambda request: requested.append(request.url))
    reader.goto(site_url + "tensors/", wait_until="networkidle")
    settled_entries(reader)
    assert not any(url.endswith("search/search_index.json") for url in requested)
    with reader.expect_response(lambda response: response.url.endswith("search/search_index.json")):
        reader.locator(".md-search__input").first.click()
    reader.keyboard.type("no_grad", delay=20)  # a name that appears only in code
    results = reader.locator(".md-search-result__item")
    results.first.wait_for(timeout=15000)
    assert "Automatic differentiation" in " ".join(results.all_inner_texts())


def search_hook():
    return search_index


def test_the_search_index_keeps_prose_and_the_names_in_code_and_drops_outputs():
    prose = "<p>Record with <code>tf.GradientTape</code>, then ask the tape.</p>"
    index = {"config": {}, "docs": [
        {"location": "autograd/", "title": "Autograd", "text": prose},
        {"location": "autograd/#a", "title": "A", "text": prose + " PyTorchTensorFlow "
            "<pre><code>import torch\nwith torch.no_grad():  # no tape\n    y = x * 2\n</code></pre> "
            "Output<pre><code>tensor([2., 4.])\nRuntimeError: mat1 and mat2 shapes cannot be multiplied\n</code></pre> "
            "<pre><code>import tensorflow as tf\nwith tf.GradientTape() as tape:\n    y = x * 2\n</code></pre> "
            "Output<pre><code>tf.Tensor([2. 4.], shape=(2,), dtype=float32)\n</code></pre>"},
        {"location": "notebooks/nb/", "title": "Notebook", "text": "In\u00a0[1]: Copied! <pre>import torch\n</pre> "
            "import torch <p>A cell.</p> train (1347, 1, 8, 8)"},
        {"location": "cheat-sheet/#padding", "title": "Padding", "text": "8 rows "
            f"<p>{render.NO_SCRIPTS} the page of every table.</p>"},
    ]}
    docs = search_hook().smaller(index, {"notebooks/nb/"})["docs"]
    assert docs[0] == index["docs"][0]  # prose is left alone
    assert docs[1]["text"] == (
        prose + " <pre><code>import torch with no_grad no tape y x</code></pre> "
        "<pre><code>RuntimeError: mat1 and mat2 shapes cannot be multiplied</code></pre> "
        "<pre><code>tensorflow as tf GradientTape</code></pre>")  # "tape" was in the first block
    assert docs[2]["text"] == "<pre><code>import torch</code></pre> <p>A cell.</p>"
    assert docs[3]["text"] == "8 rows"


def test_the_built_search_index_is_the_smaller_one(built_site):
    docs = json.loads((built_site / "search" / "search_index.json").read_text())["docs"]
    text = {page: " ".join(d["text"] for d in docs if d["location"].split("#")[0] == page) for page in PAGES}
    assert not any("PyTorchTensorFlow" in t or "Output<pre>" in t for t in text.values())
    assert "GradientTape" in text["autograd/"] and "no_grad" in text["autograd/"]
    assert "mat1 and mat2 shapes cannot be multiplied" in text["debugging/"]  # an output's error line
