"""The cheat sheet: data.py (reads the rows, kept in snippets/cheat-sheet/*.toml), render.py (the page's tables),
program.py and side.py (the rows run in both frameworks through the runner) and compare.py (what a row's check
means, for tests/test_cheat_sheet.py). No module here holds rows."""
