# Two commands: `make run` serves the demo registry; `make test` runs the whole suite.
# Both set everything up first (virtualenv, pinned dependencies, front-end assets).

SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 5000
SDG_DIR ?= ../shared/data/sdg
TEST_DATABASE_URL ?= postgresql+psycopg://postgres@127.0.0.1:5432/test
export FLASK_APP := wsgi.py

.PHONY: setup browser run db test test-sqlite test-postgres coverage lint format messages clean

setup: $(VENV)/.installed static/vendor/htmx.min.js static/vendor/swagger-ui-bundle.js

$(VENV)/.installed: pyproject.toml requirements.lock
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -c requirements.lock -e '.[dev]'
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

# Front-end assets come from the npm registry at setup and are served from static/vendor/.
static/vendor/htmx.min.js: node_modules/.installed
	mkdir -p static/vendor
	cp node_modules/htmx.org/dist/htmx.min.js static/vendor/htmx.min.js

# Swagger UI for the API's browsable documentation (/api/v1/docs): its script and stylesheet.
static/vendor/swagger-ui-bundle.js: node_modules/.installed
	mkdir -p static/vendor
	cp node_modules/swagger-ui-dist/swagger-ui-bundle.js static/vendor/swagger-ui-bundle.js
	cp node_modules/swagger-ui-dist/swagger-ui.css static/vendor/swagger-ui.css

# Debian's Chromium for the browser tests (Playwright cannot download its own here): installed
# when running as root, else one line naming the command. With CI=true its absence fails.
browser:
	@if [ -x /usr/bin/chromium ]; then :; \
	elif [ "$$(id -u)" = "0" ] && command -v apt-get >/dev/null; then \
		echo "== Installing Debian's chromium for the browser tests"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	else \
		echo "!! The browser tests need Chromium: run 'sudo apt-get install chromium'"; \
		if [ "$$CI" = "true" ]; then exit 1; fi; \
	fi

db: setup
	$(BIN)/flask db upgrade
	$(BIN)/flask taxonomy sync
	@if [ -d "$(SDG_DIR)" ]; then $(BIN)/flask frameworks import-sdg "$(SDG_DIR)"; \
	else echo "SDG data not found at $(SDG_DIR): frameworks not imported"; fi
	$(BIN)/flask frameworks import-nua
	$(BIN)/flask seed-demo

run: db
	$(BIN)/flask run --host 127.0.0.1 --port $(PORT)

# The whole suite on SQLite (browser tests included) and again on PostgreSQL, side by side.
# A part that cannot run is said loudly; with CI=true it is a failure.
test: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	@# The two runs share nothing (their own database, their own Redis numbers), so they run
	@# side by side on two cores; each run's output is printed whole when it ends.
	$(MAKE) --no-print-directory -j2 --output-sync=target test-sqlite test-postgres

test-sqlite: setup browser
	@echo "== Suite on SQLite, with the browser tests"
	env -u TEST_DATABASE_URL $(BIN)/python -m pytest -p no:cacheprovider

test-postgres: setup
	@if $(BIN)/python -c "import psycopg, sys; psycopg.connect(sys.argv[1].replace('+psycopg', ''), connect_timeout=3).close()" "$(TEST_DATABASE_URL)" 2>/dev/null; then \
		echo "== Suite on PostgreSQL ($(TEST_DATABASE_URL))"; \
		TEST_DATABASE_URL="$(TEST_DATABASE_URL)" TEST_REDIS_URL=redis://127.0.0.1:6379/14 \
			TEST_PAGE_CACHE_URL=redis://127.0.0.1:6379/13 \
			$(BIN)/python -m pytest -p no:cacheprovider -m "not browser"; \
	elif [ "$$CI" = "true" ]; then \
		echo "!! PostgreSQL is not reachable at $(TEST_DATABASE_URL): CI requires it"; exit 1; \
	else \
		echo "!! SKIPPED: the PostgreSQL run (no server at $(TEST_DATABASE_URL))"; \
	fi

# Line and branch coverage of registry/ by both runs (SQLite with the browser tests, then
# PostgreSQL), combined: some paths exist on one database only.
coverage: setup
	rm -f .coverage .coverage.*
	env -u TEST_DATABASE_URL $(BIN)/python -m coverage run -p -m pytest -p no:cacheprovider -q
	TEST_DATABASE_URL="$(TEST_DATABASE_URL)" $(BIN)/python -m coverage run -p -m pytest -p no:cacheprovider -q -m "not browser"
	$(BIN)/python -m coverage combine -q
	$(BIN)/python -m coverage report

lint:
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format:
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# Extract the strings marked for translation into messages.pot.
messages: setup
	$(BIN)/pybabel extract -F babel.cfg -k _l -k N_ -o messages.pot .

clean:
	rm -rf $(VENV) node_modules static/vendor .pytest_cache .ruff_cache
