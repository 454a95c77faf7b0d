"""Crash safety (issue 15, item 4): writes through the API while the server is killed with
SIGKILL lose nothing acknowledged, double nothing retried with its Idempotency-Key, leave no
record without its audit event, and leave a chain that verifies. A few cycles here; the bench
(tests/bench/bench_crash.py) runs twenty and more on each database."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg
import pytest

from support.crash import Figures, run
from support.require import skip_or_fail
from support.scratch import migrated_postgres

CYCLES = 2


def assert_sound(figures: Figures) -> None:
    assert figures.cycles == CYCLES
    assert figures.failures == []
    assert figures.lost == [], "an acknowledged write is missing"
    assert figures.duplicates == 0, "a retried request was done twice"
    assert figures.unaudited == [], "a record has no audit event"
    assert figures.chain_verified, figures.verify_output
    assert figures.cases > 0
    assert figures.notes > 0
    assert figures.retried > 0, "no request was ever cut: the kills missed the writers"


def test_sigkilling_the_server_under_writes_on_sqlite_loses_and_doubles_nothing(
    tmp_path: Path,
) -> None:
    assert_sound(run(tmp_path, cycles=CYCLES, clients=2, workers=1, seed=15))


@pytest.fixture
def scratch_postgres() -> Iterator[str]:
    """A scratch database just migrated on the PostgreSQL server of ``DATABASE_URL`` (or
    127.0.0.1:5432), dropped after (:func:`support.scratch.migrated_postgres`)."""
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        url = "postgres://postgres@127.0.0.1:5432/postgres"
    admin = urlunsplit(urlsplit(url)._replace(path="/postgres"))
    try:
        psycopg.connect(admin, connect_timeout=3).close()
    except psycopg.OperationalError as error:
        skip_or_fail("postgres", f"PostgreSQL is not reachable: {error}")
    with migrated_postgres(url, "defector_crash_") as database:
        yield database


@pytest.mark.postgres
def test_sigkilling_the_server_under_writes_on_postgresql_loses_and_doubles_nothing(
    tmp_path: Path, scratch_postgres: str
) -> None:
    assert_sound(
        run(
            tmp_path,
            cycles=CYCLES,
            clients=2,
            workers=1,
            seed=15,
            database_url=scratch_postgres,
            migrate=False,
        )
    )
