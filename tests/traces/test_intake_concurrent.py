"""The trace at intake's guarantee (``6b(3)(b)``) with two walk-ins of one name received at
once on PostgreSQL, where writers do not take turns: the later one's trace finds the earlier
one's subject, whether both searched before either committed, or the later arrived while the
earlier held the audit head (``core.heads``) and had not committed (``traces.actions.intake``,
docs/audit.md). Real transactions, one thread and connection each."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection

from defector.cases.models import Case
from defector.core import audit
from defector.traces import receivers
from defector.traces.models import Hit, Trace

pytestmark = pytest.mark.django_db(transaction=True)

OpenCase = Callable[..., Case]
NAME = "Yuri Nosenko"
#: How long a thread waits for another at most (a test that hangs is a failure).
PATIENCE = 30.0


@pytest.fixture(autouse=True)
def _postgres(open_case: OpenCase) -> None:
    if connection.vendor == "sqlite":
        pytest.skip(
            "the in-memory SQLite test database shares one cache between threads, which "
            "refuses concurrent writers instead of queueing them; run on PostgreSQL"
        )
    open_case(true_name="Oleg Penkovsky")  # the audit head's row, which the flush removed


def _found(case: Case) -> set[int | None]:
    trace = Trace.objects.get(case=case)
    return set(Hit.objects.filter(trace=trace).values_list("subject_case_id", flat=True))


def _in_thread(name: str, work: Callable[[], Case], done: list[Case], errors: list[Any]) -> Any:
    def run() -> None:
        try:
            done.append(work())
        except BaseException as error:  # reported by the test
            errors.append(error)
        finally:
            connection.close()

    thread = threading.Thread(target=run, name=name)
    thread.start()
    return thread


def _named(name: str) -> bool:
    return threading.current_thread().name == name


def test_of_two_walk_ins_of_one_name_that_both_search_before_either_commits_the_later_finds_the_earlier(  # noqa: E501
    open_case: OpenCase, open_bonn_case: OpenCase, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The later walk-in's subject is named (and, where the trace searches ahead, its search
    made: nothing found) before the earlier one is received; the earlier then commits, and
    only then does the later go on."""
    real = receivers.prepare_at_intake
    searched, earlier_done = threading.Event(), threading.Event()

    def later_waits(subject: Any, nationality: str | None) -> None:
        real(subject, nationality)
        if _named("later"):
            searched.set()
            assert earlier_done.wait(PATIENCE)

    monkeypatch.setattr(receivers, "prepare_at_intake", later_waits)
    earlier: list[Case] = []
    later: list[Case] = []
    errors: list[Any] = []
    second = _in_thread("later", lambda: open_case(true_name=NAME), later, errors)
    assert searched.wait(PATIENCE)
    first = _in_thread("earlier", lambda: open_bonn_case(true_name=NAME), earlier, errors)
    first.join(PATIENCE)
    earlier_done.set()
    second.join(PATIENCE)
    assert errors == []
    assert _found(earlier[0]) == set()
    assert _found(later[0]) == {earlier[0].pk}


def test_a_walk_in_received_while_an_earlier_one_of_its_name_holds_the_audit_head_finds_it(
    open_case: OpenCase, open_bonn_case: OpenCase, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The earlier walk-in has appended its records (it holds the audit head) and not
    committed when the later one is received; it commits once the later waits for the head."""
    real = audit.record_many
    holding, go_on = threading.Event(), threading.Event()

    def earlier_holds(events: Any) -> Any:
        stored = real(events)
        if _named("earlier") and not holding.is_set():
            holding.set()
            assert go_on.wait(PATIENCE)
        return stored

    monkeypatch.setattr(audit, "record_many", earlier_holds)
    earlier: list[Case] = []
    later: list[Case] = []
    errors: list[Any] = []
    first = _in_thread("earlier", lambda: open_bonn_case(true_name=NAME), earlier, errors)
    assert holding.wait(PATIENCE)
    second = _in_thread("later", lambda: open_case(true_name=NAME), later, errors)
    _until_one_waits_for_a_lock()
    go_on.set()
    first.join(PATIENCE)
    second.join(PATIENCE)
    assert errors == []
    # The earlier's trace may find the later too (made after its commit, as on ``main``, it
    # may come after the later's commit).
    assert _found(later[0]) == {earlier[0].pk}


def _until_one_waits_for_a_lock() -> None:
    """Until another session of this database waits for a lock (the audit head's): asked
    outside a transaction, each time afresh (a transaction keeps its first view of
    ``pg_stat_activity``)."""
    for _ in range(int(PATIENCE * 20)):
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT COUNT(*) FROM pg_stat_activity WHERE datname = current_database() "
                "AND wait_event_type = 'Lock'"
            )
            if cursor.fetchone()[0]:
                return
        threading.Event().wait(0.05)
    raise AssertionError("no walk-in waited for the audit head")
