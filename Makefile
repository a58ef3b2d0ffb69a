# Sandbox — `make run` serves the demo, `make test` runs the whole suite. Both set up what they need.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 5000
FLASK := $(BIN)/flask --app sandbox

.PHONY: run test lint messages catalogs bench clean install

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

install: $(VENV)/.installed catalogs

catalogs: $(VENV)/.installed
	$(BIN)/pybabel compile -d sandbox/translations >/dev/null

run: install
	$(FLASK) init-db
	$(FLASK) demo
	@echo "Serving the demo at http://$(HOST):$(PORT)"
	$(FLASK) run --host $(HOST) --port $(PORT)

test: install
	$(BIN)/python -m pytest

lint: install
	$(BIN)/ruff check sandbox workflows certificates tests

# Re-extract interface strings and merge them into the catalogs (then translate the new zh entries).
messages: $(VENV)/.installed
	$(BIN)/pybabel extract -F babel.cfg -k N_ -k lazy_gettext -k _l --no-location --sort-output --omit-header \
		-o sandbox/translations/messages.pot .
	$(BIN)/pybabel update -i sandbox/translations/messages.pot -d sandbox/translations --no-fuzzy-matching --width 110

bench: install
	$(BIN)/python -m benchmarks

clean:
	rm -rf $(VENV) *.egg-info .pytest_cache
