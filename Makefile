# The two commands: `make run` (install, build, migrate, seed the demo, serve) and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# Pins torch to the CPU build; without it pip resolves a multi-GB CUDA build.
export PIP_CONSTRAINT := $(CURDIR)/constraints.txt
export PIP_DISABLE_PIP_VERSION_CHECK := 1
export HF_HUB_OFFLINE := 1

.PHONY: run test install install-dev frontend test-deps lint typecheck contracts clean

run: install frontend
	$(BIN)/python -m server migrate
	$(BIN)/python -m server demo
	WARROOM_DEMO=1 $(BIN)/python -m server serve

test: install-dev test-deps lint typecheck
	$(BIN)/python -m pytest

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: pyproject.toml constraints.txt | $(VENV)/bin/python
	$(BIN)/pip install -q -e . 2>&1 | grep -v "^WARNING: Location" || true
	$(BIN)/python -c "import server, workers"
	touch $@

$(VENV)/.installed-dev: pyproject.toml constraints.txt | $(VENV)/bin/python
	$(BIN)/pip install -q -e '.[dev]' 2>&1 | grep -v "^WARNING: Location" || true
	$(BIN)/python -c "import server, workers, pytest, playwright, importlinter"
	touch $(VENV)/.installed $@

# Rebuilds frontend/dist only when it is missing or older than its sources.
frontend:
	scripts/build-frontend

test-deps: frontend tests/js/node_modules/.package-lock.json tests/heatmaps/js/node_modules/.package-lock.json
	scripts/install-browser

tests/js/node_modules/.package-lock.json: tests/js/package-lock.json
	cd tests/js && npm ci --no-audit --no-fund

tests/heatmaps/js/node_modules/.package-lock.json: tests/heatmaps/js/package-lock.json
	cd tests/heatmaps/js && npm ci --no-audit --no-fund

lint:
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

typecheck:
	$(BIN)/mypy

clean:
	rm -rf $(VENV) frontend/dist frontend/node_modules tests/js/node_modules tests/heatmaps/js/node_modules test-output
