/* The cheat sheet's tables and their filter box.

   The site hook (engine/cheatsheet/render.py) puts every table on a page of its own, the tables page (the filter
   box's data-tables link), and on the cheat sheet only each table's heading and a closed <details> block whose
   data-table names the table. A first visit therefore downloads and lays out headings, not hundreds of rows. This
   script fetches the tables page once, the first time a table is needed: when a block is opened (by the reader, by
   the filter, by the button that opens every table, or by a link to a row inside it), or when the filter is used. It
   starts the download as soon as the reader comes near the box or a block (pointer or keyboard focus), so that the
   tables are usually there when they are wanted. A table is moved into its block when the block is first opened,
   wrapped as the theme wraps tables, and reachable with the keyboard where it scrolls sideways. When the tables page
   cannot be fetched, the opened blocks and the box say so and link to it.

   The filter box: typing in it keeps only the table rows whose text (operation, note, code, or a known difference's
   input and results) contains the typed text, ignoring case; ticking "only rows with a known difference" keeps only
   the rows that link to one and the rows of the "Known differences" table. The tables with rows left are opened;
   the others are hidden with their heading and their entry in the table of contents. An empty box and no tick give
   the page back as it was before filtering; Escape empties the box. The rows are read from the fetched tables, so the
   filter covers every row without putting on the page the tables it hides.

   It runs once the page is parsed: on Material's `document$` when the theme's script has already run (as it has after
   an instant navigation, which swaps pages without reloading scripts), otherwise on DOMContentLoaded (on a first
   load both scripts are deferred, and this one comes first). On pages without the box it does nothing. */
(function () {
  "use strict";

  /* The tables page, fetched and parsed once; a failed download is tried again at the next need. */
  function Tables(url) {
    this.url = url;
    this.promise = null; // the parsed page, once asked for
  }

  Tables.prototype.load = function () {
    var self = this;
    if (!this.promise) {
      this.promise = fetch(this.url).then(function (response) {
        if (!response.ok) {
          throw new Error("the server answered " + response.status);
        }
        return response.text();
      }).then(function (text) {
        return new DOMParser().parseFromString(text, "text/html");
      });
      this.promise.catch(function () {
        self.promise = null;
      });
    }
    return this.promise;
  };

  /* A table block: its <details>, its heading, and (once read from the tables page) its table and rows, each row
     with its text in lower case. */
  function Category(details) {
    var heading = details.previousElementSibling;
    while (heading && !/^H[1-6]$/.test(heading.tagName)) {
      heading = heading.previousElementSibling;
    }
    this.details = details;
    this.heading = heading;
    this.key = details.getAttribute("data-table");
    this.table = null;
    this.rows = [];
    this.shown = false;
  }

  /* Take the table out of the fetched tables page (without putting it on this page yet). */
  Category.prototype.read = function (source) {
    if (this.table) {
      return;
    }
    var holder = source.querySelector("[data-table='" + this.key + "']");
    this.table = holder ? holder.querySelector("table") : null;
    this.rows = Array.prototype.map.call(this.table ? this.table.querySelectorAll("tbody tr") : [], function (row) {
      return { row: row, text: row.textContent.toLowerCase(), differs: row.querySelector("[data-differs]") !== null };
    });
  };

  /* Whether the table holds an element with this id. */
  Category.prototype.holds = function (id) {
    return this.table !== null && this.table.querySelector("[id='" + CSS.escape(id) + "']") !== null;
  };

  /* A line in the block in place of its table: that it is loading, or that it could not be loaded. */
  Category.prototype.say = function (nodes) {
    var old = this.details.querySelector(".cheat-sheet-message");
    if (old) {
      old.remove();
    }
    var line = document.createElement("p");
    line.className = "cheat-sheet-message";
    nodes.forEach(function (node) { line.append(node); });
    this.details.appendChild(line);
  };

  /* Put the table on the page, in the wrappers the theme gives the tables it knows at load time. */
  Category.prototype.show = function () {
    if (this.shown || !this.table) {
      return;
    }
    this.shown = true;
    var message = this.details.querySelector(".cheat-sheet-message");
    if (message) {
      message.remove();
    }
    var scroller = document.createElement("div");
    scroller.className = "md-typeset__scrollwrap";
    var wrapper = document.createElement("div");
    wrapper.className = "md-typeset__table";
    var block = document.createElement("div");
    block.className = "cheat-sheet-table";
    wrapper.appendChild(document.adoptNode(this.table));
    scroller.appendChild(wrapper);
    block.appendChild(scroller);
    this.details.appendChild(block);
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
    var tables = new Tables(new URL(box.getAttribute("data-tables"), location.href).href);
    var differs = document.getElementById("cheat-sheet-differs");
    var openAll = document.getElementById("cheat-sheet-open-all");
    var status = document.getElementById("cheat-sheet-filter-count");
    var categories = Array.prototype.map.call(document.querySelectorAll("details.cheat-sheet-category"), function (d) {
      return new Category(d);
    });
    var before = null; // which tables were open when filtering began, to give them back when it ends
    var ready = false; // whether the categories have read their tables from the tables page

    /* What the reader sees when the tables page cannot be fetched: why, and a link to it. */
    function unavailable(error) {
      var link = document.createElement("a");
      link.href = tables.url;
      link.textContent = "the page of every table";
      return ["The tables could not be loaded (" + error.message + "); every table is on ", link, "."];
    }

    /* Run `action` with the tables read: at once when they are, otherwise once the tables page has arrived. */
    function withTables(action, failed) {
      if (ready) {
        action();
        return;
      }
      tables.load().then(function (source) {
        if (!ready) {
          categories.forEach(function (category) { category.read(source); });
          ready = true;
        }
        action();
      }).catch(function (error) {
        if (failed) {
          failed(error);
        }
      });
    }

    function fetchSoon() {
      tables.load().catch(function () {}); // a failure is reported when the tables are needed
    }

    function label() {
      var closed = categories.some(function (category) { return !category.details.open && !category.details.hidden; });
      openAll.textContent = closed ? "Open every table" : "Close every table";
    }

    function open(category) {
      category.details.open = true;
      category.show(); // once the tables are read; until then the toggle event's handler waits for them
    }

    categories.forEach(function (category) {
      category.details.addEventListener("toggle", function () {
        if (category.details.open && !category.shown) {
          if (!ready) {
            category.say(["Loading the table\u2026"]);
          }
          withTables(function () { category.show(); }, function (error) { category.say(unavailable(error)); });
        }
        label();
      });
      var summary = category.details.querySelector("summary");
      summary.addEventListener("pointerenter", fetchSoon);
      summary.addEventListener("focus", fetchSoon);
    });
    box.addEventListener("pointerenter", fetchSoon);
    box.addEventListener("focusin", fetchSoon);

    function filtering() {
      return input.value.trim() !== "" || differs.checked;
    }

    function filter() {
      var query = input.value.trim().toLowerCase();
      var onlyDiffers = differs.checked;
      var active = filtering();
      if (active && before === null) {
        before = categories.map(function (category) { return category.details.open; });
      }
      var shown = 0;
      var total = 0;
      categories.forEach(function (category, i) {
        var left = 0;
        category.rows.forEach(function (entry) {
          var keep = (query === "" || entry.text.indexOf(query) !== -1) && (!onlyDiffers || entry.differs);
          entry.row.hidden = !keep;
          left += keep ? 1 : 0;
        });
        total += category.rows.length;
        shown += left;
        var hide = active && left === 0;
        category.details.hidden = hide;
        if (category.heading) {
          category.heading.hidden = hide;
        }
        tocEntries(category.heading).forEach(function (entry) {
          entry.hidden = hide;
        });
        if (active && left > 0) {
          open(category);
        } else if (!active && before !== null) {
          category.details.open = before[i];
        }
      });
      if (!active) {
        before = null;
      }
      var typed = input.value.trim();
      if (!active) {
        status.textContent = "";
      } else if (shown === 0) {
        status.textContent = onlyDiffers
          ? (query === "" ? "No row has a known difference." : "No row with a known difference contains \u201c" + typed + "\u201d.")
          : "No row contains \u201c" + typed + "\u201d.";
      } else {
        status.textContent = shown + " of " + total + (total === 1 ? " row" : " rows") + " shown.";
      }
    }

    /* Filter now, or once the tables have arrived (saying so meanwhile). */
    function filterWhenReady() {
      if (!ready && filtering()) {
        status.textContent = "Loading the tables\u2026";
      }
      withTables(filter, function (error) {
        status.textContent = "";
        unavailable(error).forEach(function (node) { status.append(node); });
      });
    }

    function clearFilter() {
      input.value = "";
      differs.checked = false;
      filter();
    }

    /* Show the element with this id: clear a filter that hides it, open the table that holds it (putting the table
       on the page first if it is not there yet), and scroll to it. */
    function reveal(id) {
      var present = document.getElementById(id);
      if (present && !present.closest("details.cheat-sheet-category") && !isHeading(present)) {
        if (present.closest("[hidden]") && filtering()) {
          clearFilter();
          present.scrollIntoView();
        }
        return; // a part of the page outside the tables: the tables page is not needed
      }
      withTables(function () {
        var target = document.getElementById(id);
        if (!target) {
          var holder = categories.filter(function (category) { return category.holds(id); })[0];
          if (!holder) {
            return;
          }
          open(holder);
          target = document.getElementById(id);
        }
        if (target.closest("[hidden]") && filtering()) {
          clearFilter();
        }
        var details = target.closest("details.cheat-sheet-category");
        var category = categories.filter(function (c) { return c.details === details || c.heading === target; })[0];
        if (category) {
          open(category);
        }
        target.scrollIntoView();
      });
    }

    function isHeading(element) {
      return categories.some(function (category) { return category.heading === element; });
    }

    /* Whether this page, or a table not on it yet, has an element with this id. */
    function known(id) {
      return document.getElementById(id) !== null || !ready ||
        categories.some(function (category) { return category.holds(id); });
    }

    input.addEventListener("input", filterWhenReady);
    differs.addEventListener("change", filterWhenReady);
    input.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && input.value !== "") {
        input.value = "";
        filterWhenReady();
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
      if (id && known(id) && (!target || target.closest("[hidden]") || target.closest("details:not([open])") ||
                              isHeading(target))) {
        event.preventDefault();
        history.pushState(null, "", "#" + encodeURIComponent(id));
        reveal(id);
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
    if (filtering()) {
      filterWhenReady(); // the browser may restore the text or the tick on a return to the page
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
