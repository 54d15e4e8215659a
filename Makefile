# Tessera — the two commands: `make run` (the whole app, embedded) and `make test` (the suite).
SHELL := /bin/bash
VENV ?= .venv
PY := $(VENV)/bin/python
export FLASK_APP := run.py

.PHONY: run test setup translations bench bench-load bench-scripts clean

run: setup
	bash scripts/run.sh

test: setup
	bash scripts/test.sh

setup:
	bash scripts/setup.sh

translations: setup
	$(VENV)/bin/flask translate extract && $(VENV)/bin/flask translate update && \
	$(VENV)/bin/flask translate compile && $(VENV)/bin/flask translate check

# make bench SCALE=0.01 BENCH_DATABASE_URL=postgresql://…  — the one comparison table (README)
SCALE ?= 1
bench: setup
	$(PY) bench/compare.py --scale $(SCALE) --url "$(BENCH_DATABASE_URL)"

# locust against Tessera and the bare FAB app (after make bench built the database; bench extra)
bench-load: setup
	$(PY) bench/load.py --url "$(BENCH_DATABASE_URL)" --clients $$(python3 -c "print(max(1000, int(100000 * $(SCALE))))")

# every per-area script in bench/ (timings and query counts of each domain)
bench-scripts: setup
	for script in bench/[!_]*.py; do [ $$script = bench/compare.py ] || $(PY) $$script || exit 1; done

clean:
	rm -rf $(VENV) instance/*.db instance/reports instance/uploads
