# Two commands do all set-up: `make serve` and `make test`. Both create .venv when it is missing or older than
# pyproject.toml. torch is installed first, from its CPU wheel, so nothing pulls a CUDA build.
SHELL := /bin/bash
VENV := .venv
PYTHON := $(VENV)/bin/python
KIND ?= cpu
READY := $(VENV)/.ready-$(KIND)
PIP := $(PYTHON) -m pip install --quiet --disable-pip-version-check
PAGE ?= docs
export TF_ENABLE_ONEDNN_OPTS := 0
export TF_CPP_MIN_LOG_LEVEL := 1
export NO_MKDOCS_2_WARNING := 1
export PYTHONDONTWRITEBYTECODE := 1

# The browser tests drive Debian's Chromium (a browser download by Playwright is never used).
CHROMIUM := /usr/bin/chromium
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: serve test test-gpu check outputs build benchmark publish clean

$(READY): pyproject.toml
	test -x $(PYTHON) || python3 -m venv $(VENV)
	$(PIP) $$(python3 tests/requirements.py torch)
	$(PIP) $$(python3 tests/requirements.py $(KIND))
	touch $(READY)

$(CHROMIUM):
	$(SUDO) apt-get update -qq
	DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq chromium >/dev/null

serve: $(READY)  ## the site on http://127.0.0.1:8000, rebuilt when a page or snippet changes
	GUIDE_SITE_URL=http://127.0.0.1:8000/ $(VENV)/bin/mkdocs serve --dev-addr 127.0.0.1:8000 --watch snippets

test: $(READY) $(CHROMIUM)  ## everything CI checks: pages, notebooks, harness, site build, browser, links, mike
	rm -rf .cache/mkdocs-jupyter  # the project notebooks run afresh in every build of this run
	$(PYTHON) -m pytest -n 2 --dist loadgroup

test-gpu:  ## the GPU runner: the same suite, failing unless a GPU is visible; GPU digits may differ slightly
	$(MAKE) KIND=gpu $(VENV)/.ready-gpu
	$(PYTHON) -m pytest --require-gpu --rtol 0.05 --atol 0.02

check: $(READY)  ## one page: make check PAGE=docs/tensors.md
	$(PYTHON) -m pytest $(PAGE)

outputs: $(READY)  ## rewrite output blocks from a real run, then check: make outputs [PAGE=docs/tensors.md]
	$(PYTHON) -m pytest $(PAGE) --update-outputs -q -p no:xdist
	$(PYTHON) -m pytest $(PAGE) -q

build: $(READY)  ## the static site in site/
	$(VENV)/bin/mkdocs build --strict

benchmark: $(READY)  ## time training steps, eager and compiled, into docs/performance/results-cpu.json (on an idle machine)
	$(PYTHON) tests/benchmarks/run_benchmarks.py

publish: $(READY)  ## a new version of the site with mike, `latest` pointing at it (PUSH=1 pushes gh-pages)
	$(VENV)/bin/mike deploy --update-aliases --title "$$(cd tests && ../$(PYTHON) -m harness.release title)" \
	    $(if $(PUSH),--push) "$$(cd tests && ../$(PYTHON) -m harness.release version)" latest
	$(VENV)/bin/mike set-default $(if $(PUSH),--push) latest

clean:
	rm -rf $(VENV) site
