"""Scale-out (issue 15, item 5): two server processes and two workers on one PostgreSQL under
concurrent load lose no update (conflicting writes: one 200, the others 409), send each
notification e-mail once, and keep the audit chain linear and verifiable. A small run here;
``tests/bench/bench_scale_out.py`` runs a bigger one (harness: ``support.scale_out``)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg
import pytest

from support import scale_out
from support.require import skip_or_fail
from support.scratch import migrated_postgres
from support.smtp import SmtpServer, run_smtp_server

pytestmark = pytest.mark.postgres

ROUNDS = 3
WRITERS = 4


@pytest.fixture
def postgres_database() -> Iterator[str]:
    """A scratch database just migrated on the PostgreSQL server of ``DATABASE_URL``, dropped
    after (:func:`support.scratch.migrated_postgres`); the test runs in the suite's PostgreSQL
    pass only."""
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        pytest.skip(
            "scale-out is a PostgreSQL deployment (several machines share one database server; "
            "SQLite is a file of one machine): it runs in the suite's PostgreSQL pass"
        )
    admin = urlunsplit(urlsplit(url)._replace(path="/postgres"))
    try:
        psycopg.connect(admin, connect_timeout=3).close()
    except psycopg.OperationalError as error:
        skip_or_fail("postgres", f"PostgreSQL is not reachable: {error}")
    with migrated_postgres(url, "defector_scale_") as database:
        yield database


@pytest.fixture
def smtp_server() -> Iterator[SmtpServer]:
    yield from run_smtp_server()


def test_two_servers_and_two_workers_on_one_postgresql_lose_no_update_and_send_each_mail_once(
    tmp_path: Path, postgres_database: str, smtp_server: SmtpServer
) -> None:
    figures = scale_out.run(
        tmp_path, postgres_database, smtp_server, rounds=ROUNDS, writers=WRITERS, migrate=False
    )
    # No lost update: per round one write wins, every other is told the case changed.
    assert [dict(answers) for answers in figures.answers] == [{200: 1, 409: WRITERS - 1}] * ROUNDS
    assert figures.version_moves == [1] * ROUNDS
    # Intakes on both servers all opened their cases.
    assert set(figures.intakes) == {201}, figures.intakes
    # Each notice e-mail sent once: every outbox row sent, each accepted once, nothing else.
    assert figures.emails > 0
    assert figures.emails_sent == figures.emails
    assert figures.smtp_accepted == figures.emails
    assert figures.smtp_duplicates == 0
    assert figures.smtp_unknown == 0
    # The chain stayed linear (no fork, no gap) and verifies.
    assert figures.verify_status == 0, figures.verify_output
    assert "result:       OK" in figures.verify_output
