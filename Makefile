# Two entry points: `make run` and `make test`; both need only python3 on the machine.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8050
SCALE ?= small

.PHONY: run test test-fast test-parallel install install-test lint bench clean

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

# every suite, one after another (on the 2-core machine a second worker beside the browser tests made two
# timing-bound tests fail: tests/conftest.py keeps the groups for when they hold); CI runs this
test: install-test lint
	$(BIN)/python -m pytest -v -ra --durations=40

# the same on two workers: the browser tests in order on one, the rest on the other
test-parallel: install-test lint
	$(BIN)/python -m pytest -v -ra --durations=40 -n 2 --dist loadgroup

# everything but the browser, PostgreSQL, cluster and fuzz suites: the loop while writing code
test-fast: install-test
	$(BIN)/python -m pytest -q -ra -n 2 --dist loadgroup -m "not browser and not postgres and not cluster and not fuzz"

bench: install-test
	$(BIN)/python bench/page_load.py

clean:
	rm -rf var screenshots
