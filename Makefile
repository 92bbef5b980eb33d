# xinju — the two commands a newcomer needs are `make demo` and `make test`.
# Every target installs what it needs first; a second run reuses what is there.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
HOST ?= 127.0.0.1
PORT ?= 8000
# The demo serves with a task worker beside it, so long imports run in the background, in
# debug mode (plain-HTTP cookies, static files from their sources).
DEMO_ENV := XINJU_TASKS_BACKEND=db XINJU_DEBUG=1

.PHONY: help install assets migrate demo demo-data serve test lint fmt bench messages requirements npm-lock clean

help:
	@echo "make demo    install, build assets, migrate, generate the demo district, serve :$(PORT)"
	@echo "make test    lint and the whole test suite (PostgreSQL when DATABASE_URL is set)"
	@echo "make bench   benchmarks, each figure beside its budget"
	@echo "make lint | fmt | messages | requirements | npm-lock | clean"

$(BIN)/activate:
	$(PYTHON) -m venv $(VENV)

# Hash-checked install of the pinned requirements; redone only when they change.
$(VENV)/.installed: requirements/dev.txt | $(BIN)/activate
	@echo "==> installing Python packages (pinned, hash-checked)"
	$(BIN)/pip install --progress-bar on --require-hashes -r requirements/dev.txt
	@touch $@

install: $(VENV)/.installed

node_modules/.package-lock.json: package-lock.json package.json
	@echo "==> installing front-end packages from package-lock.json"
	npm ci --no-audit --no-fund

# Only the files the pages load are copied; static/vendor is never committed.
static/vendor/.built: node_modules/.package-lock.json
	@mkdir -p static/vendor/bootstrap static/vendor/htmx static/vendor/echarts
	cp node_modules/bootstrap/dist/css/bootstrap.min.css node_modules/bootstrap/dist/css/bootstrap.min.css.map static/vendor/bootstrap/
	cp node_modules/bootstrap/dist/js/bootstrap.bundle.min.js node_modules/bootstrap/dist/js/bootstrap.bundle.min.js.map static/vendor/bootstrap/
	cp node_modules/htmx.org/dist/htmx.min.js static/vendor/htmx/
	cp node_modules/echarts/dist/echarts.min.js static/vendor/echarts/
	@touch $@

assets: static/vendor/.built

migrate: install
	$(PY) manage.py migrate --no-input

demo-data: migrate assets
	$(PY) manage.py demo_setup

serve: install assets
	@echo "==> serving http://$(HOST):$(PORT) (a task worker runs beside it; Ctrl-C stops both)"
	@trap 'kill 0' INT TERM EXIT; \
	  $(DEMO_ENV) $(PY) manage.py db_worker --interval 1 & \
	  $(DEMO_ENV) $(PY) manage.py runserver $(HOST):$(PORT)

demo: demo-data serve

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/djhtml --check templates xinju

fmt: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .
	$(BIN)/djhtml templates xinju

test: install assets lint
	$(BIN)/pytest $(PYTEST_ARGS)

bench: install assets
	$(PY) bench/run.py $(BENCH_ARGS)

# Translations: English message ids, Simplified Chinese the default language.
messages: install
	$(PY) manage.py makemessages -l zh_Hans --no-obsolete --no-location \
	  --ignore=.venv --ignore=node_modules --ignore=static --ignore=bench --ignore=e2e --ignore=tests --ignore='*/tests/*'
	$(PY) manage.py compilemessages -l zh_Hans --ignore=.venv

# Re-pin after changing pyproject.toml (no index addresses are written).
requirements: install
	$(BIN)/pip-compile -q --generate-hashes --no-emit-index-url --no-emit-find-links --strip-extras --allow-unsafe -o requirements/base.txt pyproject.toml
	$(BIN)/pip-compile -q --generate-hashes --no-emit-index-url --no-emit-find-links --strip-extras --allow-unsafe --extra dev -o requirements/dev.txt pyproject.toml

# Re-lock after changing package.json; the lock keeps no addresses.
npm-lock:
	npm install --package-lock-only --no-audit --no-fund
	$(PYTHON) scripts/strip_lockfile_urls.py package-lock.json

clean:
	rm -rf static/vendor node_modules $(VENV) var/*.sqlite3*
