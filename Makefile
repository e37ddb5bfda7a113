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

## Benchmarks print figures and end with one JSON line each (the big ones take minutes).
bench: setup services
	$(BIN)/python bench/policy.py
	$(BIN)/python bench/autodecline.py
	$(BIN)/python bench/templates_lib.py
	$(BIN)/python bench/livecheck.py
	$(BIN)/python bench/questions_list.py
	$(BIN)/python bench/reviews_list.py
	$(BIN)/python bench/inbox.py
	$(BIN)/python bench/sla.py
	$(BIN)/python bench/due_soon.py
	$(BIN)/python bench/wb_sync.py
	$(BIN)/python bench/live_inbox.py
	$(BIN)/python bench/autopilot.py
	$(BIN)/python bench/load.py

clean:
	rm -rf var staticfiles .pytest_cache
