/* The cheat sheet's tables and their filter box.

   The site hook (engine/cheatsheet/render.py) writes each table under its heading in a closed <details> block, with
   the table inside a <noscript>: a browser that runs this script holds it as one piece of text, and a first visit
   lays out headings, not hundreds of rows. This script makes the table when the block is first opened (by the
   reader, by the filter, by the button that opens every table, or by a link to a row inside it), wrapped as the
   theme wraps tables, and reachable with the keyboard where it scrolls sideways.

   The filter box: typing in it keeps only the table rows whose text (operation, note, code, or a known difference's
   input and results) contains the typed text, ignoring case; ticking "only rows with a known difference" keeps only
   the rows that link to one and the rows of the "Known differences" table. The tables with rows left are opened;
   the others are hidden with their heading and their entry in the table of contents. An empty box and no tick give
   the page back as it was before filtering; Escape empties the box. The rows are read from the tables' text, so the
   filter covers every row without making the tables it hides.

   It runs on every page view: through Material's `document$` when the theme provides it (so it also works with
   instant navigation, which swaps pages without reloading scripts), otherwise once the page has loaded. On pages
   without the box it does nothing. */
(function () {
  "use strict";

  /* A table block: its <details>, its heading, and (once read) its rows, each with its text in lower case. */
  function Category(details) {
    var heading = details.previousElementSibling;
    while (heading && !/^H[1-6]$/.test(heading.tagName)) {
      heading = heading.previousElementSibling;
    }
    this.details = details;
    this.heading = heading;
    this.table = null; // the <table>, once read from the <noscript>
    this.rows = null;
  }

  /* Read the table from its <noscript> (without putting it on the page): the rows can be filtered before they are shown. */
  Category.prototype.read = function () {
    if (this.table) {
      return;
    }
    var holder = this.details.querySelector("noscript");
    var template = document.createElement("template");
    template.innerHTML = holder ? holder.textContent : "";
    this.table = template.content.querySelector("table");
    this.rows = Array.prototype.map.call(this.table ? this.table.querySelectorAll("tbody tr") : [], function (row) {
      return { row: row, text: row.textContent.toLowerCase(), differs: row.querySelector("[data-differs]") !== null };
    });
  };

  /* Put the table on the page, in the wrappers the theme gives the tables it knows at load time. */
  Category.prototype.show = function () {
    this.read();
    var holder = this.details.querySelector("noscript");
    if (!holder || !this.table) {
      return;
    }
    var scroller = document.createElement("div");
    scroller.className = "md-typeset__scrollwrap";
    var wrapper = document.createElement("div");
    wrapper.className = "md-typeset__table";
    var block = document.createElement("div");
    block.className = "cheat-sheet-table";
    wrapper.appendChild(this.table);
    scroller.appendChild(wrapper);
    block.appendChild(scroller);
    holder.replaceWith(block);
    markScrollable(scroller);
  };

  /* A table wider than the page scrolls sideways, so it must take the keyboard's focus (as guide.js does for the
     tables present at load time; it keeps this mark up to date when the window is resized). */
  function markScrollable(scroller) {
    if (scroller.scrollWidth > scroller.clientWidth && !scroller.hasAttribute("tabindex")) {
      scroller.setAttribute("tabindex", "0");
      scroller.setAttribute("data-guide-scrollable", "");
    }
  }

  /* The table-of-contents entries (in the sidebar, and in the menu on small screens) that link to a heading. */
  function tocEntries(heading) {
    if (!heading || !heading.id) {
      return [];
    }
    var links = document.querySelectorAll(".md-nav a[href='#" + heading.id + "']");
    return Array.prototype.map.call(links, function (link) {
      return link.closest("li") || link;
    });
  }

  function setUp() {
    var input = document.getElementById("cheat-sheet-filter");
    if (!input || input.dataset.filterReady) {
      return;
    }
    input.dataset.filterReady = "true";
    var box = input.closest(".cheat-sheet-filter");
    var differs = document.getElementById("cheat-sheet-differs");
    var openAll = document.getElementById("cheat-sheet-open-all");
    var status = document.getElementById("cheat-sheet-filter-count");
    var categories = Array.prototype.map.call(document.querySelectorAll("details.cheat-sheet-category"), function (d) {
      return new Category(d);
    });
    var before = null; // which tables were open when filtering began, to give them back when it ends

    function label() {
      var closed = categories.some(function (category) { return !category.details.open && !category.details.hidden; });
      openAll.textContent = closed ? "Open every table" : "Close every table";
    }

    categories.forEach(function (category) {
      category.details.addEventListener("toggle", function () {
        if (category.details.open) {
          category.show();
        }
        label();
      });
    });

    function open(category) {
      category.show();
      category.details.open = true;
    }

    function filter() {
      var query = input.value.trim().toLowerCase();
      var onlyDiffers = differs.checked;
      var filtering = query !== "" || onlyDiffers;
      if (filtering && before === null) {
        before = categories.map(function (category) { return category.details.open; });
      }
      var shown = 0;
      var total = 0;
      categories.forEach(function (category, i) {
        category.read();
        var left = 0;
        category.rows.forEach(function (entry) {
          var keep = (query === "" || entry.text.indexOf(query) !== -1) && (!onlyDiffers || entry.differs);
          entry.row.hidden = !keep;
          left += keep ? 1 : 0;
        });
        total += category.rows.length;
        shown += left;
        var hide = filtering && left === 0;
        category.details.hidden = hide;
        if (category.heading) {
          category.heading.hidden = hide;
        }
        tocEntries(category.heading).forEach(function (entry) {
          entry.hidden = hide;
        });
        if (filtering && left > 0) {
          open(category);
        } else if (!filtering && before !== null) {
          category.details.open = before[i];
        }
      });
      if (!filtering) {
        before = null;
      }
      var typed = input.value.trim();
      if (!filtering) {
        status.textContent = "";
      } else if (shown === 0) {
        status.textContent = onlyDiffers
          ? (query === "" ? "No row has a known difference." : "No row with a known difference contains \u201c" + typed + "\u201d.")
          : "No row contains \u201c" + typed + "\u201d.";
      } else {
        status.textContent = shown + " of " + total + (total === 1 ? " row" : " rows") + " shown.";
      }
    }

    function clearFilter() {
      input.value = "";
      differs.checked = false;
      filter();
    }

    /* Show the element with this id: clear a filter that hides it, open the table that holds it (making the table
       first if it is not on the page yet), and scroll to it. */
    function reveal(id) {
      var target = document.getElementById(id);
      if (!target) {
        var holder = categories.filter(function (category) {
          var noscript = category.details.querySelector("noscript");
          return noscript && noscript.textContent.indexOf('id="' + id + '"') !== -1;
        })[0];
        if (!holder) {
          return false;
        }
        open(holder);
        target = document.getElementById(id);
      }
      if (!target) {
        return false;
      }
      if (target.closest("[hidden]") && (input.value !== "" || differs.checked)) {
        clearFilter();
      }
      var details = target.closest("details.cheat-sheet-category");
      var category = categories.filter(function (c) { return c.details === details || c.heading === target; })[0];
      if (category) {
        open(category);
      }
      target.scrollIntoView();
      return true;
    }

    input.addEventListener("input", filter);
    differs.addEventListener("change", filter);
    input.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && input.value !== "") {
        input.value = "";
        filter();
      }
    });
    openAll.addEventListener("click", function () {
      var opening = categories.some(function (category) { return !category.details.open && !category.details.hidden; });
      categories.forEach(function (category) {
        if (opening && !category.details.hidden) {
          open(category);
        } else if (!opening) {
          category.details.open = false;
        }
      });
      openAll.textContent = opening ? "Close every table" : "Open every table"; // before the toggle events come
    });
    // A link to a row, a known difference or a table (from the page or the table of contents) shows it.
    document.addEventListener("click", function (event) {
      var link = event.target.closest && event.target.closest("a[href^='#']");
      if (!link || !document.contains(input)) {
        return;
      }
      var id = decodeURIComponent(link.getAttribute("href").slice(1));
      var target = document.getElementById(id);
      if (id && (!target || target.closest("[hidden]") || target.closest("details:not([open])") ||
                 categories.some(function (c) { return c.heading === target; }))) {
        if (reveal(id)) {
          event.preventDefault();
          history.pushState(null, "", "#" + encodeURIComponent(id));
        }
      }
    });
    window.addEventListener("hashchange", function () {
      if (document.contains(input) && location.hash.length > 1) {
        reveal(decodeURIComponent(location.hash.slice(1)));
      }
    });
    box.hidden = false;
    if (location.hash.length > 1) {
      reveal(decodeURIComponent(location.hash.slice(1))); // the page was opened at a row or a table
    }
    if (input.value !== "" || differs.checked) {
      filter(); // the browser may restore the text or the tick on a return to the page
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
