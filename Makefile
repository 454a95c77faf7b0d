# The project's commands. `make demo` and `make test` work on a fresh clone: they create
# .venv and install what is needed first.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PYTEST_ARGS ?=
# pytest-xdist: one worker per core ("logical": with psutil installed, "auto" would count
# physical cores only); a test file stays on one worker (module fixtures such as the browser
# are set up once), in the order of tests/conftest.py: the long attack suites first, the
# browser files next (each pass runs one kind of the two), then the longest other files, then
# the rest; the slowest tests are printed at the end, to keep an eye on CI's time.
XDIST ?= -n logical --dist loadfile --no-loadscope-reorder --durations=15

.PHONY: install demo test lint types pytest pytest-sqlite pytest-postgres bench openapi screenshots vendor clean

install: $(STAMP)

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[test]'
	@touch $(STAMP)

# The demo data, then the worker (e-mail, reminders, sweeps) in the background and the server
# in the foreground; Ctrl-C stops the server, and the worker with it.
demo: install
	DEFECTOR_DEMO=true $(BIN)/defector demo
	@DEFECTOR_DEMO=true $(BIN)/defector worker & worker=$$!; \
	trap 'kill -TERM $$worker 2>/dev/null; wait $$worker 2>/dev/null' EXIT; \
	trap 'exit 130' INT TERM; \
	DEFECTOR_DEMO=true $(BIN)/defector serve 127.0.0.1:8000

# Installs, then lint, types and the suite; prints how long it all took.
test:
	@start=$$(date +%s); echo "make test: started $$(date -u '+%Y-%m-%d %H:%M:%S') UTC"; \
	$(MAKE) --no-print-directory install lint types pytest; status=$$?; \
	echo "make test: $$(( $$(date +%s) - start )) s (ended $$(date -u '+%H:%M:%S') UTC)"; \
	exit $$status

lint: install
	$(BIN)/ruff check src tests scripts/postgres-url scripts/screenshots
	$(BIN)/ruff format --check src tests scripts/screenshots

types: install
	$(BIN)/mypy

# The whole suite on SQLite, then again on PostgreSQL when one is reachable (DATABASE_URL, or
# the local server); DEFECTOR_TEST_REQUIRE=postgres makes its absence fail. Three kinds of test
# run once, not in both passes:
# - the attack suites (marker `attack`: schemathesis, sqlmap, the authorization matrix, the
#   crawl, the queries of every operation) on PostgreSQL when it is reachable, else on SQLite:
#   what they attack includes the code that exists on PostgreSQL only (its search and access
#   SQL, its stricter types), the production database;
# - the browser tests (marker `browser`: they test pages, not the database) on SQLite: each is
#   a transactional test with a live server, which SQLite empties after it in a fraction of
#   PostgreSQL's time, and the PostgreSQL pass is the long one (docs/benchmarks.md, the tenth
#   session);
# - the tests that use no database of the suite (marker `no_database`, set by
#   tests/conftest.py: pure policy tables, lint-like checks, commands and servers on a scratch
#   state directory of their own) on SQLite, or on PostgreSQL when also marked `postgres` (a
#   scratch PostgreSQL database of their own).
pytest: install
	@if url=$$($(BIN)/python scripts/postgres-url); then \
	  echo "== the suite on SQLite, the browser tests included, less the attack suites (they run on PostgreSQL)"; \
	  env -u DATABASE_URL $(BIN)/pytest $(XDIST) \
	    -m "not attack and not (no_database and postgres)" $(PYTEST_ARGS) || exit 1; \
	  echo "== the suite again on PostgreSQL ($$url), the attack suites included, less the browser tests and the tests that use no database (they ran on SQLite)"; \
	  DATABASE_URL=$$url $(BIN)/pytest $(XDIST) -m "not browser and (not no_database or postgres)" $(PYTEST_ARGS); \
	else \
	  case ",$$DEFECTOR_TEST_REQUIRE," in *,postgres,*) \
	    echo "PostgreSQL is required (DEFECTOR_TEST_REQUIRE) but not reachable" >&2; exit 1;; esac; \
	  echo "== PostgreSQL not reachable: the whole suite on SQLite, the attack suites included"; \
	  env -u DATABASE_URL $(BIN)/pytest $(XDIST) $(PYTEST_ARGS); \
	fi

# One database only, every test (the attack suites included).
pytest-sqlite: install
	env -u DATABASE_URL $(BIN)/pytest $(XDIST) $(PYTEST_ARGS)

pytest-postgres: install
	@url=$$($(BIN)/python scripts/postgres-url) || { \
	  echo "PostgreSQL not reachable" >&2; exit 1; }; \
	DATABASE_URL=$$url $(BIN)/pytest $(XDIST) $(PYTEST_ARGS)

# The one benchmark table (tests/bench/bench_table.py): every figure a ratio against its
# baseline of the same run, on SQLite and PostgreSQL, at the full size (250 posts, 100,000
# cases, 1,000,000 audit events: it takes long). Smaller: BENCH_POSTS=20 BENCH_CASES=2000
# BENCH_EVENTS=40000 make bench. None is part of `make test`.
# The sources compiled first, as an installed package's are: the commands the table times
# (`audit verify`) then start as deployed, also where PYTHONDONTWRITEBYTECODE is set
# (docs/benchmarks.md, the fifteenth session's `verifycmd`).
bench: install
	$(BIN)/python -m compileall -q src
	$(BIN)/python tests/bench/bench_table.py

# Every other tests/bench/bench_*.py, each printing its own figures.
bench-each: install
	@for script in tests/bench/bench_*.py; do \
	  case $$script in */bench_table.py) continue;; esac; \
	  echo "== $$script"; $(BIN)/python $$script || exit 1; done

openapi: install
	$(BIN)/defector export-openapi openapi.json

# docs/screenshots/: each demo role's home and a case page (desktop and phone), from a demo
# built in a temporary directory; needs Debian's Chromium (/usr/bin/chromium).
screenshots: install
	$(BIN)/python scripts/screenshots

vendor:
	scripts/vendor-assets

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache .hypothesis
