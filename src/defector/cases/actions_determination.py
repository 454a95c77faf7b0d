"""Writes of the determinations of a case: the Senior US Representative's political-risk
determination (``7a``), the committee's status determination (``6b(2)``) with each agency's
position, the referral of a declined person as a refugee (``2f``), the consideration of
recruitment in place (``5a(1)``), inducement plans (``5a(1)``, ``5a(4)``, ``7a``) and acts of
inducement (``2b``).

Each action follows ``cases.actions``: keyword-only ``acting_user``, one transaction, the
case found through access control (:func:`~defector.cases.actions.find_case`), the input
checked first (every bad field named, nothing partial saved), the case claimed at the version
the official read (:func:`~defector.cases.actions.claim_case`: 409 when stale), the gates of
the directive asked on the state it claimed (a refusal is
:class:`~defector.core.errors.PolicyRefusal` naming each missing clause), then the record,
its audit record and timeline line (:func:`~defector.cases.actions.record_event`), and the
obligation it discharges (:func:`~defector.cases.actions.discharge_by_evidence`).

**Who.** The ``7a`` determination: only the post's Senior US Representative. The status
determination: the post's committee chair, or a committee member on the chair's behalf (the
record names the chair; a member of a post with several chairs names which). The rest: anyone
who may change the case (its assigned officers, the post's committee, its senior
representative).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any, Final

from django.contrib.auth.models import AnonymousUser, User
from django.db import transaction
from django.utils import timezone

from defector import policy
from defector.cases import lifecycle, queries_determination, validation
from defector.cases.actions import claim_case, discharge_by_evidence, find_case, record_event
from defector.cases.choices import AgencyStance as Stance
from defector.cases.choices import (
    CaseOutcome,
    RecruitmentConclusion,
    RiskLevel,
    RiskSubject,
    Stage,
    StatusDecision,
)
from defector.cases.models import (
    AgencyPosition,
    Case,
    InducementAct,
    InducementPlan,
    PoliticalRiskDetermination,
    RecruitmentConsideration,
    RefugeeReferral,
    StatusDetermination,
)
from defector.cases.validation import Errors, as_id, as_version, clean_text, moment_of
from defector.cases.validation import error as add_error
from defector.core import audit
from defector.core.access import Action, principal_for
from defector.core.errors import InvalidInput, NotFound, PermissionDenied, PolicyRefusal
from defector.directory.choices import Role
from defector.directory.models import Official
from defector.policy.obligations import ObligationId

AnyUser = User | AnonymousUser

#: The longest reasoning, rationale or description an official may give, in characters.
MAX_TEXT_LENGTH: Final = 10_000
MAX_REFERRED_TO_LENGTH: Final = 300

RISK_AUDIT_FIELDS: Final = [
    "subject",
    "level",
    "reasoning",
    "determined_at",
    "determined_by",
    "supersedes",
    "superseded_at",
]
STATUS_AUDIT_FIELDS: Final = [
    "decision",
    "special_value",
    "rationale",
    "risk_determination",
    "decided_at",
    "decided_by",
    "on_behalf_of",
]


#: How the timeline words each status determination.
STATUS_SUMMARIES: Final[dict[str, str]] = {
    StatusDecision.GRANT: "Defector status granted",
    StatusDecision.DECLINE: "Defector status declined",
    StatusDecision.DEFER: "Defector status: decision deferred",
}


def _acting_official(user: AnyUser) -> Official:
    """The acting user's official record; one who is none may not change a case, so
    :func:`find_case` has refused them already."""
    official_id = principal_for(user).official_id
    if official_id is None:
        raise PermissionDenied("you are not an official")
    return Official.objects.select_related("user").get(pk=official_id)


def _choice(errors: Errors, field: str, value: object, choices: Iterable[str]) -> str:
    allowed = list(choices)
    text = value.strip() if isinstance(value, str) else ""
    if text not in allowed:
        add_error(errors, field, f"must be one of {', '.join(allowed)}")
        return ""
    return text


def _stated(errors: Errors, field: str, value: object, what: str) -> str:
    """A required text of at least ten characters (reasoning, rationale, description)."""
    return clean_text(
        errors,
        field,
        value,
        limit=MAX_TEXT_LENGTH,
        required=f"is required: {what}",
        minimum=validation.MIN_STATED_LENGTH,
    )


def _must_be_open(case: Case, field: str) -> None:
    if case.stage == Stage.CLOSED:
        raise InvalidInput([{"field": field, "message": "the case is closed: reopen it first"}])


def _label(value: str, choices: Any) -> str:
    return str(choices(value).label).lower()


# --- 7a: the political-risk determination -----------------------------------------------------


def determine_political_risk(
    *,
    acting_user: AnyUser,
    case_id: int | str,
    expected_version: int | str | None,
    subject: str,
    level: str,
    reasoning: str,
    at: dt.datetime | None = None,
) -> PoliticalRiskDetermination:
    """Record the Senior US Representative's ``7a`` determination: for the case as a whole
    (``subject="case"``) or one contemplated action (``inducement``, ``exfiltration``,
    ``publicity``), the risk ``level`` and the ``reasoning`` (cryptonyms only, at least 10
    characters). It supersedes the determination in force on the same subject (kept, with
    the time it was superseded). The case's determination discharges the
    ``political_risk_determination`` obligation. Anyone else: :class:`PermissionDenied`
    naming ``7a``."""
    moment = moment_of(at)
    with transaction.atomic():
        case = find_case(acting_user, case_id, Action.CHANGE)
        if case.post_id not in principal_for(acting_user).posts_with(Role.SENIOR_REPRESENTATIVE):
            raise PermissionDenied(
                "only the post's Senior US Representative determines how actions toward the "
                "person may affect the political and diplomatic interests of the US (7a)",
                clauses=("7a",),
            )
        errors: Errors = []
        version = as_version(errors, expected_version)
        about = _choice(errors, "subject", subject, RiskSubject.values)
        degree = _choice(errors, "level", level, RiskLevel.values)
        text = _stated(errors, "reasoning", reasoning, "say why (cryptonyms only)")
        if errors:
            raise InvalidInput(errors)
        case = claim_case(case, version, acting_user=acting_user, at=moment)
        _must_be_open(case, "subject")
        previous = queries_determination.risk_in_force(case, about)
        if previous is not None:
            previous.superseded_at = moment
            previous.save(update_fields=["superseded_at"])
        determination = PoliticalRiskDetermination.objects.create(
            case=case,
            subject=about,
            level=degree,
            reasoning=text,
            determined_at=moment,
            determined_by=_acting_official(acting_user),
            supersedes=previous,
        )
        what = "the case" if about == RiskSubject.CASE else _label(about, RiskSubject)
        summary = f"Political risk of {what} determined: {_label(degree, RiskLevel)} (7a)"
        if previous is not None:
            summary += f"; supersedes {_label(previous.level, RiskLevel)}"
        record_event(
            case,
            acting_user=acting_user,
            action="cases.politicalriskdetermination.record",
            summary=summary,
            at=moment,
            obj=determination,
            before=audit.snapshot(previous, RISK_AUDIT_FIELDS) if previous is not None else None,
            after=audit.snapshot(determination, RISK_AUDIT_FIELDS),
            decision=policy.Decision.allow(
                "7a", reason="determined by the post's Senior US Representative"
            ),
        )
        if about == RiskSubject.CASE:
            discharge_by_evidence(
                case,
                ObligationId.POLITICAL_RISK_DETERMINATION,
                acting_user=acting_user,
                record=determination,
                evidence=f"7a determination {determination.pk}: {_label(degree, RiskLevel)} risk",
                at=moment,
            )
    return determination


# --- 6b(2): the status determination ----------------------------------------------------------


def _on_behalf_of(
    case: Case, acting: Official, raw: object, errors: Errors, *, is_chair: bool
) -> Official | None:
    """The chair a member records on behalf of; ``None`` when the chair records it."""
    chairs = queries_determination.chairs_of(case.post)
    number = as_id(raw) if raw not in (None, "") else None
    if raw not in (None, "") and number is None:
        add_error(errors, "on_behalf_of_id", "must be an official's id")
        return None
    if is_chair:
        if number is not None and number != acting.pk:
            add_error(
                errors, "on_behalf_of_id", "is only for a member acting for the chair; you chair"
            )
        return None
    if number is None:
        if len(chairs) == 1:
            return chairs[0]
        add_error(
            errors,
            "on_behalf_of_id",
            "the post has no committee chair for you to act for"
            if not chairs
            else "is required: name the chair you act for",
        )
        return None
    for chair in chairs:
        if chair.pk == number:
            return chair
    add_error(errors, "on_behalf_of_id", f"official {number} is not a committee chair of the post")
    return None


def _positions(case: Case, raw: object, errors: Errors) -> list[tuple[int, str, str]]:
    """(agency id, stance, note) for every agency represented on the post's committee: each
    exactly once; a dissent with its note."""
    expected = {
        agency.pk: agency for agency in queries_determination.represented_agencies(case.post)
    }
    if isinstance(raw, str | bytes) or not isinstance(raw, Iterable):
        add_error(errors, "positions", "must be a list of each agency's position")
        return []
    found: dict[int, tuple[int, str, str]] = {}
    for index, item in enumerate(raw):
        where = f"positions[{index}]"
        if not isinstance(item, Mapping):
            add_error(errors, where, "must be an object with agency_id, stance and note")
            continue
        number = as_id(item.get("agency_id"))
        if number is None:
            add_error(errors, f"{where}.agency_id", "is required: the agency's id")
        elif number not in expected:
            add_error(
                errors,
                f"{where}.agency_id",
                f"agency {number} is not represented on the post's committee",
            )
            number = None
        elif number in found:
            add_error(errors, f"{where}.agency_id", f"{expected[number].code} is given twice")
            number = None
        stance = _choice(errors, f"{where}.stance", item.get("stance"), Stance.values)
        note = clean_text(errors, f"{where}.note", item.get("note"), limit=MAX_TEXT_LENGTH)
        if stance == Stance.DISSENT and not note:
            add_error(errors, f"{where}.note", "is required with a dissent: say why")
        if number is not None:
            found[number] = (number, stance, note)
    missing = [agency.code for number, agency in expected.items() if number not in found]
    if missing:
        add_error(
            errors,
            "positions",
            f"every agency on the committee states its position; missing: {', '.join(missing)}",
        )
    return [found[number] for number in expected if number in found]


def _advance(case: Case, target: str, *, acting_user: AnyUser, at: dt.datetime) -> None:
    """Move the claimed case on to ``target`` as the lifecycle allows (its guards asked),
    with the move's own audit record and timeline line."""
    source = case.stage
    decision = lifecycle.decision(source, target)
    if decision is None:
        raise InvalidInput([{"field": "decision", "message": lifecycle.refusal(source, target)}])
    for guard in lifecycle.guards_for(source, target):
        refused = guard(case)
        if refused is not None and not refused.allowed:
            raise PolicyRefusal(refused.reason, clauses=refused.clauses)
    Case.objects.filter(pk=case.pk).update(stage=target)
    case.stage = target
    record_event(
        case,
        acting_user=acting_user,
        action="cases.case.move",
        summary=f"Stage: {lifecycle.stage_label(source)} → {lifecycle.stage_label(target)} "
        f"({', '.join(decision.clauses)})",
        at=at,
        before={"stage": source},
        after={"stage": target},
        decision=decision,
    )


def determine_status(
    *,
    acting_user: AnyUser,
    case_id: int | str,
    expected_version: int | str | None,
    decision: str,
    special_value: str,
    rationale: str,
    positions: Iterable[Mapping[str, Any]],
    on_behalf_of_id: int | str | None = None,
    at: dt.datetime | None = None,
) -> StatusDetermination:
    """Record the committee's determination of defector status (``6b(2)``): ``grant``,
    ``decline`` or ``defer``, the special value weighed (``special_value``) against the
    political risk, the ``rationale``, and every represented agency's position
    (``positions``: ``agency_id``, ``stance`` concur/dissent, ``note`` — required with a
    dissent).

    Recorded by the post's committee chair, or a committee member on the chair's behalf
    (``on_behalf_of_id``; default: the post's one chair). Only on an open case not yet
    past the determination (reception, assessment, determination). A grant is refused
    (:class:`PolicyRefusal` naming every missing clause) unless the latest assessment finds a
    defector (``2a``), bona fides is established (``6b(3)(b)``), a signed statement is on
    file (``6b(3)(c)``) and the ``7a`` determination for the case exists and is not
    "prohibitive" (``7a``).

    Any determination moves the case on to determination, as the lifecycle allows (from
    reception through assessment); a grant moves it on to exploitation — each move with its
    own audit record and the lifecycle's guards asked. A grant or a decline discharges
    ``consider_defector_status``; a deferral leaves it open (the status is still to be
    decided).
    """
    moment = moment_of(at)
    with transaction.atomic():
        case = find_case(acting_user, case_id, Action.CHANGE)
        principal = principal_for(acting_user)
        is_chair = (case.post_id, Role.COMMITTEE_CHAIR) in principal.post_roles
        is_member = (case.post_id, Role.COMMITTEE_MEMBER) in principal.post_roles
        if not (is_chair or is_member):
            raise PermissionDenied(
                "only the post's local Defector Committee determines defector status: its "
                "chair, or a member on the chair's behalf (6b(2))",
                clauses=("6b(2)",),
            )
        acting = _acting_official(acting_user)
        errors: Errors = []
        version = as_version(errors, expected_version)
        chosen = _choice(errors, "decision", decision, StatusDecision.values)
        value = _stated(errors, "special_value", special_value, "the special value weighed (2a)")
        why = _stated(errors, "rationale", rationale, "special value against political risk")
        chair = _on_behalf_of(case, acting, on_behalf_of_id, errors, is_chair=is_chair)
        stated = _positions(case, positions, errors)
        if errors:
            raise InvalidInput(errors)
        case = claim_case(case, version, acting_user=acting_user, at=moment)
        if case.stage not in queries_determination.STATUS_STAGES:
            raise InvalidInput(
                [
                    {
                        "field": "decision",
                        "message": f"the case is at {lifecycle.stage_label(case.stage)}: status "
                        "is determined before exploitation, on an open case",
                    }
                ]
            )
        gate: policy.Decision | None = None
        if chosen == StatusDecision.GRANT:
            gate = queries_determination.grant_readiness(case)
            if not gate.allowed:
                raise PolicyRefusal(
                    f"Defector status cannot be granted: {gate.reason}.", clauses=gate.clauses
                )
        risk = queries_determination.risk_in_force(case, RiskSubject.CASE)
        determination = StatusDetermination.objects.create(
            case=case,
            decision=chosen,
            special_value=value,
            rationale=why,
            risk_determination=risk,
            decided_at=moment,
            decided_by=acting,
            on_behalf_of=chair,
        )
        rows = AgencyPosition.objects.bulk_create(
            AgencyPosition(determination=determination, agency_id=agency, stance=stance, note=note)
            for agency, stance, note in stated
        )
        dissent = [row for row in rows if row.stance == Stance.DISSENT]
        summary = f"{STATUS_SUMMARIES[chosen]} (6b(2))"
        if risk is not None:
            summary += f", political risk {_label(risk.level, RiskLevel)}"
        if dissent:
            summary += f"; {len(dissent)} of {len(rows)} agencies dissent"
        elif rows:
            summary += "; every agency concurs"
        if chair is not None:
            summary += f"; for the chair, {chair}"
        after = audit.snapshot(determination, STATUS_AUDIT_FIELDS)
        after["positions"] = [
            {"agency": agency, "stance": stance, "note": note} for agency, stance, note in stated
        ]
        record_event(
            case,
            acting_user=acting_user,
            action="cases.statusdetermination.record",
            summary=summary,
            at=moment,
            obj=determination,
            after=after,
            decision=gate
            or policy.Decision.allow("6b(2)", reason="defector status was considered"),
            reason=why,
        )
        if case.stage == Stage.RECEPTION:
            _advance(case, Stage.ASSESSMENT, acting_user=acting_user, at=moment)
        if case.stage == Stage.ASSESSMENT:
            _advance(case, Stage.DETERMINATION, acting_user=acting_user, at=moment)
        if chosen == StatusDecision.GRANT:
            _advance(case, Stage.EXPLOITATION, acting_user=acting_user, at=moment)
        if chosen in (StatusDecision.GRANT, StatusDecision.DECLINE):
            discharge_by_evidence(
                case,
                ObligationId.CONSIDER_DEFECTOR_STATUS,
                acting_user=acting_user,
                record=determination,
                evidence=f"status determination {determination.pk}: "
                f"{_label(chosen, StatusDecision)}",
                at=moment,
            )
    return determination


# --- 2f: a declined person referred as a refugee ----------------------------------------------


def refer_as_refugee(
    *,
    acting_user: AnyUser,
    case_id: int | str,
    expected_version: int | str | None,
    reason: str,
    referred_to: str = "",
    close: bool = False,
    at: dt.datetime | None = None,
) -> RefugeeReferral:
    """Refer a person declined defector status as a refugee (``2f``), with the ``reason`` and
    where to (``referred_to``). Refused (naming ``2f``) unless the latest status
    determination declines. With ``close``, the case is then closed as "referred as a
    refugee" through the lifecycle (``cases.actions.move_case``: its own audit record)."""
    from defector.cases.actions import move_case

    moment = moment_of(at)
    with transaction.atomic():
        case = find_case(acting_user, case_id, Action.CHANGE)
        errors: Errors = []
        version = as_version(errors, expected_version)
        why = _stated(errors, "reason", reason, "say why the person is referred as a refugee")
        where = clean_text(
            errors,
            "referred_to",
            referred_to,
            limit=MAX_REFERRED_TO_LENGTH,
            multiline=False,
        )
        if errors:
            raise InvalidInput(errors)
        case = claim_case(case, version, acting_user=acting_user, at=moment)
        _must_be_open(case, "reason")
        declined = queries_determination.latest_decline(case)
        if declined is None:
            latest = queries_determination.latest_status(case)
            now = (
                f"the latest status determination is to {_label(latest.decision, StatusDecision)}"
                if latest is not None
                else "defector status has not been determined"
            )
            raise PolicyRefusal(
                f"Only a person declined defector status is referred as a refugee here, and a "
                f"refugee is not a defector (2f): {now}.",
                clauses=("2f", "6b(2)"),
            )
        if RefugeeReferral.objects.filter(determination=declined).exists():
            raise InvalidInput(
                [{"field": "reason", "message": "the person is referred as a refugee already"}]
            )
        referral = RefugeeReferral.objects.create(
            case=case,
            determination=declined,
            reason=why,
            referred_to=where,
            referred_at=moment,
            referred_by=_acting_official(acting_user),
        )
        to = f" to {where}" if where else ""
        record_event(
            case,
            acting_user=acting_user,
            action="cases.refugeereferral.record",
            summary=f"Referred as a refugee{to} (2f)",
            at=moment,
            obj=referral,
            after=audit.snapshot(referral),
            decision=policy.Decision.allow("2f", reason="declined defector status"),
            reason=why,
        )
        if close:
            move_case(
                acting_user=acting_user,
                case_id=case.pk,
                expected_version=case.version,
                to=Stage.CLOSED,
                outcome=CaseOutcome.REFERRED_REFUGEE,
                at=moment,
            )
    return referral


# --- 5a(1), 5a(4), 2b: inducement -------------------------------------------------------------


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
        size = _group_size(errors, group_size)
        if errors:
            raise InvalidInput(errors)
        case = claim_case(case, version, acting_user=acting_user, at=moment)
        _must_be_open(case, "description")
        gate = queries_determination.inducement_readiness(case, size)
        consideration = queries_determination.latest_consideration(case)
        risk = queries_determination.governing_risk(case, RiskSubject.INDUCEMENT)
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
