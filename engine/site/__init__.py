"""The site: MkDocs hooks (hooks.py, named in mkdocs.yml), the downloads, and the release stamp and title."""
