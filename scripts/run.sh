#!/usr/bin/env bash
# Starts the whole embedded Tessera: database, demo data, redis-server, an RQ worker with the
# scheduler, the cron scheduler and the web app. Ctrl-C (or SIGTERM to this script) stops all of
# it: the web app, the worker and the scheduler first, redis last, so nothing loses its Redis
# while shutting down. Each process runs in its own session, so the terminal's Ctrl-C reaches
# this script only and the processes get one orderly SIGTERM each (no KeyboardInterrupt
# tracebacks).
set -euo pipefail
cd "$(dirname "$0")/.."
VENV=${VENV:-.venv}
export FLASK_APP=run.py
PORT=${PORT:-5000}
REDIS_PORT=${REDIS_PORT:-6390}
export REDIS_URL=${REDIS_URL:-redis://127.0.0.1:$REDIS_PORT/0}
mkdir -p instance

apps=()       # web app, worker, scheduler: stopped first
redis_pid=""  # stopped last
stopping=""

stop() {  # stop PID... : SIGTERM, then wait up to 20 s before SIGKILL
  local pid
  for pid in "$@"; do kill -TERM "$pid" 2>/dev/null || true; done
  for _ in $(seq 200); do
    local alive=""
    for pid in "$@"; do kill -0 "$pid" 2>/dev/null && alive=1; done
    [[ -z "$alive" ]] && break
    sleep 0.1
  done
  for pid in "$@"; do kill -KILL "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; done
}

cleanup() {
  [[ -n "$stopping" ]] && return
  stopping=1
  trap '' INT TERM
  echo; echo "Stopping Tessera…"
  (( ${#apps[@]} )) && stop "${apps[@]}"
  [[ -n "$redis_pid" ]] && stop "$redis_pid"
  echo "Tessera stopped."
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

if [[ "$REDIS_URL" == redis://127.0.0.1:$REDIS_PORT/* ]]; then
  setsid redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --save "" --appendonly yes \
    --dir instance --loglevel warning &
  redis_pid=$!
  for _ in $(seq 50); do redis-cli -p "$REDIS_PORT" ping >/dev/null 2>&1 && break; sleep 0.1; done
fi

"$VENV/bin/flask" db upgrade
"$VENV/bin/flask" roles sync
[[ "${DEMO:-1}" == 1 ]] && "$VENV/bin/flask" demo load  # DEMO=0: an empty centre

setsid "$VENV/bin/flask" worker &
apps+=($!)
setsid "$VENV/bin/flask" cron &
apps+=($!)
setsid "$VENV/bin/gunicorn" --bind "127.0.0.1:$PORT" --workers "${WEB_WORKERS:-2}" --threads 4 \
  --access-logfile - run:app &
web_pid=$!
apps=("$web_pid" "${apps[@]}")

# Asked by the venv's Python, not curl (a fresh Debian may not have curl): 0 = healthy (200),
# 2 = answering but not healthy yet (503 until the worker and the scheduler have beaten), 1 = no
# answer. The address is printed once healthy, or after 60 s of answering without it.
answers() {
  "$VENV/bin/python" - "$1" <<'PY'
import sys, urllib.error, urllib.request
try:
    urllib.request.urlopen(sys.argv[1], timeout=2)
except urllib.error.HTTPError:
    sys.exit(2)
except OSError:
    sys.exit(1)
PY
}
answering_since=
while true; do
  state=0
  answers "http://127.0.0.1:$PORT/health" || state=$?
  [ "$state" -eq 0 ] && break
  if [ "$state" -eq 2 ]; then
    answering_since=${answering_since:-$SECONDS}
    if (( SECONDS - answering_since > 60 )); then
      echo "The web app answers but /health is not 200 yet (see http://127.0.0.1:$PORT/health)." >&2
      break
    fi
  fi
  if ! kill -0 "$web_pid" 2>/dev/null; then
    echo "The web app did not start (see the messages above)." >&2
    exit 1
  fi
  sleep 0.3
done
cat <<MSG

  Tessera is running at http://127.0.0.1:$PORT/
  Demo logins (password "demo"): admin, manager, frontdesk, instructor, accountant,
  storekeeper, translator.   Ctrl-C stops everything.

MSG
set +e
wait -n "${apps[@]}"
status=$?
echo "A Tessera process ended (status $status); stopping the others." >&2
exit "$status"
