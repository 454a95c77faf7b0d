"""Answers after the audit head's moves are durable (``core.durable``): within a request's
scope, on PostgreSQL, a transaction that moves the head commits without waiting for the log's
flush, and the scope's end waits for the flush past it before the answer. Outside a scope, and
on SQLite, nothing changes."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from django.conf import settings
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext

from defector.core import audit, chain, durable, signing
from defector.core.actions import create_api_token
from defector.core.models import AuditEvent
from support.fixtures import MakeOfficial
from support.world import World


@pytest.fixture(autouse=True)
def signing_key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(signing.ENV_NAME, chain.new_private_key_text())


@pytest.fixture
def postgres() -> Iterator[None]:
    """PostgreSQL, its session committing as deployed (``synchronous_commit = on``: the
    suite's own sessions commit without waiting, tests/conftest.py)."""
    if connection.vendor != "postgresql":
        pytest.skip("the log's flush is PostgreSQL's; SQLite is unchanged (tested below)")
    with connection.cursor() as cursor:
        cursor.execute("SET synchronous_commit = on")
    yield
    with connection.cursor() as cursor:
        cursor.execute("RESET synchronous_commit")


def touch(number: int = 0) -> AuditEvent:
    if not connection.in_atomic_block:
        with transaction.atomic():
            return touch(number)
    return audit.record(
        actor=None,
        action="test.thing.touch",
        object_type="test.thing",
        object_id=number,
        after={"n": number},
    )


def setting() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_setting('synchronous_commit')")
        return str(cursor.fetchone()[0])


def lsn(function: str) -> str:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {function}()::text")
        return str(cursor.fetchone()[0])


def insert_position() -> str:
    return lsn("pg_current_wal_insert_lsn")


def flushed_past(position: str) -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_current_wal_flush_lsn() >= %s::pg_lsn", [position])
        return bool(cursor.fetchone()[0])


def statements(captured: CaptureQueriesContext) -> list[str]:
    """The statements the scope's code said, the head's and the commits named by kind."""
    kinds = []
    for query in captured.captured_queries:
        sql = query["sql"]
        if sql == durable.LATER:
            kinds.append("later")
        elif sql == durable.BARRIER:
            kinds.append("barrier")
        elif "core_audithead" in sql:
            kinds.append("head")
    return kinds


@pytest.mark.django_db(transaction=True)
def test_a_move_of_the_head_in_a_scope_commits_without_waiting_and_the_end_waits(
    postgres: None,
) -> None:
    touch()  # the head row exists (a flushed test database has none)
    seen: dict[str, str] = {}
    with CaptureQueriesContext(connection) as captured, durable.answering():
        with transaction.atomic():
            touch(1)
            touch(2)
            seen["in the transaction"] = setting()
            # Run after the commit: the log's end is then past the commit record.
            transaction.on_commit(lambda: seen.setdefault("after", insert_position()))
        seen["after the transaction"] = setting()
    assert seen["in the transaction"] == "off"
    assert seen["after the transaction"] == "on"  # SET LOCAL: this transaction only
    assert statements(captured) == ["later", "head", "head", "barrier"]
    assert flushed_past(seen["after"])  # the answer leaves once the commit is on the disk


@pytest.mark.django_db(transaction=True)
def test_each_transaction_of_a_scope_says_it_once_and_the_scope_flushes_once(
    postgres: None,
) -> None:
    touch()
    with CaptureQueriesContext(connection) as captured, durable.answering():
        with transaction.atomic():
            touch(1)
            with transaction.atomic():
                touch(2)
        with transaction.atomic():  # the name trace's, after the intake's
            touch(3)
    assert statements(captured) == ["later", "head", "head", "later", "head", "barrier"]


@pytest.mark.django_db(transaction=True)
def test_a_savepoint_rolled_back_with_its_setting_says_it_again(postgres: None) -> None:
    touch()
    seen = []
    with CaptureQueriesContext(connection) as captured, durable.answering(), transaction.atomic():
        try:
            with transaction.atomic():
                touch(1)
                raise LookupError
        except LookupError:
            pass
        seen.append(setting())  # PostgreSQL undid the SET LOCAL with the savepoint
        touch(2)
        seen.append(setting())
    assert seen == ["on", "off"]
    kinds = statements(captured)
    assert kinds[:2] == ["later", "head"]
    assert [kind for kind in kinds if kind != "head"] == ["later", "later", "barrier"]


@pytest.mark.django_db(transaction=True)
def test_a_failed_request_still_waits_for_what_it_committed(postgres: None) -> None:
    touch()

    def failing() -> None:
        with durable.answering():
            touch(1)
            raise LookupError

    with CaptureQueriesContext(connection) as captured, pytest.raises(LookupError):
        failing()
    assert statements(captured) == ["later", "head", "barrier"]


@pytest.mark.django_db(transaction=True)
def test_outside_a_scope_a_move_of_the_head_commits_as_before(postgres: None) -> None:
    touch()
    with CaptureQueriesContext(connection) as captured, transaction.atomic():
        touch(1)
        assert setting() == "on"
    assert statements(captured) == ["head"]


@pytest.mark.django_db(transaction=True)
def test_a_scope_begun_inside_a_transaction_changes_nothing(postgres: None) -> None:
    touch()
    with CaptureQueriesContext(connection) as captured, transaction.atomic():
        with durable.answering():
            touch(1)
        assert setting() == "on"
    assert statements(captured) == ["head"]


@pytest.mark.django_db(transaction=True)
def test_a_scope_that_moved_nothing_flushes_nothing(postgres: None) -> None:
    touch()
    with CaptureQueriesContext(connection) as captured, durable.answering(), transaction.atomic():
        AuditEvent.objects.count()
    assert statements(captured) == []


@pytest.mark.django_db(transaction=True)
def test_the_barrier_waits_for_the_flush_where_a_transaction_that_wrote_nothing_would_not(
    postgres: None,
) -> None:
    """PostgreSQL waits for the flush at a commit only if the transaction has an id and wrote
    the log (``RecordTransactionCommit``): a transaction id alone would not do."""
    touch()
    for barrier, flushes in (("SELECT pg_current_xact_id()", False), (durable.BARRIER, True)):
        results = set()
        for number in range(20):
            with transaction.atomic():
                with connection.cursor() as cursor:
                    cursor.execute(durable.LATER)
                touch(number)
            end = lsn("pg_current_wal_insert_lsn")
            with connection.cursor() as cursor:
                cursor.execute(barrier)
            results.add(flushed_past(end))
        if flushes:
            assert results == {True}
        else:  # the WAL writer flushes on its own now and then, never 20 times in a row
            assert False in results


@pytest.mark.django_db(transaction=True)
def test_a_walk_in_through_the_api_is_on_the_disk_when_answered(
    postgres: None, world: World, make_official: MakeOfficial, sealing_keys: None
) -> None:
    officer = make_official("case.officer", ("case_officer", world.vienna))
    _, token = create_api_token(acting_user=officer, user=officer, name="tests")
    ends: list[str] = []
    real_flush = durable.flush

    def noted_flush(connection: Any) -> None:
        ends.append(lsn("pg_current_wal_insert_lsn"))
        real_flush(connection)

    body = {"facts": {"nationalities": ["SU"]}, "true_name": "Ivan Ivanovich Testov"}
    with CaptureQueriesContext(connection) as captured:
        durable.flush = noted_flush  # type: ignore[assignment]
        try:
            response = Client().post(
                "/api/v1/cases/walk-ins",
                data=json.dumps(body),
                content_type="application/json",
                headers={"Authorization": f"Bearer {token}"},
            )
        finally:
            durable.flush = real_flush  # type: ignore[assignment]
    assert response.status_code == 201, response.content
    # The intake's transaction and its name trace's each commit without waiting; one flush,
    # after both, before the answer.
    kinds = statements(captured)
    assert kinds.count("barrier") == 1
    assert kinds[-1] == "barrier"
    assert kinds.count("later") == 2
    assert len(ends) == 1
    assert flushed_past(ends[0])


def test_the_middleware_is_outside_every_other_but_the_latency_s() -> None:
    assert settings.MIDDLEWARE[:2] == [
        "defector.core.metrics.RequestLatencyMiddleware",
        "defector.core.durable.DurableAnswersMiddleware",
    ]


@pytest.mark.django_db
def test_on_sqlite_nothing_is_said_and_nothing_flushed() -> None:
    if connection.vendor != "sqlite":
        pytest.skip("SQLite's path")
    touch()
    with CaptureQueriesContext(connection) as captured, durable.answering(), transaction.atomic():
        touch(1)
    assert statements(captured) == ["head"]
