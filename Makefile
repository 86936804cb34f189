# The ways in. `make run` and `make test` need nothing but Python 3.11+.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
STAMP := $(VENV)/.installed
PORT ?= 8000
TEST_ARGS ?=

.PHONY: install run test worker beat lint format lock bench clean

install: $(STAMP)

# Re-installs only when the dependencies change; otherwise `make install` is instant.
$(STAMP): pyproject.toml constraints.txt
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip
	$(PIP) install --quiet -c constraints.txt -e '.[dev]'
	@touch $@

run: install
	$(PY) manage.py migrate --noinput
	$(PY) manage.py seed_demo
	@echo "Serving on http://127.0.0.1:$(PORT)/ (Ctrl-C to stop)"
	$(PY) manage.py runserver 127.0.0.1:$(PORT)

test: install
	$(PY) -m pytest $(TEST_ARGS)

worker: install
	$(VENV)/bin/celery -A config worker -l INFO -P prefork -c 2 --without-gossip --without-mingle

beat: install
	$(VENV)/bin/celery -A config beat -l INFO

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(PY) manage.py makemigrations --check --dry-run

format: install
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

lock: install
	( echo "# Pinned versions that 'make install' uses (pip -c). Regenerate with 'make lock'."; \
	  $(PIP) freeze --exclude-editable | grep -v '^-e' ) > constraints.txt

clean:
	rm -rf $(VENV) var/static
