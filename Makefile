# Two commands on a fresh machine: `make demo` and `make test`. Each creates .venv and
# installs what it needs; nothing else has to be set up.
#
# Every dependency is installed at the exact version in requirements.lock (a constraints
# file), so a new release of anything cannot change a fresh install; `make lock` refreshes
# the lock to the newest versions pyproject.toml allows (review and commit the diff).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
LOCK := requirements.lock
PIP_VERSION := 26.3
UV_VERSION := 0.13.8

.PHONY: demo test lint bench clean lock

$(STAMP): pyproject.toml $(LOCK)
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade 'pip==$(PIP_VERSION)'
	$(BIN)/python -m pip install --quiet -c $(LOCK) -e '.[dev]'
	touch $(STAMP)

# uv (from PyPI, pinned) resolves for every platform and Python 3.11 and later at once.
lock: $(STAMP)
	$(BIN)/python -m pip install --quiet 'uv==$(UV_VERSION)'
	$(BIN)/uv pip compile pyproject.toml --extra dev --universal --python-version 3.11 \
		--upgrade --quiet -o $(LOCK)
	@echo "$(LOCK) refreshed; run make test, then commit it"

demo: $(STAMP)
	$(BIN)/kambot demo

test: $(STAMP)
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: $(STAMP)
	$(BIN)/ruff check bot commands storage prompts tests bench
	$(BIN)/mypy

# KAMBOT_BENCH_PG=postgresql+psycopg://user@host/db adds PostgreSQL; KAMBOT_BENCH_QUICK=1 is
# quicker; `make bench ACCOUNTS=5000` the larger data set (its results in bench/RESULTS-5000.md).
ACCOUNTS ?= 1000
BENCH_RESULTS := bench/RESULTS$(if $(filter-out 1000,$(ACCOUNTS)),-$(ACCOUNTS)).md
bench: $(STAMP)
	KAMBOT_BENCH_PG=$(KAMBOT_BENCH_PG) $(BIN)/python -m bench --accounts $(ACCOUNTS) --results $(BENCH_RESULTS)

clean:
	rm -rf $(VENV) build *.egg-info
