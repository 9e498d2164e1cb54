# Two entry points: `make run` and `make test`; both need only python3 on the machine.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8050
SCALE ?= small
# Two test workers, each with its own served city; whole files go to one worker, since a file's tests build on each other.
JOBS ?= 2

.PHONY: run test install install-test lint bench clean

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

test: install-test lint
	$(BIN)/python -m pytest -q -ra --durations=20 -n $(JOBS) --dist loadfile

bench: install-test
	$(BIN)/python bench/page_load.py

clean:
	rm -rf var screenshots
