"""Assessment on every change of facts: the history is kept, a change of categories shows on
the timeline, and the obligations follow the latest assessment."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.contrib.auth.models import User

from defector.cases import actions
from defector.cases.models import Assessment, Case, Obligation, TimelineEntry
from defector.core.errors import InvalidInput, NotFound, PermissionDenied
from defector.core.models import AuditEvent

pytestmark = pytest.mark.django_db

AT = dt.datetime(2026, 3, 2, 9, 30, tzinfo=dt.UTC)
LATER = AT + dt.timedelta(days=2)

#: A Polish official reported as dissatisfied: a potential defector, still under control.
POTENTIAL: dict[str, Any] = {
    "nationalities": ["PL"],
    "location": "AT",
    "dissatisfied": True,
    "susceptible": True,
    "special_value": ["operational"],
}
#: The same person once they have escaped and will not go back: also a defector.
DEFECTED: dict[str, Any] = {**POTENTIAL, "escaped_control": True, "unwilling_to_return": True}


def change(case: Case, user: User, facts: dict[str, Any], *, at: dt.datetime = LATER) -> Any:
    case.refresh_from_db()
    return actions.update_facts(
        acting_user=user, case_id=case.pk, expected_version=case.version, facts=facts, at=at
    )


def open_statuses(case: Case) -> dict[str, str]:
    return dict(Obligation.objects.filter(case=case).values_list("identifier", "status"))


def test_every_change_of_facts_adds_an_assessment_and_keeps_the_earlier(
    open_case: Any, officer: User
) -> None:
    case = open_case(kind="potential_defector", facts=POTENTIAL, at=AT)
    second = change(case, officer, DEFECTED)
    assert second.number == 2
    assessments = list(Assessment.objects.filter(case=case).order_by("number"))
    assert [a.number for a in assessments] == [1, 2]
    assert assessments[0].categories == ["potential_defector"]
    assert assessments[1].categories == ["defector", "potential_defector"]
    assert assessments[1].assessed_at == LATER
    assert assessments[1].assessed_by is not None
    assert assessments[1].assessed_by.user == officer
    case.refresh_from_db()
    assert case.categories == ["defector", "potential_defector"]


def test_a_change_of_categories_shows_on_the_timeline(open_case: Any, officer: User) -> None:
    case = open_case(kind="potential_defector", facts=POTENTIAL, at=AT)
    change(case, officer, DEFECTED)
    summaries = list(
        TimelineEntry.objects.filter(case=case, kind="cases.case.categories")
        .order_by("at", "pk")
        .values_list("summary", flat=True)
    )
    assert summaries == [
        "Categories changed: + potential defector",
        "Categories changed: + defector",
    ]
    change(case, officer, POTENTIAL, at=LATER + dt.timedelta(hours=1))
    last = TimelineEntry.objects.filter(case=case, kind="cases.case.categories").last()
    assert last is not None
    assert last.summary == "Categories changed: − defector"


def test_a_change_that_keeps_the_categories_writes_no_category_line(
    open_case: Any, officer: User
) -> None:
    case = open_case(kind="potential_defector", facts=POTENTIAL, at=AT)
    change(case, officer, {**POTENTIAL, "induced": True})
    kinds = list(TimelineEntry.objects.filter(case=case).values_list("kind", flat=True))
    assert kinds.count("cases.case.categories") == 1  # the intake's only
    assert kinds.count("cases.assessment.create") == 2
    assert "cases.case.facts" in kinds


def test_unchanged_facts_write_nothing(open_case: Any, officer: User, counts: Any) -> None:
    case = open_case(kind="potential_defector", facts=POTENTIAL, at=AT)
    first = Assessment.objects.get(case=case)
    before = counts()
    again = change(case, officer, {**POTENTIAL, "as_of": first.facts["as_of"]})
    assert again == first
    assert counts() == before
    case.refresh_from_db()
    assert case.version == 1


def test_the_change_is_audited_with_the_facts_before_and_after(
    open_case: Any, officer: User
) -> None:
    case = open_case(kind="potential_defector", facts=POTENTIAL, at=AT)
    change(case, officer, DEFECTED)
    event = AuditEvent.objects.get(action="cases.case.facts")
    assert event.cryptonym == case.cryptonym
    assert event.before["categories"] == ["potential_defector"]
    assert event.after["categories"] == ["defector", "potential_defector"]
    assert event.after["facts"]["escaped_control"] is True
    assert event.before["facts"]["escaped_control"] is False


def test_obligations_that_still_arise_are_not_opened_twice(open_case: Any, officer: User) -> None:
    case = open_case(kind="potential_defector", facts=DEFECTED, at=AT)
    before = list(Obligation.objects.filter(case=case).values_list("pk", "identifier"))
    change(case, officer, {**DEFECTED, "induced": True})
    assert list(Obligation.objects.filter(case=case).values_list("pk", "identifier")) == before


def test_an_obligation_that_no_longer_arises_is_marked_not_deleted(
    open_case: Any, officer: User
) -> None:
    case = open_case(kind="potential_defector", facts=POTENTIAL, at=AT)
    assert open_statuses(case) == {"consider_recruitment_in_place": "open"}
    change(case, officer, DEFECTED)  # escaped: recruitment in place no longer arises (5a(1))
    gone = Obligation.objects.get(case=case, identifier="consider_recruitment_in_place")
    assert gone.status == "not_applicable"
    assert gone.note == "assessment 2 no longer finds it"
    assert gone.closed_at == LATER
    assert open_statuses(case)["consider_defector_status"] == "open"
    line = TimelineEntry.objects.get(case=case, kind="cases.obligation.not_applicable")
    assert "Consider whether recruitment in place would better serve US interests" in line.summary


def test_obligations_are_set_aside_when_the_directive_stops_applying(
    open_case: Any, officer: User
) -> None:
    case = open_case(kind="potential_defector", facts=POTENTIAL, at=AT)
    change(case, officer, {**POTENTIAL, "location": "US"})  # in the US: not within 1
    gone = Obligation.objects.get(case=case, identifier="consider_recruitment_in_place")
    assert gone.status == "not_applicable"
    assert gone.note == "assessment 2 finds that the directive does not apply"


def test_an_obligation_that_arises_again_is_opened_afresh(open_case: Any, officer: User) -> None:
    case = open_case(kind="potential_defector", facts=POTENTIAL, at=AT)
    change(case, officer, DEFECTED)
    change(case, officer, POTENTIAL, at=LATER + dt.timedelta(days=1))
    rows = list(
        Obligation.objects.filter(case=case, identifier="consider_recruitment_in_place")
        .order_by("pk")
        .values_list("status", flat=True)
    )
    assert rows == ["not_applicable", "open"]


def test_a_discharged_obligation_is_not_opened_again(open_case: Any, officer: User) -> None:
    case = open_case(kind="potential_defector", facts=POTENTIAL, at=AT)
    obligation = Obligation.objects.get(case=case)
    case.refresh_from_db()
    actions.discharge_obligation(
        acting_user=officer,
        case_id=case.pk,
        obligation_id=obligation.pk,
        expected_version=case.version,
        evidence="Committee considered it on 3 March: recruitment in place not feasible.",
    )
    change(case, officer, {**POTENTIAL, "induced": True})
    assert list(Obligation.objects.filter(case=case).values_list("status", flat=True)) == ["done"]


@pytest.mark.parametrize(
    ("facts", "field"),
    [
        ({"location": "AT"}, "facts.nationalities"),
        ({**POTENTIAL, "as_of": "1976-02-30"}, "facts.as_of"),
        ({**POTENTIAL, "nationalities": "PL"}, "facts.nationalities"),
        ({**POTENTIAL, "dissatisfied": "yes"}, "facts.dissatisfied"),
        ({**POTENTIAL, "special_value": ["money"]}, "facts.special_value[0]"),
    ],
    ids=[
        "missing nationalities",
        "an impossible date",
        "nationalities that are not a list",
        "a yes that is not a boolean",
        "an unknown ground of special value",
    ],
)
def test_bad_facts_are_named_and_nothing_is_saved(
    open_case: Any, officer: User, counts: Any, facts: dict[str, Any], field: str
) -> None:
    case = open_case(kind="potential_defector", facts=POTENTIAL, at=AT)
    before = counts()
    with pytest.raises(InvalidInput) as caught:
        change(case, officer, facts)
    assert field in {error["field"] for error in caught.value.errors}
    assert counts() == before
    case.refresh_from_db()
    assert case.version == 1


def test_the_facts_of_a_closed_case_cannot_change(open_case: Any, officer: User) -> None:
    case = open_case(facts=DEFECTED, at=AT)
    actions.move_case(
        acting_user=officer, case_id=case.pk, expected_version=1, to="closed", outcome="withdrew"
    )
    with pytest.raises(InvalidInput, match="reopen it"):
        change(case, officer, POTENTIAL)
    assert Assessment.objects.filter(case=case).count() == 1


def test_those_who_may_only_see_a_case_may_not_change_its_facts(
    open_case: Any, idc: User, officer_in_bonn: User
) -> None:
    case = open_case(facts=POTENTIAL, at=AT)
    with pytest.raises(PermissionDenied):
        change(case, idc, DEFECTED)
    with pytest.raises(NotFound):
        change(case, officer_in_bonn, DEFECTED)
