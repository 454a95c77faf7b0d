"""``core.cursors`` on PostgreSQL: a prepared read's cursor is made once per connection and
used again once closed (its results dropped), never while a caller still reads it; and
``core.access.who_can`` asks its tests as a prepared statement."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import DataError, connections, transaction

from defector.core import access, cursors
from support.builders import case_opener
from support.fixtures import MakeOfficial
from support.world import World

pytestmark = pytest.mark.django_db


@pytest.fixture
def postgresql(db: Any) -> Any:
    connection = connections["default"]
    if connection.vendor != "postgresql":
        pytest.skip("the driver's cursors made once are PostgreSQL's")
    return connection


def test_a_closed_cursor_is_used_again_for_the_next_statement(postgresql: Any) -> None:
    with cursors.cursor(postgresql) as first:
        first.execute("SELECT %s", [1])
        assert first.fetchall() == [(1,)]
        made = first.cursor
    with cursors.cursor(postgresql) as second:
        assert second.cursor is made
        second.execute("SELECT %s, %s", [2, "two"])
        assert second.fetchall() == [(2, "two")]


def test_a_cursor_still_open_is_not_given_to_another_statement(postgresql: Any) -> None:
    with cursors.cursor(postgresql) as outer:
        outer.execute("SELECT n FROM generate_series(1, %s) n", [3])
        with cursors.cursor(postgresql) as inner:
            assert inner.cursor is not outer.cursor
            inner.execute("SELECT %s", [9])
            assert inner.fetchall() == [(9,)]
        assert outer.fetchall() == [(1,), (2,), (3,)]


def test_a_cursor_used_again_has_no_rows_of_the_statement_before(postgresql: Any) -> None:
    with cursors.cursor(postgresql) as first:
        first.execute("SELECT n FROM generate_series(1, 5) n")
        assert first.fetchone() == (1,)  # four rows left unread
    with cursors.cursor(postgresql) as second:
        second.execute("SELECT 1 WHERE false")
        assert second.fetchall() == []
        assert second.rowcount == 0


def test_a_statement_that_failed_leaves_a_cursor_that_runs_the_next(postgresql: Any) -> None:
    with (
        pytest.raises(DataError, match="division by zero"),
        transaction.atomic(),
        cursors.cursor(postgresql) as failing,
    ):
        failing.execute("SELECT 1 / %s", [0])
    with cursors.cursor(postgresql) as next_one:
        next_one.execute("SELECT %s", [4])
        assert next_one.fetchall() == [(4,)]


def test_few_closed_cursors_are_kept_and_the_rest_closed(postgresql: Any) -> None:
    opened = [cursors.cursor(postgresql) for _ in range(cursors.SPARE_CURSORS + 2)]
    for wrapper in opened:
        wrapper.close()
    kept = cursors._spares(
        postgresql.connection, cursors._psycopg_reads_as_django(postgresql, postgresql.connection)
    )
    assert len(kept) == cursors.SPARE_CURSORS
    assert all(not cursor.closed for cursor in kept)
    assert sum(wrapper.cursor.closed for wrapper in opened) == 2


@pytest.mark.django_db(transaction=True)
def test_a_new_connection_makes_its_own_cursors(postgresql: Any) -> None:
    with cursors.cursor(postgresql) as first:
        first.execute("SELECT 1")
        made = first.cursor
    postgresql.close()
    with cursors.cursor(postgresql) as again:
        assert again.cursor is not made
        again.execute("SELECT %s", [5])
        assert again.fetchall() == [(5,)]


def test_who_can_asks_its_tests_as_a_statement_prepared_once(
    postgresql: Any, world: World, make_official: MakeOfficial
) -> None:
    officer = make_official("case.officer", ("case_officer", world.vienna))
    member = make_official("committee.member", ("committee_member", world.vienna))
    outsider = make_official("bonn.officer", ("case_officer", world.bonn))
    case = case_opener(acting_user=officer, post_id=world.vienna.pk)()
    asked = [officer, member, outsider]
    before = _prepared_statements(postgresql)
    for _ in range(2):
        assert access.who_can(asked, access.Action.VIEW, case) == [officer, member]
    added = _prepared_statements(postgresql) - before
    tests = [sql for sql in added if sql.startswith("SELECT EXISTS")]
    assert len(tests) == 1  # prepared on the first call, run as prepared on the second
    assert "$1" in tests[0]


def _prepared_statements(connection: Any) -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        return {row[0] for row in cursor.fetchall()}
