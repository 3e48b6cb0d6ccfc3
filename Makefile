# pulumi-alicloud-flink — plain targets: install, test, lint, demo, bench, engine, reliability.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# The Pulumi CLI the end-to-end tests run (see provider/scripts/ENGINE.md for why this version).
PULUMI_VERSION ?= v3.276.0
ENGINE_BIN := $(CURDIR)/.engine/bin
export PATH := $(ENGINE_BIN):$(CURDIR)/$(BIN):$(PATH)

.PHONY: install test lint demo bench engine reliability live clean

install: $(STAMP)

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[dev]'
	touch $@

engine: install
	PULUMI_VERSION=$(PULUMI_VERSION) ENGINE_DIR=$(CURDIR)/.engine bash provider/scripts/build_engine.sh

test: install engine
	$(BIN)/pytest -q

lint: install
	$(BIN)/ruff check provider sdk tests examples
	$(BIN)/ruff format --check provider sdk tests examples
	$(BIN)/mypy provider/alicloud_flink sdk/pulumi_alicloud_flink tests

demo: install engine
	$(BIN)/python -m alicloud_flink.stack_runner examples/quickstart

bench: install engine
	$(BIN)/python tests/bench/run.py

reliability: install engine
	$(BIN)/python tests/reliability/run.py

# Acceptance tests against the real cloud: see tests/live/test_live_cloud.py for the variables.
live: install
	$(BIN)/pytest -q -m live tests/live

clean:
	rm -rf $(VENV) .engine build *.egg-info
