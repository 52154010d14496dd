# Two commands on a fresh machine: `make run` and `make test` (see README.md).
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-$(shell cksum requirements.lock | cut -d' ' -f1)
HOST ?= 127.0.0.1
PORT ?= 8000
# Test processes side by side (pytest-xdist): one more than the cores, at most four (each may run
# Chromium). Many tests wait on other processes (servers, installs, browsers): on 2 cores CI took
# 12 min 17 s with three processes against 13 min 10 s with two, on the same tree, quiet machine.
TEST_JOBS ?= $(shell n=$$(nproc 2>/dev/null || echo 1); n=$$((n + 1)); [ $$n -gt 4 ] && n=4; echo $$n)

.PHONY: run test test-fast check install lint format demo bench bench-pdf clean system-deps worker backup restore pdfjs

# The lock and nothing else, on any day: tools/install-lock says how (no resolution, no build).
$(STAMP): requirements.lock
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	tools/install-lock $(PY)
	@rm -f $(VENV)/.installed-*
	@touch $(STAMP)

# The Thai catalogue is compiled by every setup path: an official document never prints English.
install: system-deps $(STAMP)
	$(PY) manage.py compilemessages --ignore=.venv >/dev/null

# pdf.js (Firefox's PDF reader) for the PDF tests' text extraction, from the npm registry.
PDFJS := tools/pdfjs/node_modules/.package-lock.json
$(PDFJS): tools/pdfjs/package-lock.json
	npm ci --prefix tools/pdfjs --no-audit --no-fund --loglevel=error
	@touch $(PDFJS)

pdfjs: system-deps $(PDFJS)

# WeasyPrint needs Pango; install it from Debian when missing (root only, as on these machines).
system-deps:
	@./.ci/system-deps

# The server, the worker and the demo's loader all know the address the demo is served on: the
# stored, signed PDF of the demo's decided memo prints it (SITE_URL's default in development).
run: export ITA_HOST = $(HOST)
run: export ITA_PORT = $(PORT)
run: install
	$(PY) manage.py migrate --noinput
	$(PY) manage.py load_demo --if-empty
	@# The task worker (e-mail, reminders, stored PDFs) beside the server; Ctrl-C stops both.
	@$(PY) manage.py worker --queue-name='*' & worker=$$!; \
	trap 'kill $$worker 2>/dev/null; wait $$worker 2>/dev/null' EXIT INT TERM; \
	$(PY) manage.py runserver $(HOST):$(PORT)

# The task worker alone (production runs it as a service: docs/operations.md).
worker: install
	$(PY) manage.py worker --queue-name='*'

# `make backup` writes backups/ita-<date>.tar.gz (or OUT=path); `make restore FILE=path` puts one
# back into an empty database and MEDIA_ROOT.
backup: $(STAMP)
	$(PY) manage.py backup $(if $(OUT),-o $(OUT))

restore: $(STAMP)
	@test -n "$(FILE)" || { echo "usage: make restore FILE=backups/ita-....tar.gz"; exit 2; }
	$(PY) manage.py restore $(FILE)

# Lint, types and layers (ruff, mypy, import-linter's contracts), and no model change without its
# migration. `make lint` is the same.
check: $(STAMP)
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/ruff check .
	$(VENV)/bin/lint-imports --no-cache
	$(VENV)/bin/mypy
	$(PY) manage.py makemigrations --check --dry-run >/dev/null

lint: check

format: $(STAMP)
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

# Everything (CI runs it on SQLite, then on PostgreSQL; its second pass sets CHECK= because lint,
# types, layers and migrations do not depend on the database and were checked in the first).
CHECK ?= check
test: install pdfjs $(CHECK)
	$(PY) -m pytest -n $(TEST_JOBS) --dist worksteal $(PYTEST_ARGS)

# The developer's loop: no browser, no PDF readers' engines (no pdf.js to install), no fresh
# install, server or whole database of its own (the markers in pyproject.toml). No lint either:
# `make check` is its own step.
FAST_TESTS := not browser and not pdf and not install and not serve and not rebuild
test-fast: install
	$(PY) -m pytest -n $(TEST_JOBS) --dist worksteal -m "$(FAST_TESTS)" $(PYTEST_ARGS)

demo: install
	$(PY) manage.py migrate --noinput
	$(PY) manage.py load_demo

bench: install
	$(PY) bench/pages.py
	$(PY) bench/import.py
	$(PY) bench/workflow.py
	$(PY) bench/measures_report.py
	$(PY) bench/pdf.py
	$(PY) bench/notices.py
	$(PY) bench/onboarding.py
	$(PY) bench/scale.py

bench-pdf: install
	$(PY) bench/pdf.py

clean:
	rm -rf $(VENV) db.sqlite3 media/ staticfiles/
