# Two commands do all set-up: `make serve` and `make test`. Both create .venv when it is missing or older than
# pyproject.toml: torch first (from TORCH_INDEX, see below), then the other pins, then the engine itself
# (`pip install --no-deps -e .`, so `import engine` works everywhere and mkdocs.yml can name its hooks).
SHELL := /bin/bash
VENV := .venv
PYTHON := $(VENV)/bin/python
KIND ?= cpu
READY := $(VENV)/.ready-$(KIND)
PIP := $(PYTHON) -m pip install --quiet --disable-pip-version-check
PAGE ?= docs
# Where torch comes from. Empty (the default): the package index pip is configured with, plus any local wheels it
# is told about (on the machines this guide is built on, the CPU wheel of the pinned torch lies on disk, so this
# works offline). On another Linux machine the default index brings the CUDA build, about 3 GB of NVIDIA wheels:
#   make test TORCH_INDEX=https://download.pytorch.org/whl/cpu     the CPU build, about 200 MB
TORCH_INDEX ?=
export NO_MKDOCS_2_WARNING := 1
export PYTHONDONTWRITEBYTECODE := 1

# The browser tests drive Debian's Chromium (a browser download by Playwright is never used).
CHROMIUM := /usr/bin/chromium
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: serve test test-gpu test-latest check outputs lint build benchmark publish clean

$(READY): pyproject.toml
	test -x $(PYTHON) || python3 -m venv $(VENV)
	$(PIP) $(if $(TORCH_INDEX),--index-url $(TORCH_INDEX)) $$(python3 -m engine.requirements torch)
	$(PIP) $$(python3 -m engine.requirements $(KIND))
	$(PIP) --no-deps --no-build-isolation -e .
	touch $(READY)

$(CHROMIUM):
	$(SUDO) apt-get update -qq
	DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq chromium >/dev/null

serve: $(READY)  ## the site on http://127.0.0.1:8000, rebuilt when a page or snippet changes
	GUIDE_SITE_URL=http://127.0.0.1:8000/ $(VENV)/bin/mkdocs serve --dev-addr 127.0.0.1:8000 --watch snippets --watch engine

test: $(READY) $(CHROMIUM)  ## everything CI checks: lint, pages, reader's view, harness, site build, browser, links, mike
	rm -rf .cache/mkdocs-jupyter  # the project notebooks run afresh in the one build of this run
	$(VENV)/bin/ruff check
	$(PYTHON) -m pytest -n 2 --dist loadgroup --with-site

# The GPU runner: every page's programs and the cheat-sheet rows, failing unless a GPU is visible, with numbers
# compared more loosely (GPU kernels change the last digits). It leaves out what a GPU does not change: the lint,
# the harness's own tests, the site build and the tests that read it (reader's view, browser, links, mike).
test-gpu:  ## every page's programs and the cheat sheet on a GPU (fails when none is visible)
	$(MAKE) KIND=gpu $(VENV)/.ready-gpu
	$(PYTHON) -m pytest --require-gpu --rtol 0.05 --atol 0.02 docs tests/test_cheat_sheet.py

# Newer releases: a second environment with the newest torch, TensorFlow and Keras the index offers (the other pins
# as they are), every page run against it with a tolerance, and the outcome of every block written to
# docs/drift/latest.json, which the site shows. Differences are the report's content, so they do not fail the target.
LATEST := .venv-latest
$(LATEST)/.ready: pyproject.toml
	test -x $(LATEST)/bin/python || python3 -m venv $(LATEST)
	$(LATEST)/bin/python -m pip install --quiet --disable-pip-version-check --upgrade $(if $(TORCH_INDEX),--index-url $(TORCH_INDEX)) torch
	$(LATEST)/bin/python -m pip install --quiet --disable-pip-version-check $$(python3 -m engine.requirements)
	$(LATEST)/bin/python -m pip install --quiet --disable-pip-version-check --upgrade tensorflow-cpu keras
	$(LATEST)/bin/python -m pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e .
	touch $@

test-latest: $(LATEST)/.ready  ## every page against newer releases: the report in docs/drift/latest.json
	-$(LATEST)/bin/python -m pytest -n 2 --dist loadgroup -q docs --rtol 1e-4 --drift-report docs/drift/latest.json
	test -s docs/drift/latest.json

check: $(READY)  ## one page: make check PAGE=docs/tensors.md
	$(PYTHON) -m pytest $(PAGE)

outputs: $(READY)  ## rewrite output blocks from a real run, then check: make outputs [PAGE=docs/tensors.md]
	$(PYTHON) -m pytest $(PAGE) --update-outputs -q -p no:xdist
	$(PYTHON) -m pytest $(PAGE) -q

lint: $(READY)  ## ruff on the engine, the tests and the snippets
	$(VENV)/bin/ruff check

build: $(READY)  ## the static site in site/
	$(VENV)/bin/mkdocs build --strict

benchmark: $(READY)  ## time training steps, eager and compiled, into docs/performance/results-cpu.json (on an idle machine)
	$(PYTHON) -m engine.benchmark.measure

publish: $(READY)  ## a new version of the site with mike, `latest` pointing at it (PUSH=1 pushes gh-pages)
	$(VENV)/bin/mike deploy --update-aliases --title "$$($(PYTHON) -m engine.site.release title)" \
	    $(if $(PUSH),--push) "$$($(PYTHON) -m engine.site.release version)" latest
	$(VENV)/bin/mike set-default $(if $(PUSH),--push) latest

clean:
	rm -rf $(VENV) $(LATEST) site
