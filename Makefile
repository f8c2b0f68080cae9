# make run: virtualenv, install, migrate, demo data, server on http://127.0.0.1:5000
# make test: the whole suite, on SQLite and then on PostgreSQL
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app wsgi
# The PostgreSQL server the suite creates its own database on (and drops it after).
PG_TEST_URL ?= postgresql://postgres@127.0.0.1:5432/test

.PHONY: run test test-sqlite test-postgres bench screenshots clean

$(BIN)/activate:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/activate
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.installed-dev: pyproject.toml tests/browser/package-lock.json | $(BIN)/activate
	$(BIN)/pip install --quiet -e '.[dev]'
	npm ci --prefix tests/browser --silent
	touch $@ $(VENV)/.installed

run: $(VENV)/.installed
	$(FLASK) init-db
	$(FLASK) seed-demo
	$(FLASK) run --host 127.0.0.1 --port 5000

test: test-sqlite test-postgres

test-sqlite: $(VENV)/.installed-dev
	$(BIN)/pytest

test-postgres: $(VENV)/.installed-dev
	TEST_DATABASE_URL=$(PG_TEST_URL) $(BIN)/pytest -m "not browser"

# Load and scale benchmarks (not part of CI): see bench/README.md.
bench: $(VENV)/.installed-dev
	$(BIN)/python bench/run.py

# The key pages at desktop and phone width, taken by the browser journey: see README.md.
screenshots: $(VENV)/.installed-dev
	SCREENSHOTS_DIR=docs/screenshots $(BIN)/pytest -q tests/browser/test_journeys.py

clean:
	rm -rf $(VENV) .pytest_cache .hypothesis
