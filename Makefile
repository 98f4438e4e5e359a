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

# The example third-party plugin (examples/pmo-budget) is installed too, as a user would
# (editable, found through its entry point): its tests run with the suite.
$(VENV)/.installed-test: setup.cfg pyproject.toml examples/pmo-budget/pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install -q -e '.[test]'
	$(BIN)/python -m pip install -q -e examples/pmo-budget
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

# The browser tests (tests/browser) drive Debian's chromium; playwright never downloads one.
# Installed here only when it is missing, with sudo only when not root.
CHROMIUM := /usr/bin/chromium
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: chromium
chromium:
	@test -x $(CHROMIUM) || { echo "Installing Debian's chromium for the browser tests"; \
	  $(SUDO) apt-get update && $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y chromium; }

# The suite runs on every core (pytest-xdist); a module or package whose tests share an
# expensive fixture stays on one worker (see tests/conftest.py). One file, one at a time:
#   make test PYTEST_ARGS="tests/test_cli.py -n0"     (or PYTEST_PARALLEL= for no workers at all)
PYTEST_PARALLEL ?= -n auto --dist loadgroup

test: $(VENV)/.installed-test chromium
	$(BIN)/python -m pytest -q $(PYTEST_PARALLEL) $(PYTEST_ARGS)
