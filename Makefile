# The two commands: `make run` (install, build, migrate, seed the demo, serve) and `make test`.
# Both install the exact versions of requirements/*.lock (hash-checked); `make upgrade`, run by hand,
# refreshes the locks from pyproject.toml's ranges (docs/development.md).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# Pins torch to the CPU build when the locks are written; without it pip resolves a multi-GB CUDA build.
export PIP_CONSTRAINT := $(CURDIR)/constraints.txt
export PIP_DISABLE_PIP_VERSION_CHECK := 1
export HF_HUB_OFFLINE := 1

.PHONY: run test install install-dev lock upgrade frontend test-deps lint typecheck contracts clean

run: install frontend
	$(BIN)/python -m server migrate
	$(BIN)/python -m server demo
	WARROOM_DEMO=1 $(BIN)/python -m server serve

# Tests run on TEST_WORKERS processes (pytest-xdist); `make test TEST_WORKERS=0` runs them in this one.
TEST_WORKERS ?= 2

test: install-dev test-deps lint typecheck
	$(BIN)/python -m pytest -n $(TEST_WORKERS) --durations=25

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)

# -qq: errors only (this machine's pip configuration warns about every local index folder it skips).
# The lock holds every dependency, so the project itself goes in without resolving anything again.
$(VENV)/.installed: requirements/main.lock pyproject.toml | $(VENV)/bin/python
	$(BIN)/pip install -qq --require-hashes -r requirements/main.lock
	$(BIN)/pip install -qq --no-deps -e .
	$(BIN)/python -c "import server, workers"
	touch $@

# dev.lock is main.lock's versions plus the dev extra's.
$(VENV)/.installed-dev: requirements/dev.lock pyproject.toml | $(VENV)/bin/python
	$(BIN)/pip install -qq --require-hashes -r requirements/dev.lock
	$(BIN)/pip install -qq --no-deps -e .
	$(BIN)/python -c "import server, workers, pytest, playwright, piptools, importlinter"
	touch $(VENV)/.installed $@

# Writes the locks from pyproject.toml, keeping the versions they hold where the ranges still allow them
# (after adding or changing a dependency); `make upgrade` takes the newest versions the ranges allow.
LOCK = CUSTOM_COMPILE_COMMAND="make lock" $(BIN)/pip-compile --quiet --generate-hashes --allow-unsafe \
	--strip-extras --no-emit-index-url --no-emit-find-links $(LOCK_UPGRADE)

lock: install-dev
	$(LOCK) -o requirements/main.lock pyproject.toml
	$(LOCK) --extra dev -c requirements/main.lock -o requirements/dev.lock pyproject.toml

upgrade: LOCK_UPGRADE := --upgrade
upgrade: lock
	$(MAKE) test

# Rebuilds frontend/dist only when it is missing or older than its sources.
frontend:
	scripts/build-frontend

test-deps: frontend tests/js/node_modules/.package-lock.json tests/heatmaps/js/node_modules/.package-lock.json \
		tests/browser/js/node_modules/.package-lock.json
	scripts/install-browser

tests/js/node_modules/.package-lock.json: tests/js/package-lock.json
	cd tests/js && npm ci --no-audit --no-fund

tests/heatmaps/js/node_modules/.package-lock.json: tests/heatmaps/js/package-lock.json
	cd tests/heatmaps/js && npm ci --no-audit --no-fund

tests/browser/js/node_modules/.package-lock.json: tests/browser/js/package-lock.json
	cd tests/browser/js && npm ci --no-audit --no-fund

lint:
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

typecheck:
	$(BIN)/mypy

clean:
	rm -rf $(VENV) frontend/dist frontend/node_modules tests/js/node_modules tests/heatmaps/js/node_modules test-output
