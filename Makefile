# Two entry points: `make run` and `make test`; both need only python3 on the machine.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8050
SCALE ?= small

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
	$(BIN)/python -m pytest -q -ra --durations=60

bench: install-test
	$(BIN)/python bench/page_load.py

clean:
	rm -rf var screenshots
