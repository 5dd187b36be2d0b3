"""The cheat sheet (docs/cheat-sheet.md): rows as data, a render hook for MkDocs, and tests/test_cheat_sheet.py."""
