"""The lifecycle: moving a case between stages, closing and reopening it."""

from __future__ import annotations

import datetime as dt
from typing import Any, Final

from django.db import transaction
from django.utils import timezone

from defector import policy
from defector.cases import lifecycle, validation
from defector.cases.actions.common import (
    Entry,
    _label,
    claim_case,
    find_case_to_handle,
    record_event,
)
from defector.cases.actions.facts import _assess
from defector.cases.actions.free_text import refuse_if_named
from defector.cases.actions.obligations import discharge_by_evidence
from defector.cases.choices import CaseOutcome, ObligationStatus, Stage
from defector.cases.models import Assessment, Case, Obligation
from defector.cases.validation import Errors, as_version, clean_text, moment_of
from defector.cases.validation import error as add_error
from defector.core.errors import InvalidInput, PolicyRefusal
from defector.core.users import AnyUser
from defector.directory.models import Official
from defector.directory.queries import acting_official
from defector.policy.obligations import ObligationId

#: The evidence of secure reception (``6b(1)``) when the case moves on to assessment.
RECEPTION_EVIDENCE: Final = "The person was received and the case moved to assessment (6b(1))."


def move_case(
    *,
    acting_user: AnyUser,
    case_id: int | str,
    expected_version: int | str | None,
    to: str,
    outcome: str = "",
    reason: str = "",
    at: dt.datetime | None = None,
) -> Case:
    """Move the case to another stage (``cases.lifecycle``): closing needs an outcome that
    fits the stage; going back and reopening need a reason (at least 10 characters). An
    illegal move is refused naming both stages and those that may follow. Closing sets aside
    the obligations still open; reopening assesses the latest facts again, so the
    obligations that arise from them are opened afresh. Moving from reception to assessment
    discharges secure reception (``6b(1)``)."""
    moment = moment_of(at)
    with transaction.atomic():
        case = find_case_to_handle(acting_user, case_id)
        version, target, ending, stated = check_move_input(expected_version, to, outcome, reason)
        refuse_if_named(case, reason=stated)
        case = claim_case(case, version, acting_user=acting_user, at=moment)
        decision = check_move(case, target, ending, stated)
        return do_move_case(
            case, target, ending, stated, decision, acting_user=acting_user, moment=moment
        )


def check_move_input(
    expected_version: int | str | None, to: str, outcome: str, reason: str
) -> tuple[int, str, str, str]:
    """The version, target stage, outcome and reason of a move, or :class:`InvalidInput`."""
    errors: Errors = []
    version = as_version(errors, expected_version)
    target = to.strip() if isinstance(to, str) else ""
    if target not in Stage.values:
        add_error(errors, "to", f"must be one of {', '.join(Stage.values)}")
    ending = outcome.strip() if isinstance(outcome, str) else ""
    if ending and ending not in CaseOutcome.values:
        add_error(errors, "outcome", f"must be one of {', '.join(CaseOutcome.values)}")
    stated = clean_text(errors, "reason", reason, limit=validation.MAX_REASON_LENGTH)
    if errors:
        raise InvalidInput(errors)
    return version, target, ending, stated


def check_move(case: Case, target: str, ending: str, stated: str) -> policy.Decision:
    """The lifecycle's decision for the claimed case's move, after its guards; refused with
    the stages that may follow, a missing or unfitting outcome, or a missing reason."""
    source = case.stage
    if not lifecycle.allowed(source, target):
        raise InvalidInput([{"field": "to", "message": lifecycle.refusal(source, target)}])
    errors: Errors = []
    if target == Stage.CLOSED:
        if not ending:
            add_error(errors, "outcome", "is required to close a case: say how it ended")
        elif lifecycle.decision(source, target, ending) is None:
            add_error(errors, "outcome", lifecycle.ending_refusal(source, ending))
    elif ending:
        add_error(errors, "outcome", "is given only when closing a case")
    if lifecycle.needs_reason(source, target) and len(stated) < validation.MIN_STATED_LENGTH:
        what = "reopen the case" if source == Stage.CLOSED else "go back"
        add_error(
            errors,
            "reason",
            f"is required to {what} (at least {validation.MIN_STATED_LENGTH} characters)",
        )
    if errors:
        raise InvalidInput(errors)
    decision = lifecycle.decision(source, target, ending)
    if decision is None:  # allowed() and the checks above rule this out
        raise InvalidInput([{"field": "to", "message": lifecycle.refusal(source, target)}])
    for guard in lifecycle.guards_for(source, target):
        refused = guard(case)
        if refused is not None and not refused.allowed:
            raise PolicyRefusal(refused.reason, clauses=refused.clauses)
    return decision


def do_move_case(
    case: Case,
    target: str,
    ending: str,
    stated: str,
    decision: policy.Decision,
    *,
    acting_user: AnyUser,
    moment: dt.datetime,
) -> Case:
    """Move the claimed case, set aside its open obligations on closing or assess its facts
    again on reopening, and write the audit record (in the caller's transaction)."""
    source = case.stage
    official = acting_official(acting_user)
    before = {"stage": source, "outcome": case.outcome}
    Case.objects.filter(pk=case.pk).update(stage=target, outcome=ending)
    case.stage, case.outcome = target, ending
    also: list[Entry] = []
    extra: dict[str, Any] = {}
    if target == Stage.CLOSED:
        _set_aside_obligations(case, ending, official, moment, also, extra)
        summary = (
            f"Closed from {lifecycle.stage_label(source)}: "
            f"{_label(ending, CaseOutcome).lower()} ({', '.join(decision.clauses)})"
        )
        action = "cases.case.close"
    elif source == Stage.CLOSED:
        latest = Assessment.objects.filter(case=case).order_by("-number").first()
        if latest is not None:
            facts = policy.parse_facts(latest.facts, today=timezone.localdate(moment))
            assessed = _assess(case, facts, official=official, at=moment)
            also += assessed.entries()
            extra |= assessed.audit()
        summary = f"Reopened, back to {lifecycle.stage_label(target)}: {stated}"
        action = "cases.case.reopen"
    else:
        summary = (
            f"Stage: {lifecycle.stage_label(source)} → {lifecycle.stage_label(target)} "
            f"({', '.join(decision.clauses)})"
        )
        if stated:
            summary += f": {stated}"
        action = "cases.case.move"
        if source == Stage.RECEPTION and target == Stage.ASSESSMENT:
            # 6b(1): the person is received and handled; the reception is done.
            discharge_by_evidence(
                case,
                ObligationId.SECURE_RECEPTION,
                acting_user=acting_user,
                record=case,
                evidence=RECEPTION_EVIDENCE,
                at=moment,
            )
    record_event(
        case,
        acting_user=acting_user,
        action=action,
        summary=summary,
        at=moment,
        before=before,
        after={"stage": target, "outcome": ending, **extra},
        decision=decision,
        reason=stated,
        also=also,
    )
    return case


def _set_aside_obligations(
    case: Case,
    ending: str,
    official: Official | None,
    moment: dt.datetime,
    also: list[Entry],
    extra: dict[str, Any],
) -> None:
    """On closing: every obligation still open no longer applies."""
    closing = list(Obligation.objects.filter(case=case, status=ObligationStatus.OPEN))
    for obligation in closing:
        obligation.status = ObligationStatus.NOT_APPLICABLE
        obligation.note = f"the case was closed ({_label(ending, CaseOutcome).lower()})"
        obligation.closed_at = moment
        obligation.closed_by = official
        obligation.save(update_fields=["status", "note", "closed_at", "closed_by"])
    if closing:
        named = ", ".join(f"{o.title} ({o.clause})" for o in closing)
        also.append(Entry("cases.obligation.not_applicable", f"No longer applies: {named}"))
        extra["no_longer_applies"] = [o.identifier for o in closing]
