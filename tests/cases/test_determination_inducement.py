"""Inducement (``2b``, ``5a(1)``, ``5a(4)``, ``7a``): recruitment in place considered first
(and it discharges its obligation); a plan only after that consideration and a ``7a``
determination, never aimed at large numbers; every act with the official who committed or
instigated it."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.contrib.auth.models import User

from defector.cases import actions
from defector.cases import queries as queries_determination
from defector.cases.models import (
    Case,
    InducementAct,
    InducementPlan,
    Obligation,
    RecruitmentConsideration,
    TimelineEntry,
)
from defector.core.errors import Conflict, InvalidInput, NotFound, PolicyRefusal
from defector.directory.models import Official

pytestmark = pytest.mark.django_db

#: A potential defector still under control: recruitment in place is to be considered (5a(1)).
UNDER_CONTROL: dict[str, Any] = {
    "nationalities": ["PL"],
    "location": "AT",
    "dissatisfied": True,
    "susceptible": True,
    "special_value": ["operational"],
}
PLAN = "Approach ORCHID through the trade fair contact; offer resettlement for ORCHID alone."


@pytest.fixture
def case(open_case: Any) -> Case:
    return open_case(facts=UNDER_CONTROL)


def version(case: Case) -> int:
    case.refresh_from_db()
    return case.version


def consider(user: User, case: Case, conclusion: str = "induce_defection") -> Any:
    return actions.consider_recruitment_in_place(
        acting_user=user,
        case_id=case.pk,
        expected_version=version(case),
        conclusion=conclusion,
        reasoning="ORCHID is about to be recalled; no access worth keeping in place.",
    )


def determine_risk(senior: User, case: Case, subject: str = "case", level: str = "low") -> None:
    actions.determine_political_risk(
        acting_user=senior,
        case_id=case.pk,
        expected_version=version(case),
        subject=subject,
        level=level,
        reasoning="A quiet approach abroad carries little political cost.",
    )


def plan(user: User, case: Case, **overrides: Any) -> InducementPlan:
    arguments: dict[str, Any] = {
        "acting_user": user,
        "case_id": case.pk,
        "expected_version": version(case),
        "description": PLAN,
        "group_size": 1,
    }
    arguments.update(overrides)
    return actions.record_inducement_plan(**arguments)


@pytest.fixture
def allowed(case: Case, officer: User, senior: User) -> Case:
    consider(officer, case)
    determine_risk(senior, case)
    return case


# --- 5a(1): recruitment in place considered ---------------------------------------------------


def test_the_consideration_is_recorded_and_discharges_its_obligation(
    case: Case, officer: User
) -> None:
    found = consider(officer, case, "recruit_in_place")
    assert found.considered_by.user == officer
    assert found.conclusion == "recruit_in_place"
    obligation = Obligation.objects.get(case=case, identifier="consider_recruitment_in_place")
    assert obligation.status == "done"
    assert obligation.evidence_label == "cases.recruitmentconsideration"
    line = TimelineEntry.objects.get(case=case, kind="cases.recruitmentconsideration.record")
    assert line.summary == (
        "Recruitment in place considered (5a(1)): recruitment in place would better serve"
    )


def test_a_consideration_names_every_bad_field(case: Case, officer: User, counts: Any) -> None:
    before = counts()
    with pytest.raises(InvalidInput) as invalid:
        actions.consider_recruitment_in_place(
            acting_user=officer,
            case_id=case.pk,
            expected_version=version(case),
            conclusion="wait and see",
            reasoning="",
        )
    assert [e["field"] for e in invalid.value.errors] == ["conclusion", "reasoning"]
    assert counts() == before


# --- the plan's gates ---------------------------------------------------------------------------


def test_a_plan_after_the_consideration_and_the_7a_determination_is_recorded(
    allowed: Case, officer: User
) -> None:
    found = plan(officer, allowed)
    assert found.group_size == 1
    assert found.consideration == queries_determination.latest_consideration(allowed)
    assert found.risk_determination.subject == "case"
    line = TimelineEntry.objects.get(case=allowed, kind="cases.inducementplan.record")
    assert line.summary == "Inducement plan recorded, aimed at 1 person (2b, 5a(1), 5a(4), 7a)"


def test_a_plan_without_the_consideration_is_refused_under_5a1(
    case: Case, officer: User, senior: User, counts: Any
) -> None:
    determine_risk(senior, case)
    before = (counts(), version(case))
    with pytest.raises(PolicyRefusal) as refused:
        plan(officer, case)
    assert refused.value.clauses == ("5a(1)",)
    assert "recruitment in place has not been considered" in refused.value.message
    assert (counts(), version(case)) == before


def test_a_plan_without_a_7a_determination_is_refused_under_7a(case: Case, officer: User) -> None:
    consider(officer, case)
    with pytest.raises(PolicyRefusal) as refused:
        plan(officer, case)
    assert refused.value.clauses == ("7a",)
    assert InducementPlan.objects.count() == 0


def test_a_plan_aimed_at_a_group_larger_than_allowed_is_refused_under_5a4(
    allowed: Case, officer: User
) -> None:
    assert queries_determination.max_inducement_group() == 3
    plan(officer, allowed, group_size=3)
    with pytest.raises(PolicyRefusal) as refused:
        plan(officer, allowed, group_size=4)
    assert refused.value.clauses == ("5a(4)",)
    assert "large numbers" in refused.value.message
    assert "at most 3" in refused.value.message


def test_the_largest_group_is_a_setting(allowed: Case, officer: User, settings: Any) -> None:
    settings.DEFECTOR_MAX_INDUCEMENT_GROUP = 1
    with pytest.raises(PolicyRefusal) as refused:
        plan(officer, allowed, group_size=2)
    assert refused.value.clauses == ("5a(4)",)
    assert plan(officer, allowed, group_size=1).group_size == 1


def test_an_unusable_setting_is_an_error_of_configuration(settings: Any) -> None:
    from django.core.exceptions import ImproperlyConfigured

    settings.DEFECTOR_MAX_INDUCEMENT_GROUP = 0
    with pytest.raises(ImproperlyConfigured):
        queries_determination.max_inducement_group()


def test_a_plan_with_nothing_in_place_for_a_crowd_names_every_clause(
    case: Case, officer: User
) -> None:
    with pytest.raises(PolicyRefusal) as refused:
        plan(officer, case, group_size=50)
    assert refused.value.clauses == ("5a(1)", "7a", "5a(4)")
    for key in ("5a(1)", "7a", "5a(4)"):
        assert f"({key})" in refused.value.message


def test_a_consideration_that_prefers_recruitment_in_place_refuses_a_plan(
    allowed: Case, officer: User
) -> None:
    consider(officer, allowed, "recruit_in_place")
    with pytest.raises(PolicyRefusal) as refused:
        plan(officer, allowed)
    assert refused.value.clauses == ("5a(1)",)
    assert "'recruit in place'" in refused.value.message


def test_a_determination_on_inducement_alone_suffices_and_governs(
    case: Case, officer: User, senior: User
) -> None:
    consider(officer, case)
    determine_risk(senior, case, subject="inducement", level="moderate")
    found = plan(officer, case)
    assert (found.risk_determination.subject, found.risk_determination.level) == (
        "inducement",
        "moderate",
    )


def test_inducement_determined_prohibitive_refuses_a_plan_even_with_a_low_case_risk(
    allowed: Case, officer: User, senior: User
) -> None:
    determine_risk(senior, allowed, subject="inducement", level="prohibitive")
    with pytest.raises(PolicyRefusal) as refused:
        plan(officer, allowed)
    assert refused.value.clauses == ("7a",)
    assert "prohibitive" in refused.value.message


def test_a_determination_on_another_action_does_not_do(
    case: Case, officer: User, senior: User
) -> None:
    consider(officer, case)
    determine_risk(senior, case, subject="publicity")
    with pytest.raises(PolicyRefusal) as refused:
        plan(officer, case)
    assert refused.value.clauses == ("7a",)


def test_a_plan_names_every_bad_field(allowed: Case, officer: User, counts: Any) -> None:
    before = counts()
    with pytest.raises(InvalidInput) as invalid:
        plan(officer, allowed, description="go", group_size=0)
    assert [e["field"] for e in invalid.value.errors] == ["description", "group_size"]
    assert counts() == before


def test_a_stale_plan_is_a_conflict(allowed: Case, officer: User) -> None:
    stale = version(allowed)
    plan(officer, allowed)
    with pytest.raises(Conflict):
        plan(officer, allowed, expected_version=stale)
    assert InducementPlan.objects.count() == 1


# --- 2b: acts of inducement ---------------------------------------------------------------------


def test_an_act_is_recorded_with_the_official_who_committed_it(
    allowed: Case, officer: User, second_officer: User
) -> None:
    the_plan = plan(officer, allowed)
    when = dt.datetime(2026, 3, 3, 19, 0, tzinfo=dt.UTC)
    act = actions.record_inducement_act(
        acting_user=officer,
        case_id=allowed.pk,
        plan_id=the_plan.pk,
        expected_version=version(allowed),
        description="Met ORCHID at the fair; offered resettlement for ORCHID alone.",
        occurred_at=when,
        committed_by_id=Official.objects.get(user=second_officer).pk,
        instigated_by_id=Official.objects.get(user=officer).pk,
    )
    assert act.plan == the_plan
    assert act.at == when
    assert act.committed_by is not None
    assert act.committed_by.user == second_officer
    assert act.instigated_by is not None
    assert act.instigated_by.user == officer
    assert act.recorded_by.user == officer
    line = TimelineEntry.objects.get(case=allowed, kind="cases.inducementact.record")
    assert line.summary == (
        f"Act of inducement (2b) under plan {the_plan.pk}, committed by Second Officer and "
        "instigated by Case Officer"
    )
    views = queries_determination.plans_of(officer, allowed)
    assert [a.id for a in views[0].acts] == [act.pk]


def test_an_act_names_the_official_who_committed_or_instigated_it(
    allowed: Case, officer: User, counts: Any
) -> None:
    the_plan = plan(officer, allowed)
    before = counts()
    with pytest.raises(InvalidInput) as invalid:
        actions.record_inducement_act(
            acting_user=officer,
            case_id=allowed.pk,
            plan_id=the_plan.pk,
            expected_version=version(allowed),
            description="An offer was made.",
        )
    assert invalid.value.errors[0]["field"] == "committed_by_id"
    assert "(2b)" in invalid.value.errors[0]["message"]
    assert counts() == before
    assert InducementAct.objects.count() == 0


def test_an_act_names_every_bad_field(allowed: Case, officer: User) -> None:
    the_plan = plan(officer, allowed)
    with pytest.raises(InvalidInput) as invalid:
        actions.record_inducement_act(
            acting_user=officer,
            case_id=allowed.pk,
            plan_id=the_plan.pk,
            expected_version=version(allowed),
            description="",
            occurred_at=dt.datetime(2026, 3, 3, 19, 0),  # noqa: DTZ001 - naive on purpose
            committed_by_id=999_999,
            instigated_by_id="someone",
        )
    assert [e["field"] for e in invalid.value.errors] == [
        "description",
        "occurred_at",
        "committed_by_id",
        "instigated_by_id",
    ]


def test_an_act_in_the_future_is_refused(allowed: Case, officer: User) -> None:
    the_plan = plan(officer, allowed)
    with pytest.raises(InvalidInput, match="future"):
        actions.record_inducement_act(
            acting_user=officer,
            case_id=allowed.pk,
            plan_id=the_plan.pk,
            expected_version=version(allowed),
            description="An offer will be made.",
            occurred_at=dt.datetime.now(dt.UTC) + dt.timedelta(days=1),
            committed_by_id=Official.objects.get(user=officer).pk,
        )


def test_an_act_belongs_to_a_plan_of_the_same_case(
    allowed: Case, officer: User, open_case: Any, senior: User
) -> None:
    other = open_case(facts=UNDER_CONTROL)
    consider(officer, other)
    determine_risk(senior, other)
    foreign = plan(officer, other)
    with pytest.raises(NotFound, match="no such inducement plan"):
        actions.record_inducement_act(
            acting_user=officer,
            case_id=allowed.pk,
            plan_id=foreign.pk,
            expected_version=version(allowed),
            description="An offer was made.",
            committed_by_id=Official.objects.get(user=officer).pk,
        )


def test_an_act_is_recorded_even_once_inducement_is_determined_prohibitive(
    allowed: Case, officer: User, senior: User
) -> None:
    the_plan = plan(officer, allowed)
    determine_risk(senior, allowed, subject="inducement", level="prohibitive")
    act = actions.record_inducement_act(
        acting_user=officer,
        case_id=allowed.pk,
        plan_id=the_plan.pk,
        expected_version=version(allowed),
        description="The offer had been made the day before.",
        committed_by_id=Official.objects.get(user=officer).pk,
    )
    assert act.pk is not None


def test_the_readiness_for_a_plan_of_one_is_shown(case: Case, officer: User) -> None:
    ready = queries_determination.inducement_readiness(case, 1)
    assert (ready.allowed, ready.clauses) == (False, ("5a(1)", "7a"))
    assert RecruitmentConsideration.objects.count() == 0
