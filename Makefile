# The Token Factory. Two commands: `make book` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
SCENARIO ?= default

.PHONY: book pdf test test-fast check bench screenshots clean system

# What pip cannot install: Debian's Chromium (PDF, browser tests, screenshots) and poppler (pdftotext,
# the PDF test). Installed with apt-get when running as root; otherwise one line says what to run.
SYSTEM_PACKAGES := chromium poppler-utils

$(STAMP): requirements.txt pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements.txt
	$(BIN)/pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e .
	touch $(STAMP)

## make system: Debian's Chromium and poppler, installed when missing
system:
	@if command -v chromium >/dev/null 2>&1 && command -v pdftotext >/dev/null 2>&1; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	  echo "Installing $(SYSTEM_PACKAGES) with apt-get (needed for the PDF and the browser tests)"; \
	  export DEBIAN_FRONTEND=noninteractive; \
	  apt-get install -y -qq $(SYSTEM_PACKAGES) >/dev/null 2>&1 || \
	  { apt-get update -qq && apt-get install -y -qq $(SYSTEM_PACKAGES) >/dev/null; }; \
	else echo "Missing Chromium/poppler: run 'sudo apt-get install -y $(SYSTEM_PACKAGES)', then make again"; exit 1; fi

## make book: build the default book (or SCENARIO=name) and print the path of its index.html
## (every named scenario is built too, sharing executions, so that the book's Scenarios page sets
## them side by side; `make book ALL_SCENARIOS=no` builds only one)
ALL_SCENARIOS ?= yes
book: $(STAMP) system
	@if [ "$(ALL_SCENARIOS)" = yes ] && $(BIN)/tokenfactory build --help | grep -q -- '--all-scenarios'; then \
	  $(BIN)/tokenfactory build --all-scenarios; fi
	$(BIN)/tokenfactory build --scenario $(SCENARIO)
	$(BIN)/tokenfactory pdf --scenario $(SCENARIO)
	@echo "Open: $(CURDIR)/_build/$(SCENARIO)/html/index.html"

## make pdf: the whole book as one PDF (needs Chromium)
pdf: $(STAMP) system
	$(BIN)/tokenfactory pdf --scenario $(SCENARIO)

## make test: the whole test suite (unit, bad input, notebooks, reproducibility, site, browser), on
## every core (pytest-xdist): the tests that read the built book run on one worker, which builds it
## once (tests/conftest.py); the stand-in pipeline tests and the unit tests share the other cores
test: $(STAMP) system
	$(BIN)/python -m pytest -q -n auto --dist loadgroup tests
	$(BIN)/python -m pytest -q --nbval-lax notebooks/

## make test-fast: the inner loop: every test not marked build or browser (no book is built, no
## browser started); the five slowest are named at the end. While writing a chapter, run its own
## files first: `.venv/bin/pytest -q tests/test_<chapter>_*.py`
test-fast: $(STAMP)
	$(BIN)/python -m pytest -q -n auto tests -m "not build and not browser" --durations=5

check: $(STAMP)
	$(BIN)/tokenfactory check

## make bench: cold build, no-op rebuild, one-parameter rebuild, jupyter-book's own execution, time to the last chart drawn
bench: $(STAMP)
	$(BIN)/python -m tokenfactory.build.bench

## make screenshots: every chapter at 1280 px and 390 px, in _build/screenshots/
screenshots: $(STAMP) system
	$(BIN)/python -m tokenfactory.build.screenshots _build/$(SCENARIO)/html _build/screenshots

clean:
	rm -rf _build
