"""The cheat sheet: rows.py (the rows), render.py (the page's tables), program.py and side.py (the rows run in
both frameworks through the runner, for tests/test_cheat_sheet.py)."""
