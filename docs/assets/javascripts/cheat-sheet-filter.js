/* The cheat sheet's filter box: typing in it hides every table row whose text (operation, note or code) does not
   contain the typed text, ignoring case, and hides a category (its heading, its table and its entry in the table of
   contents) when none of its rows is left.
   An empty box shows every row again; Escape empties it.

   The box is written, hidden, above the tables by the site hook (tests/cheat_sheet/site_hook.py); this script shows
   it and makes it work. It runs on every page view: through Material's `document$` when the theme provides it (so
   it also works with instant navigation, which swaps pages without reloading scripts), otherwise once the page has
   loaded. On pages without the box it does nothing. */
(function () {
  "use strict";

  /* The category headings (h3) that follow the box, each with the elements holding its table, up to the next h2.
     Read afresh on every change: the theme wraps each table in scroll containers after the page loads. */
  function categories(box) {
    var found = [];
    for (var el = box.nextElementSibling; el && el.tagName !== "H2"; el = el.nextElementSibling) {
      if (el.tagName === "H3") {
        found.push({ heading: el, blocks: [], rows: [] });
      } else if (found.length && (el.tagName === "TABLE" || el.querySelector("table"))) {
        var category = found[found.length - 1];
        category.blocks.push(el);
        Array.prototype.push.apply(category.rows, el.querySelectorAll("tbody tr"));
      }
    }
    return found;
  }

  /* The table-of-contents entries (in the sidebar, and in the menu on small screens) that link to a heading. */
  function tocEntries(heading) {
    if (!heading.id) {
      return [];
    }
    var links = document.querySelectorAll(".md-nav a[href='#" + heading.id + "']");
    return Array.prototype.map.call(links, function (link) {
      return link.closest("li") || link;
    });
  }

  function update(box, input, status) {
    var query = input.value.trim().toLowerCase();
    var shown = 0;
    var total = 0;
    categories(box).forEach(function (category) {
      var left = 0;
      category.rows.forEach(function (row) {
        var keep = query === "" || row.textContent.toLowerCase().indexOf(query) !== -1;
        row.hidden = !keep;
        if (keep) {
          left += 1;
        }
      });
      total += category.rows.length;
      shown += left;
      category.heading.hidden = left === 0;
      category.blocks.forEach(function (block) {
        block.hidden = left === 0;
      });
      tocEntries(category.heading).forEach(function (entry) {
        entry.hidden = left === 0;
      });
    });
    if (query === "") {
      status.textContent = "";
    } else if (shown === 0) {
      status.textContent = "No row contains \u201c" + input.value.trim() + "\u201d.";
    } else {
      status.textContent = shown + " of " + total + (total === 1 ? " row" : " rows") + " shown.";
    }
  }

  function setUp() {
    var input = document.getElementById("cheat-sheet-filter");
    if (!input || input.dataset.filterReady) {
      return;
    }
    input.dataset.filterReady = "true";
    var box = input.closest(".cheat-sheet-filter");
    var status = document.getElementById("cheat-sheet-filter-count");
    var run = function () {
      update(box, input, status);
    };
    input.addEventListener("input", run);
    input.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && input.value !== "") {
        input.value = "";
        run();
      }
    });
    box.hidden = false;
    if (input.value !== "") {
      run(); // the browser may restore the text on a return to the page
    }
  }

  if (window.document$ && typeof window.document$.subscribe === "function") {
    window.document$.subscribe(setUp);
  } else if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", setUp);
  } else {
    setUp();
  }
})();
