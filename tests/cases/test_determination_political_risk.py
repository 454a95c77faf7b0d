"""The political-risk determination (``7a``): only the post's Senior US Representative
records it, for the case and for each contemplated action; a new one supersedes the one in
force (kept); the case's discharges its obligation; the committees app's senior-
representative page lists them."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.contrib.auth.models import User

from defector.cases import actions, queries
from defector.cases import queries as queries_determination
from defector.cases.models import Case, Obligation, PoliticalRiskDetermination, TimelineEntry
from defector.core.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from defector.core.models import AuditEvent

pytestmark = pytest.mark.django_db

AT = dt.datetime(2026, 3, 2, 9, 30, tzinfo=dt.UTC)
REASONING = "KESTREL's defection would strain the talks in progress; manageable if quiet."


@pytest.fixture
def case(open_case: Any, walk_in_facts: dict[str, Any]) -> Case:
    return open_case(facts=walk_in_facts)


def version(case: Case) -> int:
    case.refresh_from_db()
    return case.version


def determine(user: User, case: Case, **overrides: Any) -> PoliticalRiskDetermination:
    arguments: dict[str, Any] = {
        "acting_user": user,
        "case_id": case.pk,
        "expected_version": version(case),
        "subject": "case",
        "level": "moderate",
        "reasoning": REASONING,
    }
    arguments.update(overrides)
    return actions.determine_political_risk(**arguments)


def test_the_senior_representative_determines_the_political_risk_of_the_case(
    senior: User, case: Case
) -> None:
    before = version(case)
    found = determine(senior, case, at=AT)
    assert (found.subject, found.level, found.reasoning) == ("case", "moderate", REASONING)
    assert found.determined_by.user == senior
    assert found.determined_at == AT
    assert found.superseded_at is None
    assert version(case) == before + 1
    event = AuditEvent.objects.filter(action="cases.politicalriskdetermination.record").get()
    assert event.cryptonym == case.cryptonym
    line = TimelineEntry.objects.get(case=case, kind="cases.politicalriskdetermination.record")
    assert line.summary == "Political risk of the case determined: moderate (7a)"


def test_the_case_determination_discharges_the_obligation_with_the_record_as_evidence(
    senior: User, case: Case
) -> None:
    found = determine(senior, case)
    obligation = Obligation.objects.get(case=case, identifier="political_risk_determination")
    assert obligation.status == "done"
    assert (obligation.evidence_label, obligation.evidence_id) == (
        "cases.politicalriskdetermination",
        str(found.pk),
    )
    assert "moderate" in obligation.evidence


@pytest.mark.parametrize("who", ["officer", "member", "chair"])
def test_only_the_senior_representative_records_7a(
    who: str, request: pytest.FixtureRequest, case: Case, counts: Any
) -> None:
    user = request.getfixturevalue(who)
    before = counts()
    with pytest.raises(PermissionDenied) as refused:
        determine(user, case)
    assert refused.value.clauses == ("7a",)
    assert "Senior US Representative" in refused.value.message
    assert "(7a)" in refused.value.message
    assert counts() == before


def test_the_senior_representative_of_another_post_does_not_find_the_case(
    make_official: Any, world: Any, case: Case
) -> None:
    other = make_official("bonn.senior", ("senior_representative", world.bonn))
    with pytest.raises(NotFound):
        determine(other, case)


def test_washington_may_see_but_not_determine(idc: User, case: Case) -> None:
    with pytest.raises(PermissionDenied):
        determine(idc, case)


def test_a_new_determination_supersedes_the_one_in_force_and_keeps_it(
    senior: User, case: Case
) -> None:
    first = determine(senior, case, level="low", at=AT)
    second = determine(senior, case, level="high", at=AT + dt.timedelta(days=2))
    first.refresh_from_db()
    assert first.superseded_at == AT + dt.timedelta(days=2)
    assert second.supersedes == first
    assert second.superseded_at is None
    assert queries_determination.risk_in_force(case, "case") == second
    views = queries_determination.risk_determinations_of(senior, case)
    assert [(v.id, v.in_force) for v in views] == [(second.pk, True), (first.pk, False)]
    line = TimelineEntry.objects.filter(case=case).order_by("-pk").first()
    assert line is not None
    assert line.summary == "Political risk of the case determined: high (7a); supersedes low"


def test_each_contemplated_action_has_its_own_determination(senior: User, case: Case) -> None:
    determine(senior, case, subject="case", level="low")
    determine(senior, case, subject="inducement", level="high")
    determine(senior, case, subject="publicity", level="prohibitive")
    determine(senior, case, subject="inducement", level="moderate")
    in_force = {
        row.subject: row.level
        for row in PoliticalRiskDetermination.objects.filter(case=case, superseded_at=None)
    }
    assert in_force == {"case": "low", "inducement": "moderate", "publicity": "prohibitive"}
    assert PoliticalRiskDetermination.objects.filter(case=case).count() == 4


def test_an_action_determination_does_not_discharge_the_case_obligation(
    senior: User, case: Case
) -> None:
    determine(senior, case, subject="exfiltration")
    obligation = Obligation.objects.get(case=case, identifier="political_risk_determination")
    assert obligation.status == "open"
    assert not queries_determination.political_risk_determined(case).allowed


def test_political_risk_determined_answers_with_7a(senior: User, case: Case) -> None:
    missing = queries_determination.political_risk_determined(case)
    assert (missing.allowed, missing.clauses) == (False, ("7a",))
    determine(senior, case, level="low")
    found = queries_determination.political_risk_determined(case)
    assert (found.allowed, found.clauses) == (True, ("7a",))
    assert "low" in found.reason


def test_a_contemplated_action_is_governed_by_its_own_determination_or_the_cases(
    senior: User, case: Case
) -> None:
    assert not queries_determination.political_risk_determined_for(case, "inducement").allowed
    determine(senior, case, subject="exfiltration", level="high")
    assert not queries_determination.political_risk_determined_for(case, "inducement").allowed
    determine(senior, case, subject="case", level="low")
    by_case = queries_determination.political_risk_determined_for(case, "inducement")
    assert by_case.allowed
    assert "of the case" in by_case.reason
    own = queries_determination.political_risk_determined_for(case, "exfiltration")
    assert "of exfiltration" in own.reason
    with pytest.raises(ValueError, match="not a contemplated action"):
        queries_determination.political_risk_determined_for(case, "case")


def test_bad_input_names_every_field_and_saves_nothing(
    senior: User, case: Case, counts: Any
) -> None:
    before = counts()
    with pytest.raises(InvalidInput) as invalid:
        determine(senior, case, subject="coup", level="extreme", reasoning="short")
    fields = {error["field"] for error in invalid.value.errors}
    assert fields == {"subject", "level", "reasoning"}
    assert counts() == before
    assert PoliticalRiskDetermination.objects.count() == 0


def test_a_stale_version_is_a_conflict_and_saves_nothing(senior: User, case: Case) -> None:
    stale = version(case)
    determine(senior, case, level="low")
    with pytest.raises(Conflict) as conflict:
        determine(senior, case, level="high", expected_version=stale)
    assert "reload" in conflict.value.message
    assert PoliticalRiskDetermination.objects.filter(case=case).count() == 1


def test_a_closed_case_takes_no_determination(senior: User, officer: User, case: Case) -> None:
    from defector.cases.actions import move_case

    move_case(
        acting_user=officer,
        case_id=case.pk,
        expected_version=version(case),
        to="closed",
        outcome="withdrew",
    )
    with pytest.raises(InvalidInput, match="closed"):
        determine(senior, case)


# --- the committees app's senior-representative page -----------------------------------------


def test_the_senior_page_lists_the_determinations_in_force(
    senior: User, case: Case, world: Any
) -> None:
    first = determine(senior, case, level="low")
    second = determine(senior, case, subject="inducement", level="high")
    determine(senior, case, level="moderate")
    listed = queries.political_risk_determinations(senior, world.vienna)
    assert first not in listed
    assert second in listed
    assert [str(item) for item in listed] == [
        f"{case.cryptonym}: the case, moderate risk",
        f"{case.cryptonym}: inducement, high risk",
    ]
    assert listed[0].get_absolute_url() == f"/cases/{case.pk}/political-risk/"


def test_the_senior_page_lists_nothing_to_those_who_may_not_see_the_case(
    senior: User, case: Case, world: Any, officer_in_bonn: User
) -> None:
    determine(senior, case)
    assert queries.political_risk_determinations(officer_in_bonn, world.vienna) == []


def test_the_cases_awaiting_a_determination_are_those_with_the_obligation_open(
    senior: User, open_case: Any, walk_in_facts: dict[str, Any], world: Any
) -> None:
    waiting = open_case(facts=walk_in_facts)
    done = open_case(facts=walk_in_facts)
    no_obligation = open_case(facts={"nationalities": ["FR"]})
    determine(senior, done)
    awaiting = queries.awaiting_political_risk_determination(senior, world.vienna)
    assert [item.case_id for item in awaiting] == [waiting.pk]
    assert no_obligation.pk not in [item.case_id for item in awaiting]
    assert str(awaiting[0]).startswith(f"{waiting.cryptonym}: determination due ")
    assert awaiting[0].get_absolute_url() == f"/cases/{waiting.pk}/political-risk/"


def test_the_committees_app_finds_the_determinations(senior: User, case: Case, world: Any) -> None:
    from defector.committees import queries as committee_queries
    from defector.committees.models import Committee

    determine(senior, case, level="high")
    committee = Committee.objects.filter(post=world.vienna).first() or Committee.objects.create(
        post=world.vienna
    )
    found = committee_queries.determinations_for(senior, committee)
    assert found is not None
    assert found.kind == "determinations"
    assert [str(item) for item in found.items] == [f"{case.cryptonym}: the case, high risk"]
