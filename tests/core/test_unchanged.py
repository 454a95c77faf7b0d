"""``core.unchanged``: a read's answer is given again while the database is unchanged, and read
again after any commit — this connection's, another connection's, a table change — and never
kept or given inside a transaction."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from django.contrib.auth.models import Group
from django.db import connection, connections, transaction
from django.test.utils import CaptureQueriesContext

from defector.core import unchanged

pytestmark = pytest.mark.django_db(transaction=True)


class Counting:
    """A read of the number of groups that counts how often it ran."""

    def __init__(self) -> None:
        self.runs = 0

    def __call__(self) -> int:
        self.runs += 1
        return Group.objects.count()


def kept_count(read: Counting, key: Any = "groups") -> int:
    return unchanged.kept(connection, ("test.unchanged", key), read)


def test_an_answer_is_given_again_while_nothing_is_committed(quiet_server: None) -> None:
    read = Counting()
    Group.objects.create(name="first")

    assert kept_count(read) == 1
    with CaptureQueriesContext(connection) as queries:
        assert kept_count(read) == 1

    assert read.runs == 1
    assert len(queries) == 1  # the reading alone


def test_each_key_has_its_own_answer(quiet_server: None) -> None:
    read = Counting()

    kept_count(read, "one")
    kept_count(read, "two")
    kept_count(read, "one")

    assert read.runs == 2


def test_a_write_of_this_connection_makes_the_read_run_again() -> None:
    read = Counting()
    assert kept_count(read) == 0

    Group.objects.create(name="first")

    assert kept_count(read) == 1
    assert read.runs == 2


def test_an_update_that_changes_no_count_still_makes_the_read_run_again() -> None:
    group = Group.objects.create(name="first")
    read = Counting()
    kept_count(read)

    Group.objects.filter(pk=group.pk).update(name="renamed")
    kept_count(read)

    assert read.runs == 2


def test_a_commit_of_another_connection_makes_the_read_run_again() -> None:
    read = Counting()
    assert kept_count(read) == 0

    def elsewhere() -> None:
        try:
            Group.objects.create(name="from another thread")
        finally:
            connections.close_all()

    thread = threading.Thread(target=elsewhere)
    thread.start()
    thread.join()

    assert kept_count(read) == 1
    assert read.runs == 2


def test_a_change_of_a_table_makes_the_read_run_again() -> None:
    read = Counting()
    kept_count(read)

    with connection.schema_editor() as editor:
        editor.execute("CREATE INDEX test_unchanged_name ON auth_group (name)")
    try:
        kept_count(read)
    finally:
        with connection.schema_editor() as editor:
            editor.execute("DROP INDEX test_unchanged_name")

    assert read.runs == 2


def test_nothing_is_given_or_kept_inside_a_transaction() -> None:
    read = Counting()
    kept_count(read)

    with transaction.atomic():
        Group.objects.create(name="not yet committed")
        assert kept_count(read) == 1
        assert kept_count(read) == 1
        transaction.set_rollback(True)

    assert kept_count(read) == 0
    assert read.runs == 4


def test_a_connection_opened_again_is_given_the_answer_of_the_first(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The answers are the process's, not a connection's: on PostgreSQL a snapshot is the
    server's, the same through any connection (taken as quiet here: another test worker's
    transaction would change it); a SQLite file's is its watch's (``test_unchanged_shared``)."""
    if connection.vendor == "sqlite" and connection.is_in_memory_db():
        pytest.skip("in memory, an answer stays with its connection, which Django never closes")
    real = unchanged.reading
    monkeypatch.setattr(unchanged, "reading", lambda of: None if real(of) is None else ("quiet",))
    read = Counting()
    kept_count(read)

    connection.close()
    kept_count(read)

    assert read.runs == 1


def test_an_answer_of_the_rolled_back_rows_is_never_given() -> None:
    read = Counting()
    with transaction.atomic():
        Group.objects.create(name="rolled back")
        kept_count(read)
        transaction.set_rollback(True)

    assert kept_count(read) == 0
