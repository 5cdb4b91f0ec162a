# PixioDoc: the two commands a newcomer types are `make run` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000
STAMP := $(VENV)/.installed
VAR := var

.PHONY: run test bench lint messages clean

$(STAMP): requirements/base.txt requirements/dev.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check uv
	$(VENV)/bin/uv pip install --quiet --python $(PY) -r requirements/dev.txt
	touch $(STAMP)

# Set up and serve the product with demo data: web, Celery worker and beat.
# Ctrl-C (or any of the three exiting) stops all three; the worker's warm shutdown
# lets its running task finish before `make run` returns.
run: $(STAMP)
	$(PY) manage.py migrate --no-input
	$(PY) manage.py demo
	@echo "PixioDoc is at http://127.0.0.1:$(PORT)/ (Ctrl-C stops web, worker and beat)"
	@stop() { kill -TERM $$web $$worker $$beat 2>/dev/null; wait; }; \
	trap 'stop; exit 130' INT TERM; \
	$(PY) -m celery -A pixiodoc worker --loglevel=INFO --concurrency=2 & worker=$$!; \
	$(PY) -m celery -A pixiodoc beat --loglevel=INFO --schedule=$(VAR)/celerybeat-schedule & beat=$$!; \
	$(PY) manage.py runserver --noreload 127.0.0.1:$(PORT) & web=$$!; \
	wait -n; status=$$?; stop; exit $$status

# The whole suite. Without DATABASE_URL/REDIS_URL: SQLite and the embedded broker.
test: $(STAMP)
	$(PY) -m pytest

# Benchmarks print their figures; targets are read, never asserted on time.
bench: $(STAMP)
	$(PY) -m pytest -m bench -o python_files='bench_*.py' -p no:cacheprovider -s -q \
	  $$(ls -d */benchmarks 2>/dev/null)

# Issue 18: gather every marked string into the catalogues of each language, then
# compile them (the .mo files are committed: running needs no gettext tools).
# Needs gettext (xgettext, msgmerge, msgfmt): apt-get install gettext. The
# project's makemessages (pixiodoc/management/commands) knows what to leave out.
LANGUAGES := -l de -l fr -l es
messages: $(STAMP)
	$(PY) manage.py makemessages $(LANGUAGES)
	$(PY) manage.py makemessages -d djangojs $(LANGUAGES)
	$(PY) manage.py compilemessages --ignore=.venv --ignore=var

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

clean:
	rm -rf var/test-db.sqlite3 var/broker .pytest_cache
