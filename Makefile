# The two commands the README opens with: `make run` and `make test`.
# Both create the virtual environment on first use. With DATABASE_URL / REDIS_URL set
# they use PostgreSQL and Redis; without, SQLite and a filesystem broker.

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-stamp

.PHONY: run test bench soak lint venv prepare clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

venv: $(STAMP)

prepare: venv
	$(PY) manage.py compiletranslations
	$(PY) manage.py migrate --noinput
	$(PY) manage.py createcachetable

run: prepare
	$(PY) manage.py seed_demo
	$(PY) -m takedown.run

test: venv
	$(PY) manage.py compiletranslations
	$(PY) -m pytest $(PYTEST_ARGS)

bench: prepare
	$(PY) -m bench $(BENCH)

soak: prepare
	$(PY) -m bench.soak $(SOAK_ARGS)

lint: venv
	$(VENV)/bin/ruff check .

clean:
	rm -rf $(VENV) var/broker var/media var/static var/*.sqlite3* var/celerybeat-schedule*
