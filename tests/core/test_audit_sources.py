"""The stored chain read through PostgreSQL's driver alone (``core.postgres.postgres_source``),
as ``defector audit verify`` from the shell reads it: the same report as through Django's
connection, in two processes, every fault still named. (SQLite's: ``test_audit_split``.)"""

from __future__ import annotations

import threading
from typing import Any
from unittest.mock import patch

import pytest
from django.db import connection, connections, transaction

from defector.core import audit, postgres, rows, split
from support.postgres import settle_deferred_checks

pytestmark = pytest.mark.django_db(transaction=True)


def report(source: object = None, processes: int = 2) -> list[object]:
    found = rows.verify_chain(
        public_keys={}, processes=processes, split_from=10, batch_size=4, source=source
    )
    faults = [(fault.seq, fault.kind) for fault in found.report.faults]
    return [found.processes, found.report.events, faults]


def psycopg_report(processes: int = 2) -> list[object]:
    """:func:`report` through psycopg alone, as the shell's command reads (streamed)."""
    source = postgres.postgres_source(connection.settings_dict)
    assert source is not None
    try:
        assert source.stream is postgres.stream
        return report(source, processes)
    finally:
        source.raw.close()


def tamper(*seqs: int) -> None:
    """Append a space to each event's stored bytes, past the append-only trigger."""
    with connection.cursor() as cursor:
        settle_deferred_checks(cursor)
        cursor.execute("ALTER TABLE core_auditevent DISABLE TRIGGER USER")
        for seq in seqs:
            cursor.execute(
                "UPDATE core_auditevent SET body = body || '\\x20'::bytea WHERE seq = %s", [seq]
            )
        cursor.execute("ALTER TABLE core_auditevent ENABLE TRIGGER USER")


def test_postgresql_read_with_psycopg_alone_gives_the_report_django_gives() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL's driver; SQLite's is in test_audit_split")
    for number in range(24):
        with transaction.atomic():
            audit.record(actor=None, action="test.thing.touch", object_id=number)
    source = postgres.postgres_source(connection.settings_dict)
    assert source is not None
    try:
        assert source.raw.read_only
        assert report(source) == report() == [2, 24, []]
    finally:
        source.raw.close()
    tamper(20)
    source = postgres.postgres_source(connection.settings_dict)
    assert source is not None
    try:
        assert report(source) == report() == [1, 24, [(20, "altered")]]
    finally:
        source.raw.close()


def test_the_streamed_read_names_every_fault_where_a_cursor_does() -> None:
    """Streamed (``core.postgres.stream``), a batch that does not check out ends the stream
    and the rest is read through a cursor: every fault named at its event, in the near half
    (read by this process), in the far half (the helper's, then read again here) and in one
    process; the same reports as through Django's connection (a cursor throughout)."""
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL's driver; SQLite's is in test_audit_split")
    for number in range(30):
        with transaction.atomic():
            audit.record(actor=None, action="test.thing.touch", object_id=number)
    assert psycopg_report() == report() == [2, 30, []]
    assert psycopg_report(1) == report(processes=1) == [1, 30, []]
    tamper(3)  # the near half: named here, the helper's half still taken
    assert psycopg_report() == report() == [2, 30, [(3, "altered")]]
    tamper(9, 22, 29)  # both halves, at a batch's end and in the last, short batch
    expected = [(3, "altered"), (9, "altered"), (22, "altered"), (29, "altered")]
    assert psycopg_report() == report() == [1, 30, expected]
    assert psycopg_report(1) == report(processes=1) == [1, 30, expected]


def test_a_stream_closed_early_leaves_the_connection_in_its_transaction() -> None:
    """The rest of a stream closed before its end is read and dropped: the connection takes
    the next query, in the same transaction (the same snapshot)."""
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL's driver")
    for number in range(12):
        with transaction.atomic():
            audit.record(actor=None, action="test.thing.touch", object_id=number)
    source = postgres.postgres_source(connection.settings_dict)
    assert source is not None
    try:
        raw = source.raw
        sql = "SELECT seq FROM core_auditevent WHERE seq > $1 ORDER BY seq"
        batches = postgres.stream(raw, sql, [0], 5)
        first = next(batches)
        assert len(first) == 5
        batches.close()
        began = raw.execute("SELECT txid_current_if_assigned(), now()").fetchone()
        assert raw.execute("SELECT count(*) FROM core_auditevent").fetchone() == (12,)
        again = [len(batch) for batch in postgres.stream(raw, sql, [0], 5)]
        assert again == [5, 5, 2]
        assert raw.execute("SELECT txid_current_if_assigned(), now()").fetchone() == began
        # The helper may close its connection with a stream still open: nothing to read then.
        batches = postgres.stream(raw, sql, [0], 5)
        next(batches)
        raw.close()
        batches.close()
    finally:
        source.raw.close()


def test_the_helper_streams_the_far_half() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL's driver")
    for number in range(12):
        with transaction.atomic():
            audit.record(actor=None, action="test.thing.touch", object_id=number)
    source = postgres.postgres_source(connection.settings_dict)
    assert source is not None
    assert source.opener is not None
    source.raw.close()
    part = split.far_part("postgresql", source.opener, 7, 12, [12], 12, 4, postgres.stream)
    assert part.sound
    assert (part.first, part.count) == (7, 6)


def test_the_helper_reads_the_far_half_through_a_compiled_plan() -> None:
    """Through a cursor (Django's connection: the application's verification), the far half's
    read (half the table: under ``jit_above_cost``) is compiled as the near half's whole-table
    read is (``core.split.COMPILED``): the same rows, less of its backend's
    time to reach the bytes past 17 columns."""
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL's JIT")
    for number in range(12):
        with transaction.atomic():
            audit.record(actor=None, action="test.thing.touch", object_id=number)
    source = postgres.postgres_source(connection.settings_dict)
    assert source is not None
    assert source.opener is not None
    opener = source.opener
    source.raw.close()
    planned: list[str] = []

    class Watched:  # the helper's connection, noting the setting its read is planned under
        def __init__(self) -> None:
            self.raw = opener()

        def execute(self, *args: Any) -> Any:
            return self.raw.execute(*args)

        def cursor(self, **kwargs: Any) -> Any:
            planned.append(self.raw.execute("SHOW jit_above_cost").fetchone()[0])
            return self.raw.cursor(**kwargs)

        def close(self) -> None:
            self.raw.close()

    part = split.far_part("postgresql", Watched, 7, 12, [12], 12, 4)
    assert part.sound
    assert (part.first, part.count) == (7, 6)
    assert planned == ["0"]


def test_an_append_committed_while_the_application_verifies_is_not_a_fault() -> None:
    """The auditor's page and API verify through Django's connection: on PostgreSQL in one
    snapshot, so an append committed after the head row was read is not seen as an event
    past the head (under READ COMMITTED it would be)."""
    if connection.vendor != "postgresql":
        pytest.skip("SQLite's read transaction is one snapshot already")
    for number in range(6):
        with transaction.atomic():
            audit.record(actor=None, action="test.thing.touch", object_id=number)

    def append_elsewhere() -> None:
        try:
            with transaction.atomic():
                audit.record(actor=None, action="test.thing.touch", object_id="late")
        finally:
            connections.close_all()

    read_head = rows.stored_head

    def head_then_an_append(source: Any) -> Any:
        found = read_head(source)
        thread = threading.Thread(target=append_elsewhere)
        thread.start()
        thread.join()
        return found

    with patch.object(rows, "stored_head", head_then_an_append):
        found = rows.verify_chain(public_keys={})
    assert [found.report.events, found.report.faults] == [6, []]
    assert rows.verify_chain(public_keys={}).report.events == 7
