#!/usr/bin/env bash
# The whole suite: lint, formatting, types, migrations in sync, then pytest (unit, Postgres, Redis, worker, browser).
set -u
BIN=.venv/bin
status=0
$BIN/ruff check . || status=1
$BIN/ruff format --check . || status=1
# Types: strict for sellerdesk/policy and every services.py/selectors.py (pyproject.toml).
$BIN/mypy || status=1
DJANGO_SETTINGS_MODULE=sellerdesk.settings.test $BIN/python manage.py makemigrations --check --dry-run >/dev/null \
  || { echo "Models changed without a migration: run makemigrations" >&2; status=1; }
# The parallel suite, then the tests that run a whole stack (gunicorn, workers, their own
# Redis) and saturate both cores on purpose: alone, so their load cannot starve the
# timed waits of browser tests running beside them.
run_pytest() {
  "$BIN/pytest" "$@"
  local rc=$?
  if [ $rc -eq 5 ]; then
    echo "pytest collected no tests: $*" >&2
    rc=1
  fi
  return $rc
}
run_pytest -n "${PYTEST_WORKERS:-2}" -m "not isolated" "$@" || status=1
run_pytest -m isolated "$@" || status=1
exit $status
