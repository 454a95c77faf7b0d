"""Appending to the audit chain (``core.heads``): the head row taken once per transaction, a
wrong guess of the head corrected without a gap, savepoints rolled back without a gap, and one
intake's events appended under one head lock."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from defector.core import audit, chain, heads, signing
from defector.core.models import AuditEvent, AuditHead
from support.builders import case_opener
from support.fixtures import MakeOfficial
from support.world import World

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def signing_key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(signing.ENV_NAME, chain.new_private_key_text())


def touch(number: int) -> AuditEvent:
    return audit.record(
        actor=None,
        action="test.thing.touch",
        object_type="test.thing",
        object_id=number,
        before={"n": number, "b": [1, 2]},
        after={"n": number + 1, "é": "ü"},
    )


def head_statements(queries: list[dict[str, Any]]) -> list[str]:
    return [q["sql"] for q in queries if "core_audithead" in q["sql"]]


def locked_reads(queries: list[dict[str, Any]]) -> list[str]:
    return [sql for sql in head_statements(queries) if sql.lstrip().upper().startswith("SELECT")]


def assert_clean() -> None:
    result = audit.verify_stored()
    assert result.ok, result.report.faults
    head = AuditHead.objects.get(pk=1)
    assert (head.seq, head.hash) == (result.report.events, result.report.head)


def test_a_transaction_reads_the_head_under_its_lock_once_for_all_its_events() -> None:
    with transaction.atomic():
        touch(0)
    heads.forget()  # as in a fresh process: no guess of the head
    with CaptureQueriesContext(connection) as captured, transaction.atomic():
        events = [touch(number) for number in range(1, 6)]
    assert [event.seq for event in events] == [2, 3, 4, 5, 6]
    assert len(locked_reads(captured.captured_queries)) == 1
    # Every later append moves the head it holds, checking it is where its last append left it.
    moves = [
        sql
        for sql in head_statements(captured.captured_queries)
        if sql.lstrip().upper().startswith(("UPDATE", "WITH"))
    ]
    assert len(moves) == 5
    assert all("AND seq =" in sql and "AND hash =" in sql for sql in moves)
    assert_clean()


def test_a_transaction_after_this_connection_s_own_append_reads_no_head() -> None:
    with transaction.atomic():
        touch(0)
    with CaptureQueriesContext(connection) as captured, transaction.atomic():
        touch(1)
    assert locked_reads(captured.captured_queries) == []
    assert_clean()


def test_a_wrong_guess_of_the_head_is_read_again_under_the_lock_without_a_gap() -> None:
    for number in range(3):
        with transaction.atomic():
            touch(number)
    first = AuditEvent.objects.get(seq=1)
    # Another process appended since this connection last did: its guess is behind.
    heads.remember(1, first.hash)
    with CaptureQueriesContext(connection) as captured, transaction.atomic():
        event = touch(3)
    assert event.seq == 4
    assert len(locked_reads(captured.captured_queries)) == 1
    assert_clean()


def test_events_of_a_rolled_back_savepoint_leave_no_gap() -> None:
    with transaction.atomic():
        touch(0)
        try:
            with transaction.atomic():
                touch(1)
                touch(2)
                raise RuntimeError("the inner change fails")
        except RuntimeError:
            pass
        after = touch(3)
    assert after.seq == 2
    assert list(AuditEvent.objects.values_list("seq", flat=True)) == [1, 2]
    assert_clean()


def test_a_rolled_back_transaction_leaves_the_next_append_at_the_head() -> None:
    with transaction.atomic():
        touch(0)

    def failing_change() -> None:
        with transaction.atomic():
            touch(1)
            raise RuntimeError("the change fails")

    with pytest.raises(RuntimeError):
        failing_change()
    with transaction.atomic():
        assert touch(2).seq == 2
    assert_clean()


def event(number: int) -> audit.Event:
    return audit.Event(
        actor=None,
        action="test.thing.touch",
        object_type="test.thing",
        object_id=number,
        after={"n": number, "é": "ü"},
    )


def test_events_recorded_together_move_the_head_once_and_chain_as_one_by_one() -> None:
    with transaction.atomic():
        touch(0)
    with CaptureQueriesContext(connection) as captured, transaction.atomic():
        events = audit.record_many([event(number) for number in range(1, 5)])
    assert [stored.seq for stored in events] == [2, 3, 4, 5]
    assert [stored.pk for stored in events] == list(
        AuditEvent.objects.filter(seq__gte=2).order_by("seq").values_list("pk", flat=True)
    )
    assert [stored.prev_hash for stored in events[1:]] == [stored.hash for stored in events[:-1]]
    moves = [
        sql
        for sql in head_statements(captured.captured_queries)
        if sql.lstrip().upper().startswith(("UPDATE", "WITH"))
    ]
    assert len(moves) == 1
    inserts = [q for q in captured.captured_queries if "INSERT INTO core_auditevent" in q["sql"]]
    assert len(inserts) == 1
    assert_clean()


def test_events_recorded_together_leave_no_gap_after_a_wrong_guess_or_a_savepoint() -> None:
    with transaction.atomic():
        touch(0)
        try:
            with transaction.atomic():
                audit.record_many([event(1), event(2)])
                raise RuntimeError("the inner change fails")
        except RuntimeError:
            pass
        assert [stored.seq for stored in audit.record_many([event(3), event(4)])] == [2, 3]
    heads.remember(1, AuditEvent.objects.get(seq=1).hash)  # another process appended since
    with transaction.atomic():
        assert [stored.seq for stored in audit.record_many([event(5), event(6)])] == [4, 5]
    with transaction.atomic():
        assert audit.record_many([]) == []
    assert list(AuditEvent.objects.values_list("seq", flat=True)) == [1, 2, 3, 4, 5]
    assert_clean()


def legacy_event(number: int) -> None:
    """An event as stored before format 2: no bytes, its hash over the canonical encoding."""
    seq, digest = heads.locked_head()  # made from the chain when a flushed database has none
    fields = {
        **dict.fromkeys(chain.HASHED_FIELDS),
        "seq": seq + 1,
        "at": dt.datetime(2026, 1, 5, 9, number, tzinfo=dt.UTC),
        "actor_name": "system",
        "action": "test.thing.legacy",
        "object_type": "test.thing",
        "object_id": str(number),
        "cryptonym": "",
        "after": {"n": number, "é": "ü"},
        "policy_version": "",
        "reason": "",
        "request_id": "",
        "prev_hash": digest,
    }
    fields["hash"] = chain.event_hash(fields)
    heads.insert_many([fields])
    AuditHead.objects.filter(pk=1).update(seq=fields["seq"], hash=fields["hash"])
    heads.forget()


def test_an_event_stores_the_bytes_its_hash_covers_and_a_chain_of_both_formats_verifies() -> None:
    with transaction.atomic():
        legacy_event(1)  # format 1, before issue 15
        legacy_event(2)
    with transaction.atomic():
        event = touch(7)
    with transaction.atomic():
        legacy_event(3)  # one written the old way after: still re-hashed from its fields
        touch(8)
    old, stored = AuditEvent.objects.get(seq=1), AuditEvent.objects.get(pk=event.pk)
    assert old.body is None
    assert chain.event_hash(audit.event_fields(old)) == old.hash
    assert stored.after == {"n": 8, "é": "ü"}  # read from the bytes: the JSON columns are empty
    with connection.cursor() as cursor:
        cursor.execute("SELECT seq, before, after, decision FROM core_auditevent ORDER BY seq")
        columns = cursor.fetchall()
    assert [row[0] for row in columns if row[1:] != (None, None, None)] == [1, 2, 4]
    body = bytes(stored.body)
    previous = AuditEvent.objects.get(seq=stored.seq - 1)
    assert body.startswith(b'{"prev_hash":"' + previous.hash.encode() + b'","seq":3,')
    assert body == chain.event_body(audit.event_fields(stored))
    assert chain.body_hash(body) == stored.hash == event.hash
    assert json.loads(body) == {
        name: chain.format_time(value) if name == "at" else value
        for name, value in audit.event_fields(stored).items()
        if name != "hash"
    }
    assert audit.event_matches(stored)
    assert audit.event_matches(old)
    assert chain.hash_matches(audit.event_fields(stored), stored.hash)
    assert_clean()
    assert audit.verify_stored(deep=True).ok


def test_the_template_encoding_gives_the_canonical_bytes() -> None:
    event = {
        "seq": 12,
        "at": chain.format_time(dt.datetime(2026, 1, 5, 9, 0, tzinfo=dt.UTC)),
        "actor_id": None,
        "actor_name": 'Dana "D" Reyes\n',
        "action": "cases.case.open",
        "object_type": "cases.case",
        "object_id": "4",
        "cryptonym": "AEKESTREL",
        "before": None,
        "after": {"b": [1, {"z": None, "a": "ü"}], "a": 0.5},
        "decision": {"applies": True},
        "policy_version": "v1",
        "reason": "100% sure",
        "request_id": "r-1",
        "prev_hash": chain.GENESIS,
    }
    row = chain.as_row(event)
    values = [chain.encode_value(value) for value in row[: chain.WIDTH]]
    assert (chain.TEMPLATE % tuple(values)).encode() == chain.canonical(
        {name: event[name] for name in chain.HASHED_FIELDS}
    )
    assert chain.row_hash(row) == chain.event_hash(event)


def test_one_intake_appends_its_events_under_one_head_lock_per_transaction(
    world: World, make_official: MakeOfficial, committed: Callable[[], Any]
) -> None:
    officer = make_official("case.officer", ("case_officer", world.vienna))
    make_official("committee.chair", ("committee_chair", world.vienna), clearance="TOP SECRET")
    open_case = case_opener(acting_user=officer, post_id=world.vienna.pk)
    open_case()  # the first append of this connection reads the head
    heads.forget()  # as in a fresh server process
    before = AuditEvent.objects.count()
    with CaptureQueriesContext(connection) as captured, committed():
        open_case(facts={"nationalities": ["SU"], "willing_to_defect": True})
    # The case's transaction, with its notices: one read of the head under its lock, one move
    # of it per event; the transactions after its commit (the name trace): no read (this
    # connection appended last, and its guess is checked by the move itself).
    assert len(locked_reads(captured.captured_queries)) == 1
    actions = list(AuditEvent.objects.order_by("seq").values_list("action", flat=True))[before:]
    assert actions[0] == "cases.case.open"
    assert "notifications.notice.create" in actions[1:]
    assert_clean()


def test_an_intakes_notices_are_written_in_the_case_transaction_not_after_it(
    world: World, make_official: MakeOfficial
) -> None:
    officer = make_official("case.officer", ("case_officer", world.vienna))
    make_official("committee.chair", ("committee_chair", world.vienna), clearance="TOP SECRET")
    open_case = case_opener(acting_user=officer, post_id=world.vienna.pk)
    before = AuditEvent.objects.count()
    # No on-commit callback runs here (the test's transaction never commits): whatever is
    # written, is written by the case's own transaction.
    open_case(facts={"nationalities": ["SU"], "willing_to_defect": True})
    actions = list(AuditEvent.objects.order_by("seq").values_list("action", flat=True))[before:]
    assert actions[0] == "cases.case.open"
    assert "notifications.notice.create" in actions[1:]
