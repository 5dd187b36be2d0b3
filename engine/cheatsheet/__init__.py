"""The cheat sheet: data.py (reads the rows, kept in snippets/cheat-sheet/*.toml), render.py (the page's tables),
program.py and side.py (the rows run in both frameworks through the runner), compare.py (what a row's check means,
for tests/test_cheat_sheet.py), fuzz.py (the rows on generated inputs, and their known differences, for
tests/test_cheat_sheet_fuzz.py) and lint.py (each row's code compiled and linted as a snippet is). No module here
holds rows."""
