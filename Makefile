# claimwire — `make run` sets everything up and runs the demo; `make test` runs every test.
SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
CW := $(BIN)/claimwire
export UV_PYTHON_DOWNLOADS := never
export PATH := $(HOME)/.local/bin:$(PATH)

.PHONY: setup run demo test test-chaos test-unit test-integration test-e2e lint format bench stop up up-cluster down logs clean

$(BIN)/claimwire: pyproject.toml uv.lock
	@command -v uv >/dev/null || $(PYTHON) -m pip install --quiet --user uv || $(PYTHON) -m pip install --quiet uv
	uv sync --frozen --python $(PYTHON)
	@touch $@

setup: $(BIN)/claimwire ## create the virtualenv with the locked dependencies

run: setup ## start Kafka and the services, publish the demo corpus, print its clusters
	$(CW) up
	$(CW) publish demo/articles.jsonl
	$(CW) wait --articles $$(grep -c . demo/articles.jsonl) --timeout 300
	$(CW) clusters
	@echo
	@echo "The stack keeps running. Try:"
	@echo "  $(CW) search \"river water\"      # full-text search over claims"
	@echo "  $(CW) search \"inflation\" --speaker Saalberg"
	@echo "  $(CW) status                     # consumer groups, offsets and lag"
	@echo "  $(CW) publish FILE.jsonl|URL     # submit more articles"
	@echo "  make stop                        # stop the services and Kafka"

stop: setup ## stop the local stack
	$(CW) down

test: setup ## unit, fuzz, integration (real Kafka, OpenSearch) and end-to-end tests
	$(BIN)/pytest -q -m "not chaos"

test-chaos: setup ## fault tests: killed services, broker restart, index outage, bursts
	$(BIN)/pytest -q -m chaos tests/chaos

test-unit: setup
	$(BIN)/pytest -q tests/unit

test-integration: setup
	$(BIN)/pytest -q -m integration

test-e2e: setup
	$(BIN)/pytest -q -m e2e

bench: setup ## benchmarks on the real local broker; results in bench/results/
	$(CW) bench

bench-quick: setup
	$(CW) bench --quick --json

lint: setup ## ruff and mypy
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

format: setup
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

up: ## docker compose: build and start the full stack
	docker compose up -d --build

up-cluster: ## docker compose with a 3-broker Kafka (replication factor 3, min ISR 2)
	docker compose -f docker-compose.yml -f compose.cluster.yml up -d --build

down:
	docker compose down

logs:
	docker compose logs -f --tail=100

clean:
	rm -rf .data .mypy_cache .ruff_cache .pytest_cache
