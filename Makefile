# Two commands on a fresh machine: `make run` and `make test` (see README.md).
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-$(shell cksum requirements.lock | cut -d' ' -f1)
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test install lint format demo bench bench-pdf clean system-deps pdfjs

$(STAMP): requirements.lock
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check --require-hashes -r requirements.lock
	@rm -f $(VENV)/.installed-*
	@touch $(STAMP)

# The Thai catalogue is compiled by every setup path: an official document never prints English.
install: system-deps $(STAMP) pdfjs
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

run: install
	$(PY) manage.py migrate --noinput
	$(PY) manage.py load_demo --if-empty
	$(PY) manage.py compilemessages --ignore=.venv >/dev/null
	$(PY) manage.py runserver $(HOST):$(PORT)

lint: $(STAMP)
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/ruff check .
	$(VENV)/bin/lint-imports --no-cache
	$(VENV)/bin/mypy

format: $(STAMP)
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

test: install lint
	$(PY) manage.py compilemessages --ignore=.venv >/dev/null
	$(PY) manage.py makemigrations --check --dry-run >/dev/null
	$(PY) -m pytest $(PYTEST_ARGS)

demo: install
	$(PY) manage.py migrate --noinput
	$(PY) manage.py load_demo

bench: install
	$(PY) bench/pages.py
	$(PY) bench/import.py
	$(PY) bench/workflow.py
	$(PY) bench/measures_report.py
	$(PY) bench/pdf.py

bench-pdf: install
	$(PY) bench/pdf.py

clean:
	rm -rf $(VENV) db.sqlite3 media/ staticfiles/
