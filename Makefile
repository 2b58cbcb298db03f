# bangfu's commands. `make serve` and `make test` do all the set-up on a fresh machine
# (Python 3.11 and make): a virtual environment in .venv, pinned by constraints.txt.

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: install serve test lint typecheck pytest schema demo-district bench lock clean

$(STAMP): pyproject.toml constraints.txt
	$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), "bangfu needs Python 3.11+"'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c constraints.txt -e ".[dev]"
	touch $(STAMP)

install: $(STAMP)

## serve: migrate the SQLite database, load demo data on first run, serve GraphQL on :8000
serve: install
	$(BIN)/bangfu serve --demo

## test: lint, type-check and run the whole test suite
test: lint pytest

pytest: install
	$(BIN)/pytest

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy .

## schema: re-export schema.graphql after changing the API
schema: install
	$(BIN)/bangfu export-schema schema.graphql

demo-district: install
	$(BIN)/bangfu demo --scale district

bench: install
	@for script in $(filter-out bench/verdict.py,$(wildcard bench/*.py)); do echo "== $$script"; $(BIN)/python $$script || exit 1; done

## lock: refresh constraints.txt from the current environment
lock: install
	$(BIN)/python -m pip freeze --exclude-editable | grep -v '^bangfu' > constraints.txt

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache
