"""Inducement (2b, 5a): recruitment in place considered, plans and acts."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db.models import Q

from defector.cases.choices import (
    DEFAULT_MAX_INDUCEMENT_GROUP,
    RecruitmentConclusion,
    RiskSubject,
    Stage,
)
from defector.cases.models import Case, InducementAct, InducementPlan, RecruitmentConsideration
from defector.cases.queries.common import case_rows
from defector.cases.queries.risk import Ref, _ref, governing_risk, political_risk_determined_for
from defector.core.access import Action, can, get_for, remember, remembered
from defector.core.users import AnyUser
from defector.directory.models import Official
from defector.policy import Decision
from defector.policy.gates import cases as gates

#: The setting that caps the group an inducement plan may aim at (``5a(4)``).
MAX_GROUP_SETTING = "DEFECTOR_MAX_INDUCEMENT_GROUP"


def max_inducement_group() -> int:
    """The largest group an inducement plan may aim at (``5a(4)``):
    ``settings.DEFECTOR_MAX_INDUCEMENT_GROUP``, default
    :data:`~defector.cases.choices.DEFAULT_MAX_INDUCEMENT_GROUP`."""
    value = getattr(settings, MAX_GROUP_SETTING, DEFAULT_MAX_INDUCEMENT_GROUP)
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ImproperlyConfigured(f"{MAX_GROUP_SETTING} must be a whole number of at least 1")
    return value


def latest_consideration(case: Case) -> RecruitmentConsideration | None:
    return remembered(
        ("cases.latest_consideration", case.pk),
        RecruitmentConsideration.objects.filter(case=case).order_by("-considered_at", "-pk").first,
    )


def inducement_readiness(case: Case, group_size: int) -> Decision:
    """Whether an inducement plan aimed at ``group_size`` persons may be recorded now
    (:func:`~defector.policy.gates.cases.inducement_plan_gate`)."""
    consideration = latest_consideration(case)
    risk = governing_risk(case, RiskSubject.INDUCEMENT)
    return gates.inducement_plan_gate(
        recruitment=gates.recruitment_considered(
            consideration.conclusion if consideration is not None else None
        ),
        political_risk=political_risk_determined_for(case, RiskSubject.INDUCEMENT),
        risk_level=risk.level if risk is not None else "",
        group_size=group_size,
        max_group_size=max_inducement_group(),
    )


@dataclass(frozen=True, slots=True)
class ConsiderationView:
    id: int
    conclusion: str
    conclusion_label: str
    reasoning: str
    considered_at: dt.datetime
    considered_by: Ref | None


@dataclass(frozen=True, slots=True)
class ActView:
    id: int
    plan_id: int
    committed_by: Ref | None
    instigated_by: Ref | None
    at: dt.datetime
    description: str
    recorded_at: dt.datetime
    recorded_by: Ref | None


@dataclass(frozen=True, slots=True)
class PlanView:
    id: int
    description: str
    group_size: int
    consideration_id: int
    risk_determination_id: int
    risk_subject: str
    risk_level: str
    recorded_at: dt.datetime
    recorded_by: Ref | None
    acts: list[ActView]


def considerations_of(user: AnyUser, case: Case) -> list[ConsiderationView]:
    """Every consideration of recruitment in place, newest first (the first stands)."""
    rows = (
        case_rows(user, Action.VIEW, RecruitmentConsideration.objects.all(), case)
        .select_related("considered_by__user")
        .order_by("-considered_at", "-pk")
    )
    found = list(rows)
    remember(("cases.latest_consideration", case.pk), found[0] if found else None)
    return [
        ConsiderationView(
            id=row.pk,
            conclusion=row.conclusion,
            conclusion_label=str(RecruitmentConclusion(row.conclusion).label),
            reasoning=row.reasoning,
            considered_at=row.considered_at,
            considered_by=_ref(row.considered_by),
        )
        for row in found
    ]


def _act_view(row: InducementAct) -> ActView:
    return ActView(
        id=row.pk,
        plan_id=row.plan_id,
        committed_by=_ref(row.committed_by),
        instigated_by=_ref(row.instigated_by),
        at=row.at,
        description=row.description,
        recorded_at=row.recorded_at,
        recorded_by=_ref(row.recorded_by),
    )


def plans_of(user: AnyUser, case: Case) -> list[PlanView]:
    """The case's inducement plans, newest first, each with its acts (oldest first)."""
    plans = (
        case_rows(user, Action.VIEW, InducementPlan.objects.all(), case)
        .select_related("recorded_by__user", "risk_determination")
        .order_by("-recorded_at", "-pk")
    )
    acts: dict[int, list[ActView]] = {}
    for act in (
        case_rows(user, Action.VIEW, InducementAct.objects.all(), case)
        .select_related("committed_by__user", "instigated_by__user", "recorded_by__user")
        .order_by("at", "pk")
    ):
        acts.setdefault(act.plan_id, []).append(_act_view(act))
    return [
        PlanView(
            id=plan.pk,
            description=plan.description,
            group_size=plan.group_size,
            consideration_id=plan.consideration_id,
            risk_determination_id=plan.risk_determination_id,
            risk_subject=plan.risk_determination.subject,
            risk_level=plan.risk_determination.level,
            recorded_at=plan.recorded_at,
            recorded_by=_ref(plan.recorded_by),
            acts=acts.get(plan.pk, []),
        )
        for plan in plans
    ]


def act_of(user: AnyUser, case: Case, act_id: int) -> ActView:
    row = get_for(
        user,
        Action.VIEW,
        InducementAct.objects.filter(case=case).select_related(
            "committed_by__user", "instigated_by__user", "recorded_by__user"
        ),
        act_id,
        what="inducement act",
    )
    return _act_view(row)


def officials_for_acts(case: Case) -> list[Ref]:
    """The officials an inducement act may name: the post's officials and the case's
    assigned officers, active or not (an act is recorded as it happened)."""
    rows = (
        Official.objects.filter(Q(post=case.post) | Q(assigned_cases=case))
        .select_related("user")
        .distinct()
        .order_by("user__last_name", "user__first_name", "user__username")
    )
    return [Ref(row.pk, str(row)) for row in rows]


def inducement_section(user: AnyUser, case: Case) -> Mapping[str, Any]:
    """What the inducement section shows."""
    considerations = considerations_of(user, case)
    plans = plans_of(user, case)
    changeable = can(user, Action.CHANGE, case) and case.stage != Stage.CLOSED
    return {
        "considerations": considerations,
        "latest_consideration": considerations[0] if considerations else None,
        "plans": plans,
        "may_change": changeable,
        "max_group": max_inducement_group(),
        "readiness": inducement_readiness(case, 1),
    }
