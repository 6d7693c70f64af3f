# The two quick-start commands: `make run` and `make test`. Both create .venv and install into it.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin

.PHONY: run test lint validate bench browser-deps

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip

run: $(BIN)/python
	$(BIN)/pip install -q -r requirements.txt
	$(BIN)/streamlit run app.py

test: $(BIN)/python browser-deps
	$(BIN)/pip install -q -r requirements-dev.txt
	$(BIN)/ruff check .
	$(BIN)/python -m loaders.validate
	$(BIN)/python -m pytest

lint: $(BIN)/python
	$(BIN)/ruff check .

validate: $(BIN)/python
	$(BIN)/python -m loaders.validate

bench: $(BIN)/python
	$(BIN)/python -m bench

# Debian's chromium and Noto fonts (Vietnamese diacritics, CJK) for the browser tests.
browser-deps:
	@sh scripts/install_browser_deps.sh
