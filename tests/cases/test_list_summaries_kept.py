"""The API's case list (``GET /api/v1/cases``) keeps a page and its count together while the
database is unchanged (``core.unchanged``), as the web's rows are kept: a page read again runs
neither statement, a case opened is on the next page, the page is read again once the clock
passes the due time of one of its open obligations (or goes back), and never kept when narrowed
by the overdue filter. What is kept answers the same bytes as what is read."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from defector.cases import queries
from defector.cases.queries.filters import CaseFilters
from defector.core.actions import create_api_token
from support.builders import THREAT_DEFECTOR

pytestmark = pytest.mark.django_db(transaction=True)


def summaries_read(
    officer: User, start: int = 0, stop: int = 50, **read: Any
) -> tuple[tuple[int, list[Any]], int, int]:
    """A page of the API's list read for ``officer`` with its count, and the statements of
    summaries and of counts it ran."""
    with CaptureQueriesContext(connection) as ran:
        page = queries.case_summaries(officer, **read).counted_page(start, stop)
    summaries = sum('AS "post_of"' in query["sql"] for query in ran)
    counts = sum('AS "count"' in query["sql"] for query in ran)
    return page, summaries, counts


def test_a_page_read_again_without_a_change_reads_neither_its_summaries_nor_its_count(
    open_case: Any, officer: User, quiet_server: None
) -> None:
    open_case()
    first, summaries_first, counts_first = summaries_read(officer)

    second, summaries_second, counts_second = summaries_read(officer)

    assert (summaries_first, counts_first) == (1, 1)
    assert (summaries_second, counts_second) == (0, 0)
    assert second == first
    assert first[0] == 1


def test_a_case_opened_is_counted_and_listed_on_the_next_page(
    open_case: Any, officer: User
) -> None:
    open_case()
    (count_before, _), _, _ = summaries_read(officer)

    opened = open_case()
    (count_after, listed), _, _ = summaries_read(officer)

    assert (count_before, count_after) == (1, 2)
    assert listed[0]["id"] == opened.pk


def test_a_page_past_the_end_is_kept_empty_with_its_count(
    open_case: Any, officer: User, quiet_server: None
) -> None:
    open_case()

    past, summaries_past, _ = summaries_read(officer, 50, 100)
    again, summaries_again, counts_again = summaries_read(officer, 50, 100)

    assert past == again == (1, [])
    assert (summaries_past, summaries_again, counts_again) == (0, 0, 0)


def test_summaries_are_read_again_once_an_open_obligation_falls_due(
    obligation_falling_due: dt.datetime, officer: User, quiet_server: None
) -> None:
    due = obligation_falling_due
    before = due - dt.timedelta(seconds=1)
    after = due + dt.timedelta(seconds=1)

    early, _, _ = summaries_read(officer, now=before)
    at_due, read_at_due, _ = summaries_read(officer, now=due)
    late, read_late, _ = summaries_read(officer, now=after)
    back, read_back, _ = summaries_read(officer, now=before)

    assert (read_at_due, read_late, read_back) == (0, 1, 1)
    assert at_due == early
    assert late[1][0]["overdue_count"] > early[1][0]["overdue_count"]
    assert back == early


def test_summaries_narrowed_to_the_overdue_are_read_every_time(
    open_case: Any, officer: User, quiet_server: None
) -> None:
    open_case()
    overdue = CaseFilters(overdue=False)

    _, first, _ = summaries_read(officer, filters=overdue)
    _, second, _ = summaries_read(officer, filters=overdue)

    assert (first, second) == (1, 1)


def test_the_api_answers_the_same_bytes_from_a_page_kept_as_from_a_page_read(
    open_case: Any, officer: User, quiet_server: None
) -> None:
    open_case(facts=THREAT_DEFECTOR)
    open_case()
    _, token = create_api_token(acting_user=officer, user=officer, name="tests")
    client = Client(headers={"Authorization": f"Bearer {token}"})

    read = client.get("/api/v1/cases?page_size=1&page=2")
    with CaptureQueriesContext(connection) as ran:
        kept = client.get("/api/v1/cases?page_size=1&page=2")

    assert read.status_code == kept.status_code == 200
    assert kept.content == read.content
    assert not any('AS "post_of"' in query["sql"] for query in ran)
    assert read.json()["count"] == 2
