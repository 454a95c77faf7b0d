"""Inducement (2b, 5a): recruitment in place considered, plans and acts."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from defector.cases import queries, validation
from defector.cases.actions.common import claim_case, find_case, record_event
from defector.cases.actions.determination import (
    _acting_official,
    _choice,
    _label,
    _must_be_open,
    _stated,
)
from defector.cases.actions.free_text import refuse_true_names
from defector.cases.actions.obligations import discharge_by_evidence
from defector.cases.choices import RecruitmentConclusion, RiskSubject
from defector.cases.models import InducementAct, InducementPlan, RecruitmentConsideration
from defector.cases.validation import Errors, as_id, as_version, moment_of
from defector.cases.validation import error as add_error
from defector.core import audit
from defector.core.access import Action
from defector.core.errors import InvalidInput, NotFound, PolicyRefusal
from defector.core.users import AnyUser
from defector.directory.models import Official
from defector.policy.obligations import ObligationId


def consider_recruitment_in_place(
    *,
    acting_user: AnyUser,
    case_id: int | str,
    expected_version: int | str | None,
    conclusion: str,
    reasoning: str,
    at: dt.datetime | None = None,
) -> RecruitmentConsideration:
    """Record that recruitment in place was considered (``5a(1)``), with the ``conclusion``
    (``recruit_in_place``, ``induce_defection`` or ``neither``) and the ``reasoning``. It
    discharges the ``consider_recruitment_in_place`` obligation; the latest consideration is
    the one an inducement plan rests on."""
    moment = moment_of(at)
    with transaction.atomic():
        case = find_case(acting_user, case_id, Action.CHANGE)
        errors: Errors = []
        version = as_version(errors, expected_version)
        chosen = _choice(errors, "conclusion", conclusion, RecruitmentConclusion.values)
        text = _stated(errors, "reasoning", reasoning, "say why (cryptonyms only)")
        refuse_true_names(errors, case, reasoning=text)
        if errors:
            raise InvalidInput(errors)
        case = claim_case(case, version, acting_user=acting_user, at=moment)
        _must_be_open(case, "conclusion")
        consideration = RecruitmentConsideration.objects.create(
            case=case,
            conclusion=chosen,
            reasoning=text,
            considered_at=moment,
            considered_by=_acting_official(acting_user),
        )
        record_event(
            case,
            acting_user=acting_user,
            action="cases.recruitmentconsideration.record",
            summary="Recruitment in place considered (5a(1)): "
            f"{_label(chosen, RecruitmentConclusion)}",
            at=moment,
            obj=consideration,
            after=audit.snapshot(consideration),
        )
        discharge_by_evidence(
            case,
            ObligationId.CONSIDER_RECRUITMENT_IN_PLACE,
            acting_user=acting_user,
            record=consideration,
            evidence=f"consideration {consideration.pk}: {_label(chosen, RecruitmentConclusion)}",
            at=moment,
        )
    return consideration


def _group_size(errors: Errors, value: object) -> int:
    number = as_id(value)
    if number is None or number < 1:
        add_error(
            errors, "group_size", "is required: how many persons the plan aims at (1 or more)"
        )
        return 0
    return number


def record_inducement_plan(
    *,
    acting_user: AnyUser,
    case_id: int | str,
    expected_version: int | str | None,
    description: str,
    group_size: int | str,
    at: dt.datetime | None = None,
) -> InducementPlan:
    """Record a plan to induce defection (``2b``). Refused (:class:`PolicyRefusal` naming each
    clause) unless recruitment in place was considered and the latest consideration concluded
    to induce defection (``5a(1)``), a ``7a`` determination governs inducement (one on
    inducement, else the case's) and is not "prohibitive" (``7a``), and the plan aims at no
    more persons than ``DEFECTOR_MAX_INDUCEMENT_GROUP`` (``5a(4)``)."""
    moment = moment_of(at)
    with transaction.atomic():
        case = find_case(acting_user, case_id, Action.CHANGE)
        errors: Errors = []
        version = as_version(errors, expected_version)
        text = _stated(errors, "description", description, "the approach planned")
        refuse_true_names(errors, case, description=text)
        size = _group_size(errors, group_size)
        if errors:
            raise InvalidInput(errors)
        case = claim_case(case, version, acting_user=acting_user, at=moment)
        _must_be_open(case, "description")
        gate = queries.inducement_readiness(case, size)
        consideration = queries.latest_consideration(case)
        risk = queries.governing_risk(case, RiskSubject.INDUCEMENT)
        if not gate.allowed or consideration is None or risk is None:
            raise PolicyRefusal(
                f"The inducement plan cannot be recorded: {gate.reason}.", clauses=gate.clauses
            )
        plan = InducementPlan.objects.create(
            case=case,
            description=text,
            group_size=size,
            consideration=consideration,
            risk_determination=risk,
            recorded_at=moment,
            recorded_by=_acting_official(acting_user),
        )
        record_event(
            case,
            acting_user=acting_user,
            action="cases.inducementplan.record",
            summary=f"Inducement plan recorded, aimed at {size} "
            f"{'person' if size == 1 else 'persons'} (2b, 5a(1), 5a(4), 7a)",
            at=moment,
            obj=plan,
            after=audit.snapshot(plan),
            decision=gate,
        )
    return plan


def _official(errors: Errors, field: str, value: object) -> Official | None:
    if value in (None, ""):
        return None
    number = as_id(value)
    if number is None:
        add_error(errors, field, "must be an official's id")
        return None
    found = Official.objects.select_related("user").filter(pk=number).first()
    if found is None:
        add_error(errors, field, f"there is no official {number}")
    return found


def record_inducement_act(
    *,
    acting_user: AnyUser,
    case_id: int | str,
    plan_id: int | str,
    expected_version: int | str | None,
    description: str,
    occurred_at: dt.datetime | None = None,
    committed_by_id: int | str | None = None,
    instigated_by_id: int | str | None = None,
    at: dt.datetime | None = None,
) -> InducementAct:
    """Record an act of inducement (``2b``) under one of the case's plans: what was done, when
    (``occurred_at``, default now), and the US official who committed it or manifestly
    instigated it (at least one of ``committed_by_id`` and ``instigated_by_id``). An act is
    recorded whatever the plan's standing now: the US Government may be called upon to account
    for it."""
    moment = moment_of(at)
    with transaction.atomic():
        case = find_case(acting_user, case_id, Action.CHANGE)
        number = as_id(plan_id)
        plan = (
            InducementPlan.objects.filter(case=case, pk=number).first()
            if number is not None
            else None
        )
        if plan is None:
            raise NotFound("no such inducement plan on this case")
        errors: Errors = []
        version = as_version(errors, expected_version)
        text = _stated(errors, "description", description, "what was done")
        refuse_true_names(errors, case, description=text)
        when = moment if occurred_at is None else occurred_at
        if not isinstance(when, dt.datetime) or timezone.is_naive(when):
            add_error(errors, "occurred_at", "must be a date and time with its time zone")
            when = moment
        elif when > moment + validation.CLOCK_SKEW:
            add_error(errors, "occurred_at", "is in the future")
        committed = _official(errors, "committed_by_id", committed_by_id)
        instigated = _official(errors, "instigated_by_id", instigated_by_id)
        if committed_by_id in (None, "") and instigated_by_id in (None, ""):
            add_error(
                errors,
                "committed_by_id",
                "is required, or instigated_by_id: name the US official who committed or "
                "instigated the act (2b)",
            )
        if errors:
            raise InvalidInput(errors)
        case = claim_case(case, version, acting_user=acting_user, at=moment)
        _must_be_open(case, "description")
        act = InducementAct.objects.create(
            case=case,
            plan=plan,
            committed_by=committed,
            instigated_by=instigated,
            at=when,
            description=text,
            recorded_at=moment,
            recorded_by=_acting_official(acting_user),
        )
        who = [
            f"committed by {committed}" if committed is not None else "",
            f"instigated by {instigated}" if instigated is not None else "",
        ]
        record_event(
            case,
            acting_user=acting_user,
            action="cases.inducementact.record",
            summary=f"Act of inducement (2b) under plan {plan.pk}, "
            f"{' and '.join(w for w in who if w)}",
            at=moment,
            obj=act,
            after=audit.snapshot(act),
        )
    return act
