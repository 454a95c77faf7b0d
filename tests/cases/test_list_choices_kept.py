"""The case list's choices (count, posts, officers, open threats, whether the reader may open
cases) and Washington's count are kept while the database is unchanged (``core.unchanged``):
a second page read without a change runs no statement of them, and any change — a case opened,
an officer assigned, a case moved to Washington by an update of its row — is on the next page.
A page's rows are kept so too, and read again once the clock passes the due time of one of
their open obligations (or goes back), and never when narrowed by the overdue filter."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from defector.cases import queries
from defector.cases.models import Case
from defector.cases.queries.filters import CaseFilters

pytestmark = pytest.mark.django_db(transaction=True)


def choices_statements(client: Client) -> int:
    """The statements of the list's choices a page of the list ran."""
    with CaptureQueriesContext(connection) as ran:
        response = client.get("/cases/")
    assert response.status_code == 200
    return sum("WITH visible AS MATERIALIZED" in query["sql"] for query in ran)


def test_a_second_page_without_a_change_reads_no_choices(
    open_case: Any, officer: User, client_for: Any, quiet_server: None
) -> None:
    open_case()
    client = client_for(officer)

    assert choices_statements(client) == 1
    assert choices_statements(client) == 0


def test_a_case_opened_is_counted_on_the_next_page(open_case: Any, officer: User) -> None:
    open_case()
    before = queries.list_choices(officer)

    opened = open_case()
    after = queries.list_choices(officer)

    assert (before.count, after.count) == (1, 2)
    assert queries.case_rows(officer)[0:50][0].id == opened.pk


def test_an_officer_assigned_is_among_the_choices_on_the_next_read(
    open_case: Any, officer: User, second_officer: User
) -> None:
    case = open_case()
    before = queries.list_choices(officer).officers

    case.officers.add(second_officer.official)
    after = queries.list_choices(officer).officers

    assert second_officer.official.pk not in dict(before)
    assert second_officer.official.pk in dict(after)


def test_a_row_updated_without_an_action_is_seen_on_the_next_read(
    open_case: Any, officer: User, idc: User
) -> None:
    case = open_case()
    assert queries.list_choices(officer).count == 1
    assert queries.case_summaries(idc).count() == 1

    Case.objects.filter(pk=case.pk).update(in_washington=True)  # no action, no audit

    assert queries.list_choices(officer).count == 0
    Case.objects.filter(pk=case.pk).delete()
    assert queries.case_summaries(idc).count() == 0


def rows_statements(officer: User, **read: Any) -> tuple[list[Any], int]:
    """A page of the list's rows read for ``officer``, and the statements of rows it ran."""
    with CaptureQueriesContext(connection) as ran:
        rows = queries.case_rows(officer, **read)[0:50]
    return rows, sum('AS "opened_raw"' in query["sql"] for query in ran)


def test_a_page_read_again_without_a_change_reads_no_rows(
    open_case: Any, officer: User, quiet_server: None
) -> None:
    open_case()
    first, read_first = rows_statements(officer)

    second, read_second = rows_statements(officer)

    assert (read_first, read_second) == (1, 0)
    assert second == first


def test_rows_are_read_again_once_an_open_obligation_falls_due(
    obligation_falling_due: dt.datetime, officer: User, quiet_server: None
) -> None:
    due = obligation_falling_due
    before = due - dt.timedelta(seconds=1)
    after = due + dt.timedelta(seconds=1)

    early, _ = rows_statements(officer, now=before)
    at_due, read_at_due = rows_statements(officer, now=due)
    late, read_late = rows_statements(officer, now=after)
    back, read_back = rows_statements(officer, now=before)

    assert (read_at_due, read_late, read_back) == (0, 1, 1)
    assert at_due == early
    assert late[0].overdue_count > early[0].overdue_count
    assert back == early


def test_rows_narrowed_to_the_overdue_are_read_every_time(open_case: Any, officer: User) -> None:
    open_case()
    overdue = CaseFilters(overdue=False)

    _, first = rows_statements(officer, filters=overdue)
    _, second = rows_statements(officer, filters=overdue)

    assert (first, second) == (1, 1)
