/* The guide's additions to the Material theme, run on every page (and after every instant navigation):
   - a header switch that shows the PyTorch and the TensorFlow tab of every tab set at once, remembered like the tab
     choice (localStorage; overrides/main.html applies it before the first paint);
   - an exercise's collapsed solution opens on the tab the reader picked;
   - accessibility fixes for markup that Material and the notebook pages generate. */
(function () {
  "use strict";

  var KEY = "guide.bothTabs";
  var CLASS = "guide-both-tabs";
  var root = document.documentElement;
  var ICON = '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 24 24" aria-hidden="true">' +
    '<path fill-rule="evenodd" d="M2 4h9v16H2zm2 2v12h5V6zm9-2h9v16h-9zm2 2v12h5V6z"/></svg>';

  function chosen() {
    try { return localStorage.getItem(KEY) === "1"; } catch (e) { return false; }
  }

  function show(both) {
    root.classList.toggle(CLASS, both);
    document.querySelectorAll(".guide-tabs-switch").forEach(function (button) {
      button.setAttribute("aria-pressed", String(both));
    });
    setTimeout(markScrollable, 0); // it measures the layout: not in the middle of Material's own start-up
  }

  function addSwitch() {
    var header = document.querySelector(".md-header__inner");
    if (!header || header.querySelector(".guide-tabs-switch")) return; // instant navigation keeps the header
    var button = document.createElement("button");
    button.type = "button";
    button.className = "md-header__button md-icon guide-tabs-switch";
    button.title = "Show PyTorch and TensorFlow side by side";
    button.setAttribute("aria-label", button.title);
    button.innerHTML = ICON;
    button.addEventListener("click", function () {
      var both = !root.classList.contains(CLASS);
      try { localStorage.setItem(KEY, both ? "1" : "0"); } catch (e) { /* private mode: this page only */ }
      show(both);
    });
    // Next to the colour-scheme toggle, before the search.
    var before = header.querySelector("[data-md-component=palette]") || header.querySelector("label[for=__search]");
    header.insertBefore(button, before);
  }

  // Another window of the site changed the choice.
  window.addEventListener("storage", function (event) {
    if (event.key === KEY) show(event.newValue === "1");
  });

  /* Collapsed solutions ------------------------------------------------------------------------------------- */

  // Material's linked tabs find the tabs to switch by their labels' rendered text, and the content of a closed
  // <details> (an exercise's solution, `??? success "Solution"`) is not rendered: its tabs stay on PyTorch whatever
  // the reader picked. When a solution opens, pick in it the tab that the page's other tab sets show.
  function pickedLabel(except) {
    var sets = document.querySelectorAll(".md-content .tabbed-set");
    for (var i = 0; i < sets.length; i++) {
      if (except.contains(sets[i]) || sets[i].closest("details:not([open])")) continue;
      var input = sets[i].querySelector(":scope > input:checked");
      var label = input && sets[i].querySelector("label[for='" + input.id + "']");
      if (label) return label.textContent.trim();
    }
    return null;
  }

  document.addEventListener("toggle", function (event) { // toggle does not bubble: listened to while captured
    var details = event.target;
    if (!(details instanceof HTMLDetailsElement) || !details.open) return;
    var picked = pickedLabel(details);
    if (!picked) return;
    details.querySelectorAll(".tabbed-set").forEach(function (set) {
      set.querySelectorAll(":scope > .tabbed-labels > label").forEach(function (label) {
        var input = document.getElementById(label.htmlFor);
        if (label.textContent.trim() === picked && input && !input.checked) label.click(); // as the reader would
      });
    });
  }, true);

  /* Accessibility ------------------------------------------------------------------------------------------- */

  // A region that scrolls must be reachable with the keyboard. Material does this for code blocks; tables wider
  // than the page and the notebook pages' code cells need it too. Checked again when the layout changes.
  var SCROLLERS = ".md-typeset__scrollwrap, .md-content pre, .md-content .highlight-ipynb, .jp-OutputArea-output";
  var FOCUSABLE = "a[href], button, input, select, textarea, [tabindex]";

  function markScrollable() {
    document.querySelectorAll(SCROLLERS).forEach(function (el) {
      var style = getComputedStyle(el);
      var scrolls = (el.scrollWidth > el.clientWidth && /auto|scroll/.test(style.overflowX)) ||
        (el.scrollHeight > el.clientHeight && /auto|scroll/.test(style.overflowY));
      if (scrolls && !el.hasAttribute("tabindex") && !el.querySelector(FOCUSABLE)) {
        el.setAttribute("tabindex", "0");
        el.setAttribute("data-guide-scrollable", "");
      } else if (!scrolls && el.hasAttribute("data-guide-scrollable")) {
        el.removeAttribute("tabindex");
        el.removeAttribute("data-guide-scrollable");
      }
    });
  }

  function fixMarkup(scope) {
    // The search dialog has no accessible name.
    scope.querySelectorAll(".md-search[role=dialog]:not([aria-label])").forEach(function (el) {
      el.setAttribute("aria-label", "Search");
    });
    // Material wraps each code block's copy button in a <nav>: dozens of unnamed navigation landmarks per page.
    // It is a group of buttons, not navigation.
    scope.querySelectorAll("nav.md-code__nav:not([role])").forEach(function (el) {
      el.setAttribute("role", "none");
    });
    // An empty header cell (the corner of a comparison table) is a data cell, not a header without a name.
    scope.querySelectorAll(".md-typeset th").forEach(function (th) {
      if (th.textContent.trim() || th.hasAttribute("aria-label")) return;
      var td = document.createElement("td");
      Array.prototype.forEach.call(th.attributes, function (a) { td.setAttribute(a.name, a.value); });
      th.replaceWith(td);
    });
  }

  new MutationObserver(function (records) {
    records.forEach(function (record) {
      record.addedNodes.forEach(function (node) {
        if (node.nodeType === 1 && node.parentNode) fixMarkup(node.parentNode);
      });
    });
  }).observe(document.body, { childList: true, subtree: true });

  var resizing;
  window.addEventListener("resize", function () {
    clearTimeout(resizing);
    resizing = setTimeout(markScrollable, 200);
  });

  function setUp() {
    addSwitch();
    fixMarkup(document);
    show(chosen());
  }

  if (typeof window.document$ !== "undefined") {
    window.document$.subscribe(setUp); // Material's page-ready signal, also after an instant navigation
  } else {
    setUp();
  }
})();
