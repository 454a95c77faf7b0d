"""The case list's indexes (``cases`` migrations 0014 and 0015): an officer's cases are read
from the officers' link table's index alone, and the cases of a post that a reader there may
see from an index of the cases not in Washington (partial: Washington's readers do not walk
it), on both databases."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import User
from django.db import connection

from defector.cases import queries
from defector.cases.models import Case

pytestmark = pytest.mark.django_db


def _indexes(table: str) -> dict[str, Any]:
    with connection.cursor() as cursor:
        return connection.introspection.get_constraints(cursor, table)


def test_the_officers_links_are_indexed_by_official_then_case() -> None:
    index = _indexes(Case.officers.through._meta.db_table)["cases_case_officers_by_official"]
    assert index["index"]
    assert index["columns"] == ["official_id", "case_id"]


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's query plan")
def test_an_officers_cases_are_read_from_the_index_alone(officer: User) -> None:
    link = Case.officers.through._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f'EXPLAIN QUERY PLAN SELECT "case_id" FROM "{link}" WHERE "official_id" = %s',  # noqa: S608
            [officer.official.pk],
        )
        plan = " ".join(str(row[-1]) for row in cursor.fetchall())
    assert "COVERING INDEX cases_case_officers_by_official" in plan


def test_the_cases_of_a_post_are_indexed() -> None:
    index = _indexes(Case._meta.db_table)["cases_case_post_visible"]
    assert index["index"]
    assert index["columns"][:3] == ["post_id", "in_washington", "sensitivity"]


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's query plan")
def test_a_posts_readers_count_from_the_index_and_washingtons_do_not(
    officer: User, idc: User
) -> None:
    """The count of the list, as a post's reader and as Washington's (the IDC) ask it."""
    plans = []
    for user in (officer, idc):
        counted = queries.cases_for(user).order_by().values("pk")
        sql, params = counted.query.sql_with_params()
        with connection.cursor() as cursor:
            cursor.execute(f"EXPLAIN QUERY PLAN {sql}", params)
            plans.append(" ".join(str(row[-1]) for row in cursor.fetchall()))
    assert "COVERING INDEX cases_case_post_visible" in plans[0]
    assert "cases_case_post_visible" not in plans[1]


def test_the_list_answers_the_same_with_the_indexes(
    open_case: Any, officer: User, second_officer: User, member: User
) -> None:
    """The indexes change how the list is read, not what it holds: each reader's rows and
    count are the ORM's own queryset's (``queries.cases_for``)."""
    for _ in range(3):
        open_case()
    open_case(officer_ids=[second_officer.official.pk])
    for user in (officer, second_officer, member):
        expected = [case.pk for case in queries.cases_for(user)]
        listed = queries.case_rows(user)
        assert [row.id for row in listed[0:50]] == expected
        assert listed.count() == len(expected)
