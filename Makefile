# The developer loop. `make demo` and `make test` are the README's two set-up commands.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
DEMO_DIR ?= out/demo-data
PYTEST_ARGS ?=

.PHONY: demo test lint bench install

install: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[dev]'
	touch $@

demo: install
	$(BIN)/connectomedb demo $(DEMO_DIR)

test: install
	$(BIN)/python -m pytest -n 2 $(PYTEST_ARGS)
	$(BIN)/ruff check connectomedb tests bench

lint: install
	$(BIN)/ruff check connectomedb tests bench
	$(BIN)/mypy connectomedb

bench: install
	$(BIN)/python -m bench --scale demo
