# The project's commands. `make demo` and `make test` work on a fresh clone: they create
# .venv and install what is needed first.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PYTEST_ARGS ?=

.PHONY: install demo test lint types pytest pytest-sqlite pytest-postgres bench openapi vendor clean

install: $(STAMP)

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[test]'
	@touch $(STAMP)

demo: install
	DEFECTOR_DEMO=true $(BIN)/defector demo
	DEFECTOR_DEMO=true $(BIN)/defector serve 127.0.0.1:8000

test: install lint types pytest

lint: install
	$(BIN)/ruff check src tests scripts/postgres-url
	$(BIN)/ruff format --check src tests

types: install
	$(BIN)/mypy

# The whole suite on SQLite, then again on PostgreSQL when one is reachable
# (DATABASE_URL, or the local server). DEFECTOR_TEST_REQUIRE=postgres makes its absence fail.
pytest: pytest-sqlite pytest-postgres

pytest-sqlite: install
	env -u DATABASE_URL $(BIN)/pytest $(PYTEST_ARGS)

pytest-postgres: install
	@url=$$($(BIN)/python scripts/postgres-url) || { \
	  case ",$$DEFECTOR_TEST_REQUIRE," in *,postgres,*) \
	    echo "PostgreSQL is required (DEFECTOR_TEST_REQUIRE) but not reachable" >&2; exit 1;; esac; \
	  echo "PostgreSQL not reachable: the PostgreSQL run is skipped"; exit 0; }; \
	echo "== the suite again on PostgreSQL ($$url)"; \
	DATABASE_URL=$$url $(BIN)/pytest $(PYTEST_ARGS)

# Every tests/bench/bench_*.py prints its figures; none is part of `make test`.
bench: install
	@for script in tests/bench/bench_*.py; do \
	  echo "== $$script"; $(BIN)/python $$script || exit 1; done

openapi: install
	$(BIN)/defector export-openapi openapi.json

vendor:
	scripts/vendor-assets

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache .hypothesis
