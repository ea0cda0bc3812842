# Lighter Legs. `make run` serves the site; `make test` runs the whole suite. Both set up first.
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
# One stamp per requirements file: what production runs, then the tests and tooling on top.
STAMP := $(VENV)/.installed
DEV_STAMP := $(VENV)/.installed-dev

.PHONY: setup run serve test lint bench bench-queries bench-imports loadtest ramp faults clean

$(PY):
	$(PYTHON) -m venv $(VENV)

$(STAMP): requirements.txt | $(PY)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	touch $(STAMP)

$(DEV_STAMP): requirements-dev.txt $(STAMP)
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $(DEV_STAMP)

# createcachetable: the rate-limit counters' table when there is no Redis (a no-op with it).
setup: $(STAMP)
	$(PY) manage.py migrate --noinput
	$(PY) manage.py createcachetable
	$(PY) manage.py load_content

# Where `make run` serves: `make run ADDR=127.0.0.1:8001` beside another copy.
ADDR ?= 127.0.0.1:8000

# With one task worker (imports run in the background): the worker starts first, and leaving the
# server (Ctrl-C) stops it too (a backgrounded job ignores the terminal's Ctrl-C, hence the trap).
run: setup
	@$(PY) manage.py db_worker & worker=$$!; \
	trap 'kill $$worker 2>/dev/null; wait $$worker' EXIT INT TERM; \
	$(PY) manage.py runserver $(ADDR)

test: $(DEV_STAMP) setup
	@$(PY) -c "import os, sys; sys.exit(0 if os.path.exists('/usr/bin/chromium') else 1)" || \
		echo "!!!!! Chromium not found at /usr/bin/chromium: browser tests are SKIPPED. Install it with: apt-get update && apt-get install -y chromium"
	$(PY) -m pytest

lint: $(DEV_STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(PY) manage.py makemigrations --check --dry-run
	$(VENV)/bin/bandit -q -c pyproject.toml -r accounts legs config

# Production-like: prod settings, hashed and compressed static files, gunicorn (gunicorn.conf.py).
# Needs SECRET_KEY; for a local try-out: SECRET_KEY=$$(python3 -c 'import secrets; print(secrets.token_urlsafe(50))') SECURE_SSL_REDIRECT=false make serve
# Sessions are database rows that only `manage.py clearsessions` deletes once expired (a visitor
# without cookies makes one per checklist tick): schedule it daily beside the server (README,
# "Scheduled jobs"), with the nightly `manage.py backup`.
serve: setup
	DJANGO_SETTINGS_MODULE=config.settings.prod $(PY) manage.py collectstatic --noinput -v0
	@DJANGO_SETTINGS_MODULE=config.settings.prod $(PY) manage.py db_worker & worker=$$!; \
	trap 'kill $$worker 2>/dev/null; wait $$worker' EXIT INT TERM; \
	DJANGO_SETTINGS_MODULE=config.settings.prod $(VENV)/bin/gunicorn -c gunicorn.conf.py config.wsgi:application

clean:
	rm -rf $(VENV) staticfiles db.sqlite3 db.sqlite3-wal db.sqlite3-shm

# Benchmarks (tests/bench/): query budgets, server times, throughput against a fortunes floor,
# worker memory and page weight, on a data set of their own in a temporary folder (so no
# `setup` of the development database). Needs wrk: apt-get install -y wrk.
# Both parts run even when the first misses a budget; the target fails if either did.
bench: $(DEV_STAMP)
	@status=0; $(PY) tests/bench/run.py || status=1; $(PY) tests/bench/imports.py || status=1; \
	exit $$status

# The query budgets alone (the first table of tests/bench/run.py): no wrk needed, a minute or so.
bench-queries: $(DEV_STAMP)
	$(PY) tests/bench/run.py queries

# The import part of the benchmark alone (tests/bench/imports.py): no wrk needed.
bench-imports: $(DEV_STAMP)
	$(PY) tests/bench/imports.py

# Load and faults (tests/load/, see its run.py): 20 simulated people for 60 s against gunicorn as
# `make serve` runs it, once on SQLite and once on PostgreSQL (a database made and dropped for
# the run), the ramp (rising rates until p95 passes 250 ms or an error or lost write appears) on
# both, then a gunicorn worker killed and the PostgreSQL cluster stopped for a few seconds
# mid-run. Loopback only. Needs PostgreSQL on 127.0.0.1:5432 and root for pg_ctlcluster; uses
# Redis on 127.0.0.1:6379 when it answers. `make ramp` and `make faults` run their part alone.
loadtest: $(DEV_STAMP)
	$(PY) tests/load/run.py

ramp: $(DEV_STAMP)
	$(PY) tests/load/run.py ramp

faults: $(DEV_STAMP)
	$(PY) tests/load/run.py faults
