# Two commands on a fresh machine: `make demo` and `make test`. Each creates .venv and
# installs what it needs; nothing else has to be set up.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test lint bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/kambot demo

test: $(STAMP)
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: $(STAMP)
	$(BIN)/ruff check bot commands storage prompts tests bench
	$(BIN)/mypy

# KAMBOT_BENCH_PG=postgresql+psycopg://user@host/db adds PostgreSQL; KAMBOT_BENCH_QUICK=1 is quicker.
bench: $(STAMP)
	KAMBOT_BENCH_PG=$(KAMBOT_BENCH_PG) $(BIN)/python -m bench --results bench/RESULTS.md

clean:
	rm -rf $(VENV) build *.egg-info
