"""The status determination (6b(2)) and the referral of a declined person as a refugee (2f)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Final

from django.db import transaction

from defector import policy
from defector.cases import lifecycle, queries, validation
from defector.cases.actions.common import claim_case, find_case, record_event
from defector.cases.actions.free_text import refuse_true_names
from defector.cases.actions.lifecycle import move_case
from defector.cases.actions.obligations import discharge_by_evidence
from defector.cases.choices import AgencyStance as Stance
from defector.cases.choices import CaseOutcome, RiskLevel, RiskSubject, Stage, StatusDecision
from defector.cases.models import (
    AgencyPosition,
    Case,
    PoliticalRiskDetermination,
    RefugeeReferral,
    StatusDetermination,
)
from defector.cases.validation import Errors, as_id, as_version, clean_text, moment_of
from defector.cases.validation import error as add_error
from defector.core import audit
from defector.core.access import Action, principal_for
from defector.core.errors import InvalidInput, PermissionDenied, PolicyRefusal
from defector.core.users import AnyUser
from defector.directory.choices import Role
from defector.directory.models import Official
from defector.directory.queries import acting_official
from defector.policy.obligations import ObligationId

#: The longest reasoning, rationale or description an official may give, in characters.
MAX_TEXT_LENGTH: Final = 10_000


MAX_REFERRED_TO_LENGTH: Final = 300


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
    official = acting_official(user)
    if official is None:
        raise PermissionDenied("you are not an official")
    return official


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


def _on_behalf_of(
    case: Case, acting: Official, raw: object, errors: Errors, *, is_chair: bool
) -> Official | None:
    """The chair a member records on behalf of; ``None`` when the chair records it."""
    chairs = queries.chairs_of(case.post)
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
    expected = {agency.pk: agency for agency in queries.represented_agencies(case.post)}
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
        refuse_true_names(errors, case, **{f"{where}.note": note})
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
        is_chair = check_may_determine_status(acting_user, case)
        acting = _acting_official(acting_user)
        status = check_status(
            case,
            acting,
            is_chair=is_chair,
            expected_version=expected_version,
            decision=decision,
            special_value=special_value,
            rationale=rationale,
            positions=positions,
            on_behalf_of_id=on_behalf_of_id,
        )
        case = claim_case(case, status.version, acting_user=acting_user, at=moment)
        gate = check_status_gate(case, status.decision)
        return do_determine_status(
            case, status, gate, acting=acting, acting_user=acting_user, moment=moment
        )


def check_may_determine_status(acting_user: AnyUser, case: Case) -> bool:
    """Whether the acting user chairs the post's committee (else they are a member); refused
    (``6b(2)``) when they are neither."""
    principal = principal_for(acting_user)
    is_chair = (case.post_id, Role.COMMITTEE_CHAIR) in principal.post_roles
    is_member = (case.post_id, Role.COMMITTEE_MEMBER) in principal.post_roles
    if not (is_chair or is_member):
        raise PermissionDenied(
            "only the post's local Defector Committee determines defector status: its "
            "chair, or a member on the chair's behalf (6b(2))",
            clauses=("6b(2)",),
        )
    return is_chair


@dataclass(frozen=True, slots=True)
class StatusInput:
    """The checked input of a status determination."""

    version: int
    decision: str
    special_value: str
    rationale: str
    chair: Official | None
    positions: list[tuple[int, str, str]]


def check_status(
    case: Case,
    acting: Official,
    *,
    is_chair: bool,
    expected_version: int | str | None,
    decision: str,
    special_value: str,
    rationale: str,
    positions: Iterable[Mapping[str, Any]],
    on_behalf_of_id: int | str | None,
) -> StatusInput:
    """The determination's fields, or :class:`InvalidInput` with every error."""
    errors: Errors = []
    version = as_version(errors, expected_version)
    chosen = _choice(errors, "decision", decision, StatusDecision.values)
    value = _stated(errors, "special_value", special_value, "the special value weighed (2a)")
    why = _stated(errors, "rationale", rationale, "special value against political risk")
    chair = _on_behalf_of(case, acting, on_behalf_of_id, errors, is_chair=is_chair)
    refuse_true_names(errors, case, special_value=value, rationale=why)
    stated = _positions(case, positions, errors)
    if errors:
        raise InvalidInput(errors)
    return StatusInput(version, chosen, value, why, chair, stated)


def check_status_gate(case: Case, chosen: str) -> policy.Decision | None:
    """Refuse a case past the determination, and a grant the gate refuses (``6b(2)``); the
    gate's decision for a grant, else ``None``."""
    if case.stage not in queries.STATUS_STAGES:
        raise InvalidInput(
            [
                {
                    "field": "decision",
                    "message": f"the case is at {lifecycle.stage_label(case.stage)}: status "
                    "is determined before exploitation, on an open case",
                }
            ]
        )
    if chosen != StatusDecision.GRANT:
        return None
    gate = queries.grant_readiness(case)
    if not gate.allowed:
        raise PolicyRefusal(
            f"Defector status cannot be granted: {gate.reason}.", clauses=gate.clauses
        )
    return gate


def do_determine_status(
    case: Case,
    status: StatusInput,
    gate: policy.Decision | None,
    *,
    acting: Official,
    acting_user: AnyUser,
    moment: dt.datetime,
) -> StatusDetermination:
    """Write the determination and its agencies' positions with its audit record, move the
    case on, and discharge ``consider_defector_status`` (in the caller's transaction)."""
    chosen = status.decision
    risk = queries.risk_in_force(case, RiskSubject.CASE)
    determination = StatusDetermination.objects.create(
        case=case,
        decision=chosen,
        special_value=status.special_value,
        rationale=status.rationale,
        risk_determination=risk,
        decided_at=moment,
        decided_by=acting,
        on_behalf_of=status.chair,
    )
    rows = AgencyPosition.objects.bulk_create(
        AgencyPosition(determination=determination, agency_id=agency, stance=stance, note=note)
        for agency, stance, note in status.positions
    )
    after = audit.snapshot(determination, STATUS_AUDIT_FIELDS)
    after["positions"] = [
        {"agency": agency, "stance": stance, "note": note}
        for agency, stance, note in status.positions
    ]
    record_event(
        case,
        acting_user=acting_user,
        action="cases.statusdetermination.record",
        summary=_status_summary(chosen, risk, rows, status.chair),
        at=moment,
        obj=determination,
        after=after,
        decision=gate or policy.Decision.allow("6b(2)", reason="defector status was considered"),
        reason=status.rationale,
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
            evidence=f"status determination {determination.pk}: {_label(chosen, StatusDecision)}",
            at=moment,
        )
    return determination


def _status_summary(
    chosen: str,
    risk: PoliticalRiskDetermination | None,
    rows: list[AgencyPosition],
    chair: Official | None,
) -> str:
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
    return summary


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
        refuse_true_names(errors, case, reason=why, referred_to=where)
        if errors:
            raise InvalidInput(errors)
        case = claim_case(case, version, acting_user=acting_user, at=moment)
        _must_be_open(case, "reason")
        declined = queries.latest_decline(case)
        if declined is None:
            latest = queries.latest_status(case)
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
