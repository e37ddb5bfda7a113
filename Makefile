# SellerDesk — the two commands: `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test setup services browser lint messages bench clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[dev]'
	touch $(STAMP)

setup: $(STAMP)

## Run the app with demo data: SQLite + filesystem broker, web + Celery worker + beat.
demo: setup
	$(BIN)/python manage.py rundemo

## Run every test against PostgreSQL, Redis, real Celery workers and Chromium.
test: setup services browser
	bash scripts/run_tests.sh

services:
	bash scripts/ensure_services.sh

browser:
	bash scripts/ensure_browser.sh

lint: setup
	$(BIN)/ruff check .

## Re-extract and compile translations (needs GNU gettext).
messages: setup
	bash scripts/messages.sh

bench: setup services
	$(BIN)/python bench/policy.py
	$(BIN)/python bench/autodecline.py

clean:
	rm -rf var staticfiles .pytest_cache
