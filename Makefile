# Two commands do all set-up: `make serve` and `make test`. Both create .venv when it is missing or older than
# requirements.lock: uv (pinned below) into a new .venv, then every package of requirements.lock with its hash (torch
# from TORCH_INDEX when that is set, see below), then the engine itself (`pip install --no-deps -e .`, so `import
# engine` works everywhere and mkdocs.yml can name its hooks). requirements.lock holds every dependency, transitive
# ones included, for Linux x86-64 and CPython 3.11; `make lock` writes it again from the pins in pyproject.toml.
SHELL := /bin/bash
VENV := .venv
PYTHON := $(VENV)/bin/python
KIND ?= cpu
READY := $(VENV)/.ready-$(KIND)
PIP := $(PYTHON) -m pip install --quiet --disable-pip-version-check
UV_VERSION := 0.13.8
UV := $(VENV)/bin/uv pip install --quiet --compile-bytecode --python $(PYTHON)  # compiled once: programs run with PYTHONDONTWRITEBYTECODE
LOCK := requirements.lock
PAGE ?= docs
# Where torch comes from. Empty (the default): the package index pip is configured with, which gives what
# `pip install torch==2.15.0` gives a reader there. On Linux that is the CUDA 13.2 build, with Triton and NVIDIA's
# libraries (a .venv of about 7.9 GB); it runs on a CPU too, and it is what `make test` verifies. The CPU-only build
# (about 200 MB for torch) comes from PyTorch's own index, which CI uses:
#   make test TORCH_INDEX=https://download.pytorch.org/whl/cpu
TORCH_INDEX ?=
export NO_MKDOCS_2_WARNING := 1
export PYTHONDONTWRITEBYTECODE := 1

# The browser tests drive Debian's Chromium (a browser download by Playwright is never used).
CHROMIUM := /usr/bin/chromium
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: serve test test-site test-reader-view durations test-gpu test-versions lock check outputs lint build benchmark publish clean

$(VENV)/bin/uv:
	test -x $(PYTHON) || python3 -m venv $(VENV)
	$(PIP) uv==$(UV_VERSION)

# The CPU kind installs the lock; the GPU runner's kind (tensorflow[and-cuda] instead of tensorflow-cpu) the pins.
$(VENV)/.ready-cpu: $(LOCK) pyproject.toml | $(VENV)/bin/uv
	$(if $(TORCH_INDEX),$(UV) --no-deps --index-url $(TORCH_INDEX) $$(python3 -m engine.requirements torch))
	$(UV) --require-hashes -r $(if $(TORCH_INDEX),<(python3 -m engine.requirements lock-without-torch),$(LOCK))
	$(PIP) --no-deps --no-build-isolation -e .
	touch $@

$(VENV)/.ready-gpu: pyproject.toml
	test -x $(PYTHON) || python3 -m venv $(VENV)
	$(PIP) $(if $(TORCH_INDEX),--index-url $(TORCH_INDEX)) $$(python3 -m engine.requirements torch)
	$(PIP) $$(python3 -m engine.requirements gpu)
	$(PIP) --no-deps --no-build-isolation -e .
	touch $@

lock: | $(VENV)/bin/uv  ## write requirements.lock again from the pins in pyproject.toml (after changing a pin)
	mkdir -p .cache && (python3 -m engine.requirements torch && python3 -m engine.requirements cpu) > .cache/pins.in
	$(VENV)/bin/uv pip compile .cache/pins.in --quiet --generate-hashes --python-version 3.11.7 \
	    --python-platform x86_64-manylinux_2_28 --custom-compile-command "make lock" -o $(LOCK)

$(CHROMIUM):
	$(SUDO) apt-get update -qq
	DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq chromium >/dev/null

serve: $(READY)  ## the site on http://127.0.0.1:8000, rebuilt when a page or snippet changes
	GUIDE_SITE_URL=http://127.0.0.1:8000/ $(VENV)/bin/mkdocs serve --dev-addr 127.0.0.1:8000 --watch snippets --watch engine

# `make test` re-runs only what changed: a page program (or a notebook of the site build) whose code, snippet files,
# engine, locked versions, environment and machine are unchanged since it last passed is not run again; its recorded
# result is checked instead, and the summary says so (engine/check/reuse.py). With CI set (CI=1), everything runs.
# CI splits the suite: `make test SHARDS=3 SHARD=1` runs one shard (its share of the pages and test files, balanced by
# tests/durations.json, no site tests) and records its programs' runs in RECORDS; beside the shards, `make test-site
# SHARDS=3 SHARD=1` builds the site and runs a share of the site tests (browser, accessibility, links, mike), which
# need no program run; after the shards, `make test-reader-view` builds the site and checks every page's reader's view
# against the runs the shards recorded (engine/check/shards.py). SHARDS left out: all of it.
SHARDS ?=
SHARD ?=
RECORDS ?= .cache/shards

test: $(READY) $(CHROMIUM)  ## everything CI checks: lint, pages, reader's view, harness, site build, browser, links, mike
	$(VENV)/bin/ruff check
	$(PYTHON) -m pytest -n 2 --dist loadgroup --reuse $(if $(SHARDS),--shard $(SHARD)/$(SHARDS) --records $(RECORDS),--with-site)

test-site: $(READY) $(CHROMIUM)  ## CI's site jobs, beside the shards: build, browser, accessibility, links, mike [SHARDS=N SHARD=K]
	$(PYTHON) -m pytest -n 2 --dist loadgroup --reuse --with-site --site-only $(if $(SHARDS),--shard $(SHARD)/$(SHARDS))

test-reader-view: $(READY)  ## CI's job after the shards: build, every page's reader's view against their runs (RECORDS)
	$(PYTHON) -m pytest -n 2 --dist loadgroup --reuse --with-site --reader-only --records $(RECORDS) docs

durations: $(READY) $(CHROMIUM)  ## the seconds each page, test file and site test takes, into tests/durations.json (the shards' balance)
	CI=1 $(PYTHON) -m pytest -n 2 --dist loadgroup --with-site --record-durations tests/durations.json

# The GPU runner: every page's programs and the cheat-sheet rows, failing unless a GPU is visible, with numbers
# compared more loosely (GPU kernels change the last digits). It leaves out what a GPU does not change: the lint,
# the harness's own tests, the site build and the tests that read it (reader's view, browser, links, mike).
test-gpu:  ## every page's programs and the cheat sheet on a GPU (fails when none is visible)
	$(MAKE) KIND=gpu $(VENV)/.ready-gpu
	$(PYTHON) -m pytest --require-gpu --rtol 0.05 --atol 0.02 docs tests/test_cheat_sheet.py

# The versions matrix: every page in a reader's plain shell (all cores, no TF_* variables) with one column's versions
# from pyproject.toml [tool.guide.versions] in place of the pins: make test-versions COLUMN=torch-2.13. `pinned`
# uses .venv; every other column gets its own environment, .venv-<column>. Each block's outcome (holds, differs,
# fails) is written to docs/versions/<column>.json, which the site shows; differences are the report's content, so
# they do not fail the target.
COLUMN ?= pinned
COLUMN_VENV := $(if $(filter pinned,$(COLUMN)),$(VENV),.venv-$(COLUMN))
COLUMN_READY := $(if $(filter pinned,$(COLUMN)),$(READY),$(COLUMN_VENV)/.ready)

.venv-%/.ready: pyproject.toml
	test -x $(@D)/bin/python || python3 -m venv $(@D)
	$(@D)/bin/python -m pip install --quiet --disable-pip-version-check $(if $(TORCH_INDEX),--index-url $(TORCH_INDEX)) $$(python3 -m engine.requirements torch $*)
	$(@D)/bin/python -m pip install --quiet --disable-pip-version-check $$(python3 -m engine.requirements cpu $*)
	$(@D)/bin/python -m pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e .
	touch $@

test-versions: $(COLUMN_READY)  ## every page (or PAGE) in a reader's shell with one column's versions: make test-versions COLUMN=torch-2.13
	-$(COLUMN_VENV)/bin/python -m pytest -n 2 --dist loadgroup -q $(PAGE) --reader-environment --drift-report docs/versions/$(COLUMN).json
	test -s docs/versions/$(COLUMN).json

check: $(READY)  ## one page: make check PAGE=docs/tensors.md
	$(PYTHON) -m pytest $(PAGE)

outputs: $(READY)  ## rewrite output blocks from a real run, then check: make outputs [PAGE=docs/tensors.md]
	$(PYTHON) -m pytest $(PAGE) --update-outputs -q -p no:xdist
	$(PYTHON) -m pytest $(PAGE) -q

lint: $(READY)  ## ruff on the engine, the tests, the snippets and the cheat sheet's rows
	$(VENV)/bin/ruff check
	$(PYTHON) -m engine.cheatsheet.lint

build: $(READY)  ## the static site in site/
	$(VENV)/bin/mkdocs build --strict

benchmark: $(READY)  ## time training steps, eager and compiled, into docs/performance/results-cpu.json (on an idle machine)
	$(PYTHON) -m engine.benchmark.measure

publish: $(READY)  ## a new version of the site with mike, `latest` pointing at it; TESTED=digest.json checks it, PUSH=1 pushes
	$(PYTHON) -m engine.site.release check
	PATH="$(CURDIR)/$(VENV)/bin:$$PATH" mike deploy --update-aliases --title "$$($(PYTHON) -m engine.site.release title)" \
	    "$$($(PYTHON) -m engine.site.release version)" latest  # mike runs the mkdocs it finds on PATH
	PATH="$(CURDIR)/$(VENV)/bin:$$PATH" mike set-default latest
	$(if $(TESTED),rm -rf .cache/deployed && mkdir -p .cache/deployed && \
	    git archive "gh-pages:$$($(PYTHON) -m engine.site.release version)" | tar -x -C .cache/deployed && \
	    $(PYTHON) -m engine.site.digest check .cache/deployed $(TESTED))
	$(if $(PUSH),git push origin gh-pages)

clean:
	rm -rf $(VENV) .venv-* site
