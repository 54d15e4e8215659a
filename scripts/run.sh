#!/usr/bin/env bash
# Starts the whole embedded Tessera: database, demo data, redis-server, an RQ worker with the
# scheduler, the cron scheduler and the web app. Ctrl-C stops all of it.
set -euo pipefail
cd "$(dirname "$0")/.."
VENV=${VENV:-.venv}
export FLASK_APP=run.py
PORT=${PORT:-5000}
REDIS_PORT=${REDIS_PORT:-6390}
export REDIS_URL=${REDIS_URL:-redis://127.0.0.1:$REDIS_PORT/0}
mkdir -p instance

pids=()
cleanup() {
  echo; echo "Stopping Tessera…"
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
}
trap cleanup EXIT INT TERM

if [[ "$REDIS_URL" == redis://127.0.0.1:$REDIS_PORT/* ]]; then
  redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --save "" --appendonly yes \
    --dir instance --loglevel warning &
  pids+=($!)
  for _ in $(seq 50); do redis-cli -p "$REDIS_PORT" ping >/dev/null 2>&1 && break; sleep 0.1; done
fi

"$VENV/bin/flask" db upgrade
"$VENV/bin/flask" roles sync
"$VENV/bin/flask" demo load

"$VENV/bin/flask" worker &
pids+=($!)
"$VENV/bin/flask" cron &
pids+=($!)
"$VENV/bin/gunicorn" --bind "127.0.0.1:$PORT" --workers "${WEB_WORKERS:-2}" --threads 4 \
  --access-logfile - run:app &
pids+=($!)

sleep 2
cat <<MSG

  Tessera is running at http://127.0.0.1:$PORT/
  Demo logins (password "demo"): admin, manager, frontdesk, instructor, accountant,
  storekeeper, translator.   Ctrl-C stops everything.

MSG
wait -n "${pids[@]}"
