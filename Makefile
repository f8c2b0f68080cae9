# make run: virtualenv, install, migrate, demo data, server on http://127.0.0.1:$(PORT)
# make test: the whole suite, on SQLite and on PostgreSQL side by side
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app wsgi
# The port `make run` serves on, and the address the sign-in link and emails point to.
PORT ?= 5000
SHOP_URL ?= http://127.0.0.1:$(PORT)
# A PostgreSQL server the suite creates its own database on (and drops it after); the
# `postgres` database is only where it connects to do that.
PG_TEST_URL ?= postgresql://postgres@127.0.0.1:5432/postgres
# Chromium and the PostgreSQL server, checked before anything installs or runs.
PREFLIGHT := PG_TEST_URL=$(PG_TEST_URL) $(PYTHON) tests/preflight.py

.PHONY: run test test-sqlite test-postgres test-needs bench screenshots mutate clean

$(BIN)/activate:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/activate
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.installed-dev: pyproject.toml | $(BIN)/activate
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@ $(VENV)/.installed

# Card payments in test mode against localstripe (a fake Stripe on 127.0.0.1:8420, no
# account needed): pay with 4242 4242 4242 4242. Real keys: see README, Production.
LOCALSTRIPE := http://127.0.0.1:8420
RUN_ENV := SHOP_URL=$(SHOP_URL) PORT=$(PORT) \
	STRIPE_SECRET_KEY=sk_test_localstripe STRIPE_PUBLISHABLE_KEY=pk_test_localstripe \
	STRIPE_WEBHOOK_SECRET=whsec_localstripe STRIPE_API_BASE=$(LOCALSTRIPE) \
	STRIPE_JS_URL=$(LOCALSTRIPE)/js.stripe.com/v3/

# The shop, its worker (emails, charges, refunds) and localstripe, started together by honcho.
run: $(VENV)/.installed-dev
	$(FLASK) init-db
	SHOP_URL=$(SHOP_URL) $(FLASK) seed-demo
	$(RUN_ENV) $(BIN)/honcho start

# The two halves run side by side (one on each core; they share nothing: each makes its
# own databases, Redis keys and ports), each half's output printed whole when it ends.
test: test-needs $(VENV)/.installed-dev
	@$(MAKE) --no-print-directory --output-sync=target -j2 test-sqlite test-postgres

test-needs:
	@$(PREFLIGHT) chromium postgres

test-sqlite: $(VENV)/.installed-dev
	@$(PREFLIGHT) chromium
	$(BIN)/pytest

test-postgres: $(VENV)/.installed-dev
	@$(PREFLIGHT) postgres
	TEST_DATABASE_URL=$(PG_TEST_URL) $(BIN)/pytest -m "not browser"

# Load and scale benchmarks (not part of CI): see bench/README.md.
bench: $(VENV)/.installed-dev
	$(BIN)/python bench/run.py

# The key pages at desktop and phone width, taken by the browser journey: see README.md.
screenshots: $(VENV)/.installed-dev
	@$(PREFLIGHT) chromium
	SCREENSHOTS_DIR=docs/screenshots $(BIN)/pytest -q tests/browser/test_journeys.py \
		tests/browser/test_browser_purchase_orders.py tests/browser/test_browser_delivery.py \
		tests/browser/test_browser_staff_accounts.py tests/browser/test_browser_card.py \
		tests/browser/test_browser_product_csv.py tests/browser/test_browser_catalogue_journey.py

# Mutation testing of the pure rules: mutmut changes app/domain (every module in it) one
# small change at a time and runs tests/unit against each change; every change should
# make a test fail. Prints the score and each change no test caught. Not part of
# `make test`: it takes a few minutes. Starts afresh each time, since mutmut reuses
# results of unchanged functions even when the tests changed.
mutate: $(VENV)/.installed-dev
	rm -rf mutants
	$(BIN)/mutmut run
	$(BIN)/python tests/mutation_report.py

clean:
	rm -rf $(VENV) .pytest_cache .hypothesis mutants
