# Two entry points: `make run` and `make test`; both need only python3 on the machine.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8050
SCALE ?= small

.PHONY: run test test-fast install install-test lint bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@ $(VENV)/.installed

install: $(VENV)/.installed

install-test: $(VENV)/.installed-test

run: install
	$(BIN)/cockpit init --scale $(SCALE)
	$(BIN)/cockpit serve --port $(PORT)

lint: install-test
	$(BIN)/ruff check .

# every suite on two workers: the browser tests in order on one (its served city, one Chromium), the rest on
# the other (tests/conftest.py groups them); each result is printed as it comes; CI runs this
test: install-test lint
	$(BIN)/python -m pytest -v -ra --durations=40 -n 2 --dist loadgroup

# everything but the browser, PostgreSQL, cluster and fuzz suites: the loop while writing code
test-fast: install-test
	$(BIN)/python -m pytest -q -ra -n 2 --dist loadgroup -m "not browser and not postgres and not cluster and not fuzz"

bench: install-test
	$(BIN)/python bench/page_load.py

clean:
	rm -rf var screenshots
