# Two commands matter on a fresh clone: `make run` and `make test`.
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test install migrate demo worker lint check messages bench clean

# The development commands ask for DEBUG (and with it a generated secret in var/); without
# DEBUG=1 the settings refuse to start unless SECRET_KEY is set. DEBUG=0 make run overrides it.
migrate demo run worker check messages bench: export DEBUG ?= 1

$(STAMP): pyproject.toml
	@PYTHON="$$(scripts/find-python)" || exit 1; \
	  if [ ! -x $(PY) ]; then echo "Creating $(VENV) with $$PYTHON"; "$$PYTHON" -m venv $(VENV); fi
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	@touch $(STAMP)

install: $(STAMP)

migrate: $(STAMP)
	$(PY) manage.py migrate --noinput

demo: migrate
	$(PY) manage.py seed_demo

run: demo
	$(PY) manage.py compilemessages --ignore=.venv >/dev/null 2>&1 || true
	@echo "Threadline on http://$(HOST):$(PORT)/  (Ctrl-C stops it)"
	$(PY) manage.py runserver $(HOST):$(PORT)

worker: $(STAMP)
	$(VENV)/bin/celery -A mes worker -B --loglevel=info

# In parallel by default (one worker per core); PYTEST_ARGS="-n 0" runs in one process.
test: $(STAMP)
	$(PY) -m pytest -n auto $(PYTEST_ARGS)

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

# The gates CI runs besides the tests: lint, types, layers, dead code.
check: lint
	$(VENV)/bin/mypy
	$(VENV)/bin/lint-imports
	$(VENV)/bin/vulture core line instructions quality mes vulture_whitelist.py --min-confidence 60

messages: $(STAMP)
	$(PY) manage.py makemessages --all --ignore=.venv --ignore=tests

bench: $(STAMP)
	$(PY) bench/import_release.py

clean:
	rm -rf $(VENV) var/
