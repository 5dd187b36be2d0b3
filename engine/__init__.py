"""The engine of the guide: it reads the pages, runs their programs, checks every output, and builds the site.

    engine/
      settings.py     paths, the frameworks, the environment every program runs with
      verified.py     docs/verified.json, the stamp: its one reader and writer, and the check of a run against it
      accounting.py   counts parses, runs and builds, so a test proves each is done once
      requirements.py the pins from pyproject.toml, for the Makefile's install steps
      page/           the page model: the one scanner (fences, tabs), markers, blocks with includes expanded, the lint
                      and the snippets lint, writing outputs back
      run/            the one runner: a program in a child process, in a temporary folder and HOME of its own, killed
                      with all it started when it ends (program.py, child.py); comparing outputs
      check/          the pytest plugin: a page's tests, the session's one site build and its one deadline, the
                      reader's view, summary
      site/           MkDocs hooks (the only module that imports MkDocs), downloads, the release stamp
      cheatsheet/     the cheat sheet: reads its rows (data files, snippets/cheat-sheet/*.toml), makes their tables,
                      runs them in both frameworks, says what a row's check means, compiles and lints their code
      benchmark/      the performance page's measurements and what the page shows of them

Everything but site/hooks.py works without MkDocs, so another site generator could call the same functions.
"""
