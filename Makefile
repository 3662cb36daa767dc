# Two commands: `make run` serves the demo site, `make test` runs every check.
SHELL := /bin/bash
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test lint format bench demo migrate clean

$(BIN)/.installed: requirements.txt
	@py=$$(scripts/find-python.sh) || exit 1; \
	  echo "Using $$py ($$($$py --version))"; \
	  test -x $(BIN)/python || $$py -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt
	touch $@

$(BIN)/.installed-dev: $(BIN)/.installed requirements-dev.txt
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt
	touch $@

migrate: $(BIN)/.installed
	$(BIN)/python manage.py migrate --noinput

demo: migrate
	$(BIN)/python manage.py load_demo

run: demo
	$(BIN)/python manage.py runserver $(HOST):$(PORT)

test: $(BIN)/.installed-dev
	scripts/ensure-browser.sh
	VENV_BIN=$(BIN) scripts/test.sh

lint: $(BIN)/.installed-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(BIN)/.installed-dev
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

bench: $(BIN)/.installed
	$(BIN)/python scripts/benchmark.py

clean:
	rm -rf $(VENV) var .pytest_cache .ruff_cache
