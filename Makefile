# Two commands do all set-up: `make serve` and `make test`. Both create .venv when it is missing or older than
# pyproject.toml. torch is installed first, from its CPU wheel, so nothing pulls a CUDA build.
SHELL := /bin/bash
VENV := .venv
PYTHON := $(VENV)/bin/python
READY := $(VENV)/.ready
PAGE ?= docs
export TF_ENABLE_ONEDNN_OPTS := 0
export TF_CPP_MIN_LOG_LEVEL := 1
export NO_MKDOCS_2_WARNING := 1
export PYTHONDONTWRITEBYTECODE := 1

.PHONY: serve test check outputs build clean

$(READY): pyproject.toml
	test -x $(PYTHON) || python3 -m venv $(VENV)
	$(PYTHON) -m pip install --quiet --disable-pip-version-check "$$(python3 -c 'import tomllib; d = tomllib.load(open("pyproject.toml", "rb")); print(next(x for x in d["project"]["dependencies"] if x.startswith("torch==")))')"
	python3 -c 'import tomllib; print("\n".join(tomllib.load(open("pyproject.toml", "rb"))["project"]["dependencies"]))' > $(VENV)/requirements.txt
	$(PYTHON) -m pip install --quiet --disable-pip-version-check -r $(VENV)/requirements.txt
	touch $(READY)

serve: $(READY)  ## the site on http://127.0.0.1:8000, rebuilt when a page or snippet changes
	$(VENV)/bin/mkdocs serve --dev-addr 127.0.0.1:8000 --watch snippets

test: $(READY)  ## everything CI checks
	$(PYTHON) -m pytest
	$(VENV)/bin/mkdocs build --strict --site-dir $(VENV)/site-check

check: $(READY)  ## one page: make check PAGE=docs/tensors.md
	$(PYTHON) -m pytest $(PAGE)

outputs: $(READY)  ## rewrite output blocks from a real run, then check: make outputs [PAGE=docs/tensors.md]
	$(PYTHON) -m pytest $(PAGE) --update-outputs -q
	$(PYTHON) -m pytest $(PAGE) -q

build: $(READY)  ## the static site in site/
	$(VENV)/bin/mkdocs build --strict

clean:
	rm -rf $(VENV) site
