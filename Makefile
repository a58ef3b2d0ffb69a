# Sandbox — `make run` serves the demo, `make test` runs the whole suite. Both set up what they need.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 5000
FLASK := $(BIN)/flask --app sandbox
# The W3C interoperability test's node packages (tests/interop), installed from the committed lock file.
INTEROP := tests/interop

.PHONY: run test typecheck lint messages catalogs bench clean install interop

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

install: $(VENV)/.installed catalogs

catalogs: $(VENV)/.installed
	$(BIN)/pybabel compile -d sandbox/translations >/dev/null

# One outbox worker runs beside the server (it sends the notification e-mails) and stops with it.
run: install
	$(FLASK) init-db
	$(FLASK) demo
	@echo "Serving the demo at http://$(HOST):$(PORT), with an outbox worker sending e-mails to instance/outbox/"
	@$(FLASK) outbox run & worker=$$!; \
	trap 'kill $$worker 2>/dev/null; wait $$worker' EXIT INT TERM; \
	$(FLASK) run --host $(HOST) --port $(PORT)

# The type check runs first, so a type error fails `make test` (and CI, which runs it) before the suite.
test: install interop typecheck
	$(BIN)/python -m pytest

# npm ci writes node_modules/.package-lock.json; without npm the interoperability test says what is missing.
interop: $(INTEROP)/node_modules/.package-lock.json

$(INTEROP)/node_modules/.package-lock.json: $(INTEROP)/package-lock.json
	@if command -v npm >/dev/null 2>&1; then \
		npm ci --prefix $(INTEROP) --no-audit --no-fund --loglevel=error >/dev/null; \
	else \
		echo "npm not found: tests/interop cannot be installed (its test skips, or fails in CI)"; \
	fi

# mypy checks what [tool.mypy] in pyproject.toml lists: workflows/ and certificates/ strictly, the rest
# (sandbox/, tests/, benchmarks/, tools/) in mypy's default mode.
typecheck: install
	$(BIN)/python -m mypy

lint: install typecheck
	$(BIN)/ruff check sandbox workflows certificates tests benchmarks tools

# Re-extract interface strings and merge them into the catalogs (then translate the new zh entries).
messages: $(VENV)/.installed
	$(BIN)/pybabel extract -F babel.cfg -k N_ -k lazy_gettext -k _l --no-location --sort-output --omit-header \
		-o sandbox/translations/messages.pot .
	$(BIN)/pybabel update -i sandbox/translations/messages.pot -d sandbox/translations --no-fuzzy-matching --width 110

bench: install
	$(BIN)/python -m benchmarks

clean:
	rm -rf $(VENV) *.egg-info .pytest_cache .mypy_cache $(INTEROP)/node_modules
