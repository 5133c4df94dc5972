# The two commands of the README. Both install what they need (a .venv from requirements.lock; the local
# Elasticsearch node from Maven Central on first use) and work on a fresh machine.
SHELL := /bin/bash
VENV := .venv/bin

.PHONY: demo test venv lint

venv:
	@scripts/bootstrap.sh

# The main job on seeds/: start both local services (left running for the next command), set up the index, run the
# ingest flow, search.
demo: venv
	$(VENV)/newsindex up
	$(VENV)/newsindex setup
	$(VENV)/newsindex run seeds/
	$(VENV)/newsindex search "North Korean troops internet"

# The test suite: unit tests, then integration and flow tests against a real node the fixtures start.
test: venv
	$(VENV)/ruff check flows transforms tests
	$(VENV)/mypy --strict flows transforms
	$(VENV)/pytest -q -p no:cacheprovider

lint: venv
	$(VENV)/ruff check flows transforms tests
	$(VENV)/ruff format --check flows transforms tests
