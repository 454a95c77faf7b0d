"""Every obligation has a sensible default clock that the post's procedures can set (``6b``),
and secure reception (``6b(1)``) is discharged when the case moves to assessment."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth.models import User

from defector.cases import actions, clocks
from defector.cases.models import Case, Obligation

from .conftest import AT, EVERYTHING, RECEIVED

pytestmark = pytest.mark.django_db

UNDER_CONTROL: dict[str, Any] = {
    "nationalities": ["PL"],
    "dissatisfied": True,
    "susceptible": True,
    "special_value": ["operational"],
}


def due(case: Case, identifier: str) -> dt.datetime | None:
    return Obligation.objects.get(case=case, identifier=identifier).due_at


@pytest.mark.parametrize(
    ("identifier", "facts", "expected"),
    [
        ("disseminate_threat_information", EVERYTHING, AT + dt.timedelta(minutes=15)),
        ("secure_reception", EVERYTHING, RECEIVED + dt.timedelta(hours=24)),
        ("consider_defector_status", EVERYTHING, AT + dt.timedelta(days=30)),
        ("political_risk_determination", EVERYTHING, AT + dt.timedelta(days=30)),
        ("establish_bona_fides", EVERYTHING, RECEIVED + dt.timedelta(days=30)),
        ("obtain_voluntary_statement", EVERYTHING, None),
        ("report_to_idc", EVERYTHING, AT + dt.timedelta(days=30)),
        ("consider_recruitment_in_place", UNDER_CONTROL, AT + dt.timedelta(days=30)),
    ],
    ids=[
        "threat information within 15 minutes (6b(3)(a))",
        "secure reception within a day of the reception, not at its instant (6b(1))",
        "defector status considered within 30 days (6b(2))",
        "the political-risk determination within 30 days (7a)",
        "bona fides within 30 days of the reception (6b(3)(b))",
        "the voluntary statement before status is granted, no clock (6b(3)(c))",
        "the IDC informed within 30 days, then every 30 days (6d)",
        "recruitment in place considered within 30 days (5a(1))",
    ],
)
def test_each_obligation_has_a_sensible_default_clock(
    open_case: Any, identifier: str, facts: dict[str, Any], expected: dt.datetime | None
) -> None:
    case = open_case(facts=facts, received_at=RECEIVED, at=AT)
    assert due(case, identifier) == expected


def test_a_new_walk_in_is_not_overdue_at_the_door(open_case: Any) -> None:
    case = open_case(facts=EVERYTHING, received_at=RECEIVED, at=RECEIVED)
    reception = Obligation.objects.get(case=case, identifier="secure_reception")
    assert not reception.is_overdue(RECEIVED + dt.timedelta(minutes=1))
    assert reception.is_overdue(RECEIVED + dt.timedelta(hours=25))


def test_the_posts_procedures_set_every_clock(
    open_case: Any, procedures: Callable[..., Any], world: Any
) -> None:
    procedures(
        reception_hours=6,
        threat_dissemination_minutes=10,
        status_consideration_days=14,
        political_risk_days=10,
        bona_fides_days=21,
        idc_report_days=7,
        recruitment_in_place_days=45,
    )
    post_clocks = clocks.clocks_for(world.vienna)
    assert {k: v for k, v in post_clocks.sources.items() if v != "procedures"} == {
        "obtain_voluntary_statement": "default"
    }
    case = open_case(facts=EVERYTHING, received_at=RECEIVED, at=AT)
    assert due(case, "secure_reception") == RECEIVED + dt.timedelta(hours=6)
    assert due(case, "disseminate_threat_information") == AT + dt.timedelta(minutes=10)
    assert due(case, "consider_defector_status") == AT + dt.timedelta(days=14)
    assert due(case, "political_risk_determination") == AT + dt.timedelta(days=10)
    assert due(case, "establish_bona_fides") == RECEIVED + dt.timedelta(days=21)
    assert due(case, "report_to_idc") == AT + dt.timedelta(days=7)
    under = open_case(facts=UNDER_CONTROL, received_at=RECEIVED, at=AT)
    assert due(under, "consider_recruitment_in_place") == AT + dt.timedelta(days=45)


def test_moving_to_assessment_discharges_secure_reception(open_case: Any, officer: User) -> None:
    case = open_case(facts=EVERYTHING, received_at=RECEIVED, at=AT)
    moved_at = AT + dt.timedelta(hours=2)
    actions.move_case(
        acting_user=officer, case_id=case.pk, expected_version=1, to="assessment", at=moved_at
    )
    reception = Obligation.objects.get(case=case, identifier="secure_reception")
    assert reception.status == "done"
    assert reception.closed_at == moved_at
    assert reception.evidence_label == "cases.case"
    assert reception.evidence_id == str(case.pk)
    assert "6b(1)" in reception.evidence
    others = Obligation.objects.filter(case=case).exclude(identifier="secure_reception")
    assert set(others.values_list("status", flat=True)) == {"open"}


def test_a_case_without_secure_reception_moves_to_assessment_all_the_same(
    open_case: Any, officer: User
) -> None:
    case = open_case(facts=UNDER_CONTROL, received_at=RECEIVED, at=AT)
    assert not Obligation.objects.filter(case=case, identifier="secure_reception").exists()
    moved = actions.move_case(
        acting_user=officer, case_id=case.pk, expected_version=1, to="assessment", at=AT
    )
    assert moved.stage == "assessment"
