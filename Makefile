# The two quick-start commands: `make run` and `make test`. Both create .venv and install into it, so
# no command here needs an activated virtual environment.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
# `make run PORT=8600`: Streamlit is given the port explicitly, so a port in use is an error rather
# than a silent move to the next one.
PORT ?= 8501
# Extra arguments for the commands below, e.g. `make bench ARGS="--only load --quick"`.
ARGS ?=

.PHONY: run test lint validate tours bench export browser-deps proxy-deps

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip

run: $(BIN)/python
	$(BIN)/pip install -q -r requirements.txt
	@echo "Corridor Atlas on http://localhost:$(PORT) (stays in the foreground; Ctrl+C stops it)"
	$(BIN)/python -m streamlit run app.py --server.port $(PORT)

test: $(BIN)/python browser-deps proxy-deps
	$(BIN)/pip install -q -r requirements-dev.txt
	$(BIN)/ruff check .
	$(BIN)/python -m loaders.validate
	$(BIN)/python -m pytest

lint: $(BIN)/python
	$(BIN)/ruff check .

# The data validator: every problem as file:row:field, exit 1 if there is any (`ARGS=path/to/data`).
validate: $(BIN)/python
	$(BIN)/pip install -q -r requirements.txt
	$(BIN)/python -m loaders.validate $(ARGS)

# The presentation tours in data/tours/ (every number in a caption must come from data/).
tours: $(BIN)/python
	$(BIN)/pip install -q -r requirements.txt
	$(BIN)/python -m atlas.tour $(ARGS)

# Every benchmark against its baseline (BENCHMARKS.md); exits 1 when a target is missed.
bench: $(BIN)/python
	$(BIN)/pip install -q -r requirements-dev.txt
	$(BIN)/python -m bench $(ARGS)

# Slides, handouts and offline HTML from the command line (`make export ARGS=--help`).
export: $(BIN)/python
	$(BIN)/pip install -q -r requirements.txt
	$(BIN)/python -m atlas.export $(ARGS)

# Debian's chromium and Noto fonts (Vietnamese diacritics, CJK) for the browser tests.
browser-deps:
	@sh scripts/install_browser_deps.sh

# Debian's haproxy, nginx and openssl for the deployment tests (deploy/haproxy.cfg, deploy/nginx-static.conf).
proxy-deps:
	@sh scripts/install_proxy_deps.sh
