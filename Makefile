# Lodestar: `make run` runs the app, `make test` passes the tests. Nothing else needs installing.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-stamp
PYTEST_ARGS ?=

.PHONY: install run test lint bench screenshots clean

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --disable-pip-version-check --upgrade pip
	$(PY) -m pip install -q --disable-pip-version-check -e ".[dev]"
	touch $(STAMP)

install: $(STAMP)

## Run Lodestar: embedded PostgreSQL + Redis (unless DATABASE_URL / REDIS_URL are set), migrations,
## demo data, web server, Celery worker and beat. Ctrl-C stops everything.
run: install
	$(PY) -m config.embedded --data .data -- $(PY) -m config.run

## Lint, then every test against throw-away embedded PostgreSQL and Redis (or the servers in the URLs).
test: install lint
	$(PY) -m config.embedded --temp -- $(PY) -m pytest $(PYTEST_ARGS)

lint: install
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .

## Large-scale measurements, written to docs/benchmarks.md.
bench: install
	$(PY) -m config.embedded --temp -- $(PY) -m pytest tests/bench -p no:cacheprovider -o addopts="" -s

## Screenshots of every page (headless Chromium) into /tmp/lodestar-shots, to look at as a user would.
screenshots: install
	LODESTAR_SCREENSHOTS=1 $(PY) -m config.embedded --temp -- $(PY) -m pytest tests/e2e -k screenshot -p no:cacheprovider

clean:
	rm -rf $(VENV) .data staticfiles .pytest_cache .ruff_cache
