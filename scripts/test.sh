#!/usr/bin/env bash
# Runs the suite. TEST_DATABASE_URL=postgresql://… runs it on PostgreSQL instead of SQLite.
set -uo pipefail
cd "$(dirname "$0")/.."
VENV=${VENV:-.venv}
# The layering contracts (pyproject.toml, [tool.importlinter]): an upward or cross-domain
# import fails the run before any test starts.
"$VENV/bin/lint-imports" || exit 1
"$VENV/bin/python" -m pytest "$@"
status=$?
if [ $status -eq 5 ]; then
  echo "pytest collected no tests: that is a failure here." >&2
  exit 1
fi
exit $status
