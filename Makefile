# Lighter Legs. `make run` serves the site; `make test` runs the whole suite. Both set up first.
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: setup run test lint bench clean

$(PY):
	$(PYTHON) -m venv $(VENV)

$(STAMP): requirements.txt | $(PY)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	touch $(STAMP)

setup: $(STAMP)
	$(PY) manage.py migrate --noinput
	$(PY) manage.py load_content

run: setup
	$(PY) manage.py runserver 127.0.0.1:8000

test: setup
	@$(PY) -c "import os, sys; sys.exit(0 if os.path.exists('/usr/bin/chromium') else 1)" || \
		echo "!!!!! Chromium not found at /usr/bin/chromium: browser tests are SKIPPED. Install it with: apt-get update && apt-get install -y chromium"
	$(PY) -m pytest

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(PY) manage.py makemigrations --check --dry-run

clean:
	rm -rf $(VENV) staticfiles db.sqlite3 db.sqlite3-wal db.sqlite3-shm
