# The Token Factory. Two commands: `make book` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
SCENARIO ?= default

.PHONY: book pdf test test-fast check bench screenshots clean

$(STAMP): requirements.txt pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements.txt
	$(BIN)/pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e .
	touch $(STAMP)

## make book: build the default book (or SCENARIO=name) and print the path of its index.html
book: $(STAMP)
	$(BIN)/tokenfactory build --scenario $(SCENARIO)
	@if command -v chromium >/dev/null 2>&1; then $(BIN)/tokenfactory pdf --scenario $(SCENARIO); \
	else echo "PDF skipped: Chromium is not installed (apt-get install -y chromium)"; fi
	@echo "Open: $(CURDIR)/_build/$(SCENARIO)/html/index.html"

## make pdf: the whole book as one PDF (needs Chromium)
pdf: $(STAMP)
	$(BIN)/tokenfactory pdf --scenario $(SCENARIO)

## make test: the whole test suite (unit, bad input, notebooks, reproducibility, site, browser)
test: $(STAMP)
	$(BIN)/python -m pytest -q tests
	$(BIN)/python -m pytest -q --nbval-lax notebooks/

## make test-fast: unit tests only
test-fast: $(STAMP)
	$(BIN)/python -m pytest -q tests -m "not build and not browser"

check: $(STAMP)
	$(BIN)/tokenfactory check

## make bench: cold build, no-op rebuild, one-parameter rebuild, jupyter-book's own execution
bench: $(STAMP)
	$(BIN)/python -m tokenfactory.bench

screenshots: $(STAMP)
	$(BIN)/python -m tokenfactory.screenshots _build/$(SCENARIO)/html _build/screenshots

clean:
	rm -rf _build
