"""The checks, as a pytest plugin (pyproject.toml loads it with `-p engine.check.plugin`).

    plugin       pages become tests: the lint, one program per framework, same-output sets, the reader's view
    session      the folder one test session shares: its site, run records and counts
    site_build   the session's one `mkdocs build --strict`, waited for by every test that reads the site
    reader       the built pages and downloads against the program runs (what a reader copies is what ran)
    summary      the report at the end: blocks executed and skipped per page, the slowest programs, work done
"""
