"""A smaller search index, with the same prose and the same code names in it.

Material's search plugin writes search/search_index.json with the full text of every section, code and outputs
included, and every first visit downloads it. After the plugin has written it (hooks run after plugins), the site
hooks rewrite it with `smaller`:

- prose, headings, inline code and tables stay as they are: the text a search result shows;
- a code block becomes the names and words it contains that the page's earlier code blocks have not already put
  in the index (the whole page is one search result either way), so every identifier is still found;
- an output block is dropped, except its lines that name an error or a warning (readers search error messages);
- the framework tab labels ("PyTorchTensorFlow"), the download links' text and the cheat sheet's note for readers
  without scripts (once per table: the rows themselves are searched on the tables page) are dropped;
- on a notebook page, the text outside paragraphs, lists and code (a second copy of each cell's code, its outputs,
  the "In [1]: Copied!" prompts) is dropped.
"""

from __future__ import annotations

import html
import json
import re
from pathlib import Path

from engine.cheatsheet import render as cheat_sheet

BLOCK = re.compile(r"(?P<output>Output\s*)?<pre>(?:<code>)?(?P<body>.*?)(?:</code>)?</pre>", re.DOTALL)  # code or output
ERROR_LINE = re.compile(r"\b\w*(?:Error|Exception|Warning)\b")
NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
LABELS = re.compile(r"\s*PyTorchTensorFlow\s*")
DOWNLOADS = re.compile(r"<p>Run this page yourself</p>\s*<p>PyTorch: notebook[^<]*</p>")
NO_SCRIPTS = re.compile(f"<p>{re.escape(cheat_sheet.NO_SCRIPTS)}.*?</p>")
KEPT = re.compile(r"<p>.*?</p>|<ul>.*?</ul>|<ol>.*?</ol>|<pre>.*?</pre>", re.DOTALL)

def _blocks(seen: set[str]):
    """A code block becomes its names not seen before on the page; an output block, its error lines."""
    def replace(match: re.Match) -> str:
        body = html.unescape(match.group("body"))
        if match.group("output"):
            kept = "\n".join(line for line in body.splitlines() if ERROR_LINE.search(line))
        else:
            names = []
            for name in NAME.findall(body):
                if name not in seen:
                    seen.add(name)
                    names.append(name)
            kept = " ".join(names)
        return f"<pre><code>{html.escape(kept, quote=False)}</code></pre>" if kept else ""
    return replace


def smaller(index: dict, notebooks: set[str]) -> dict:
    seen_on: dict[str, set[str]] = {}
    docs = []
    for entry in index["docs"]:
        page = entry["location"].split("#")[0]
        text = entry["text"]
        if page in notebooks:
            text = " ".join(KEPT.findall(text))
        text = LABELS.sub(" ", DOWNLOADS.sub("", NO_SCRIPTS.sub("", text)))
        text = BLOCK.sub(_blocks(seen_on.setdefault(page, set())), text)
        docs.append({**entry, "text": re.sub(r"[ \t]{2,}", " ", text).strip()})
    return {**index, "docs": docs}


def rewrite(path: Path, notebooks: set[str]) -> None:
    """Make the search index at `path` smaller, in place; `notebooks` are the URLs of the pages made from notebooks."""
    if path.exists():
        index = smaller(json.loads(path.read_text(encoding="utf-8")), notebooks)
        path.write_text(json.dumps(index, separators=(",", ":"), ensure_ascii=False), encoding="utf-8")
