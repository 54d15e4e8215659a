#!/usr/bin/env bash
# Runs the suite. TEST_DATABASE_URL=postgresql://… runs it on PostgreSQL instead of SQLite.
# Extra arguments go to pytest (scripts/test.sh tests/views -x).
set -uo pipefail
cd "$(dirname "$0")/.."
VENV=${VENV:-.venv}
# The layering contracts (pyproject.toml, [tool.importlinter]): an upward or cross-domain
# import fails the run before any test starts.
"$VENV/bin/lint-imports" || exit 1
# In parallel (pytest-xdist): one worker per CPU unless PYTEST_WORKERS says otherwise
# (a number, "auto", or 0 for one process). Each worker has its own redis-server, database and
# folders (tests/conftest.py).
"$VENV/bin/python" -m pytest -n "${PYTEST_WORKERS:-auto}" "$@"
status=$?
if [ $status -eq 5 ]; then
  echo "pytest collected no tests: that is a failure here." >&2
  exit 1
fi
exit $status
