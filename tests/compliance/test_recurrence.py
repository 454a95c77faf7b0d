"""The IDC report (``6d``) recurs every period until the case closes: when a period's
obligation is discharged or its period passes, the sweep opens the next one, once."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth.models import User

from defector.cases import actions as cases
from defector.cases.models import Case, Obligation
from defector.compliance import actions
from defector.core.models import AuditEvent

from .conftest import AT, EVERYTHING, RECEIVED

pytestmark = pytest.mark.django_db

Sweep = Callable[[str, dt.datetime], int]
PERIOD = dt.timedelta(days=30)


def reports(case: Case) -> list[Obligation]:
    return list(Obligation.objects.filter(case=case, identifier="report_to_idc").order_by("period"))


def test_the_next_period_opens_when_the_period_passes(open_case: Any, sweep: Sweep) -> None:
    case = open_case(facts=EVERYTHING, received_at=RECEIVED, at=AT)
    first = reports(case)[0]
    assert (first.period, first.due_at) == (1, AT + PERIOD)
    assert sweep("recurrences", AT + PERIOD - dt.timedelta(minutes=1)) == 0
    assert sweep("recurrences", AT + PERIOD + dt.timedelta(minutes=1)) == 1
    first_, second = reports(case)
    assert first_.status == "open"  # still owed, and overdue
    assert second.status == "open"
    assert (second.period, second.arose_at, second.due_at) == (2, AT + PERIOD, AT + 2 * PERIOD)
    assert (second.clause, second.owner_id) == ("6d", first.owner_id)
    event = AuditEvent.objects.get(action="compliance.obligation.recur")
    assert event.cryptonym == case.cryptonym
    assert event.after["period"] == 2


def test_the_next_period_opens_from_the_report_when_it_is_discharged(
    open_case: Any, officer: User, sweep: Sweep
) -> None:
    case = open_case(facts=EVERYTHING, received_at=RECEIVED, at=AT)
    first = reports(case)[0]
    reported = AT + dt.timedelta(days=10)
    cases.discharge_obligation(
        acting_user=officer,
        case_id=case.pk,
        obligation_id=first.pk,
        expected_version=1,
        evidence="Cable to the IDC on the defector and his exploitation.",
        at=reported,
    )
    assert sweep("recurrences", reported + dt.timedelta(minutes=1)) == 1
    second = reports(case)[1]
    assert (second.arose_at, second.due_at) == (reported, reported + PERIOD)


def test_running_the_sweep_again_opens_nothing_more(open_case: Any, sweep: Sweep) -> None:
    case = open_case(facts=EVERYTHING, received_at=RECEIVED, at=AT)
    later = AT + PERIOD + dt.timedelta(hours=1)
    assert sweep("recurrences", later) == 1
    assert sweep("recurrences", later) == 0
    assert sweep("recurrences", later + dt.timedelta(days=1)) == 0
    assert len(reports(case)) == 2
    # the second period passes too: the third opens
    assert sweep("recurrences", AT + 2 * PERIOD + dt.timedelta(minutes=1)) == 1
    assert [r.period for r in reports(case)] == [1, 2, 3]


def test_two_workers_that_find_the_same_period_open_its_successor_once(
    open_case: Any,
) -> None:
    case = open_case(facts=EVERYTHING, received_at=RECEIVED, at=AT)
    later = AT + PERIOD + dt.timedelta(hours=1)
    first_worker = actions.recurrence_candidates(later)
    second_worker = actions.recurrence_candidates(later)
    assert [o.pk for o in first_worker] == [o.pk for o in second_worker]
    made = [actions.open_next_period(o, later) for o in first_worker + second_worker]
    assert sum(m is not None for m in made) == 1
    assert len(reports(case)) == 2


def test_a_closed_case_recurs_no_more(open_case: Any, officer: User, sweep: Sweep) -> None:
    case = open_case(facts=EVERYTHING, received_at=RECEIVED, at=AT)
    cases.move_case(
        acting_user=officer,
        case_id=case.pk,
        expected_version=1,
        to="closed",
        outcome="withdrew",
        at=AT + dt.timedelta(days=1),
    )
    assert sweep("recurrences", AT + 3 * PERIOD) == 0
    assert [r.status for r in reports(case)] == ["not_applicable"]


def test_the_posts_procedures_set_the_period(
    open_case: Any, procedures: Callable[..., Any], sweep: Sweep
) -> None:
    procedures(idc_report_days=7)
    case = open_case(facts=EVERYTHING, received_at=RECEIVED, at=AT)
    week = dt.timedelta(days=7)
    assert reports(case)[0].due_at == AT + week
    assert sweep("recurrences", AT + week + dt.timedelta(minutes=1)) == 1
    assert reports(case)[1].due_at == AT + 2 * week
