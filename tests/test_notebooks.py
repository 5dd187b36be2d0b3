"""Every downloadable notebook runs top to bottom in a Jupyter kernel, as a reader would run it."""

from __future__ import annotations

import os

import nbclient
import pytest

from harness import downloads
from harness.execute import ONE_THREAD, QUIET_ENVIRONMENT
from harness.page import ROOT, read_page

PAGES = sorted((ROOT / "docs").glob("*.md"))


def programs():
    for path in PAGES:
        page = read_page(path)
        for framework in page.frameworks() if page.blocks else []:
            yield pytest.param(page, framework, id=f"{path.name}-{framework}")


@pytest.mark.parametrize("page, framework", list(programs()))
def test_notebook_runs_top_to_bottom(page, framework, tmp_path, monkeypatch):
    nb = downloads.notebook(page, framework, "https://example.org/", "intro")
    for name, value in {**QUIET_ENVIRONMENT, **ONE_THREAD}.items():
        monkeypatch.setenv(name, value)
    client = nbclient.NotebookClient(nb, timeout=300, kernel_name="python3", resources={"metadata": {"path": str(tmp_path)}})
    try:
        client.execute()
    except nbclient.exceptions.CellExecutionError as err:
        pytest.fail(f"{page.path.name} [{framework}] notebook: a cell failed\n{err}", pytrace=False)
    code_cells = [c for c in nb.cells if c.cell_type == "code"]
    assert code_cells and all(c.execution_count for c in code_cells)
