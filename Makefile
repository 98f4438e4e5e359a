# PMO Ledger
#   make run    the demo PMO at http://127.0.0.1:8000 (SQLite in var/pmo.sqlite)
#   make test   the test suite
# The virtualenv is .venv; the project is (re)installed only when setup.cfg or
# pyproject.toml changed since the last install (stamp files in .venv).

PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin

.PHONY: run test

run: export PMO_STORE ?= sqlite:///var/pmo.sqlite
run: export PMO_BIND ?= 127.0.0.1:8000

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: setup.cfg pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install -q -e .
	touch $@

$(VENV)/.installed-test: setup.cfg pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install -q -e '.[test]'
	touch $@ $(VENV)/.installed

# `pmo demo` loads the demo year only into an empty store (and prints the demo users); it
# runs before `pmo init`, which would otherwise write the first event (the portfolio) and
# leave no room for a backdated history. `pmo init` then creates whatever is missing, so
# the gunicorn workers never race to create tables.
run: $(VENV)/.installed
	mkdir -p var
	$(BIN)/pmo demo
	$(BIN)/pmo init
	@echo "PMO Ledger: http://$(PMO_BIND)/  API docs: http://$(PMO_BIND)/api/docs  (Ctrl-C stops it)"
	exec $(BIN)/gunicorn -c gunicorn.conf.py web.wsgi:app

test: $(VENV)/.installed-test
	$(BIN)/python -m pytest -q $(PYTEST_ARGS)
