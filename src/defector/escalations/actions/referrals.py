"""Referral to the IDC through CIA channels (``6c``): requested by a member, transmitted by
the post's CIA member, acknowledged and decided by the IDC; members' direct communications
with Washington noted."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from defector.core import audit
from defector.core.errors import InvalidInput, PolicyRefusal
from defector.core.users import AnyUser
from defector.escalations import queries
from defector.escalations.actions.problems import (
    PROBLEM_AUDIT_FIELDS,
    REFERENCE_MAX_LENGTH,
    Errors,
    _check_step,
    _date,
    _error,
    _locked,
    _move,
    _record,
    _refuse_names,
    _require_official,
    _tell_post,
    _text,
)
from defector.escalations.models import DirectCommunication, Problem, Referral
from defector.policy.gates import escalations as gate


def request_referral(
    *,
    acting_user: AnyUser,
    problem_id: int | str,
    summary: str,
    decision_due: dt.date | str | None = None,
) -> Problem:
    """Put the problem forward for referral to the IDC through CIA channels (``6c``): the post's
    CIA member then transmits it. Refused, naming ``6c``, when the post has no CIA member on its
    committee. Without ``decision_due`` the IDC's due date is the problem's (or today, if that
    has passed)."""
    with transaction.atomic():
        problem = _locked(acting_user, problem_id)
        decision = _check_step(acting_user, problem, gate.REQUEST_REFERRAL)
        if not queries.cia_members(problem.post_id).exists():
            raise PolicyRefusal(
                f"{problem.post.code} has no committee member from the CIA: a referral to the "
                "IDC goes through CIA channels (6c). Add the CIA member to the committee, or "
                "submit the problem to the senior US representative if time does not permit.",
                clauses=(gate.CLAUSE,),
            )
        errors: Errors = []
        today = timezone.localdate()
        summary = _text(errors, "summary", summary, required=True)
        _refuse_names(errors, problem, user=acting_user, summary=summary)
        due = _date(errors, "decision_due", decision_due, today)
        if errors:
            raise InvalidInput(errors)
        if due is None:
            due = max(problem.due_date, today)
        member = _require_official(acting_user)
        now = timezone.now()
        before = _move(problem, gate.REQUEST_REFERRAL, now)
        referral = Referral.objects.create(
            problem=problem,
            requested_by=member,
            requested_at=now,
            summary=summary,
            decision_due=due,
        )
        after = audit.snapshot(problem, PROBLEM_AUDIT_FIELDS)
        after["referral"] = audit.snapshot(
            referral, ["requested_by", "requested_at", "summary", "decision_due"]
        )
        _record(
            acting_user,
            "escalations.referral.request",
            problem,
            decision,
            before=before,
            after=after,
        )
        _tell_post(
            problem,
            "referral to the IDC requested; awaiting transmission by the CIA member",
            member,
            acting_user,
        )
    return problem


def _referral(problem: Problem) -> Referral:
    referral = Referral.objects.select_for_update().filter(problem=problem).first()
    if referral is None:  # the table allows the referral's steps only once it exists
        raise PolicyRefusal("the problem has no referral (6c)", clauses=(gate.CLAUSE,))
    return referral


def transmit_referral(
    *, acting_user: AnyUser, problem_id: int | str, channel_reference: str = ""
) -> Problem:
    """The post's CIA member transmits the referral to the IDC through CIA channels (``6c``);
    the IDC sees the problem from now on."""
    with transaction.atomic():
        problem = _locked(acting_user, problem_id)
        decision = _check_step(acting_user, problem, gate.TRANSMIT_REFERRAL)
        errors: Errors = []
        channel_reference = _text(
            errors,
            "channel_reference",
            channel_reference,
            required=False,
            limit=REFERENCE_MAX_LENGTH,
        )
        if errors:
            raise InvalidInput(errors)
        referral = _referral(problem)
        member = _require_official(acting_user)
        now = timezone.now()
        before = _move(problem, gate.TRANSMIT_REFERRAL, now)
        referral.routed_by = member
        referral.transmitted_at = now
        referral.channel_reference = channel_reference
        referral.save()
        after = audit.snapshot(problem, PROBLEM_AUDIT_FIELDS)
        after["referral"] = audit.snapshot(
            referral, ["routed_by", "transmitted_at", "channel_reference", "decision_due"]
        )
        _record(
            acting_user,
            "escalations.referral.transmit",
            problem,
            decision,
            before=before,
            after=after,
        )
        _tell_post(
            problem,
            "referred to the IDC through CIA channels; IDC decision due "
            f"{referral.decision_due.isoformat()}",
            member,
            acting_user,
            idc=True,
        )
    return problem


def note_direct_communication(
    *,
    acting_user: AnyUser,
    problem_id: int | str,
    summary: str,
    at: dt.datetime | str | None = None,
) -> DirectCommunication:
    """Note on the referral that the acting member communicated directly with their principals
    in Washington on its subject (``6c``): when (default now) and what, with their agency."""
    with transaction.atomic():
        problem = _locked(acting_user, problem_id)
        decision = _check_step(acting_user, problem, gate.NOTE_COMMUNICATION)
        errors: Errors = []
        summary = _text(errors, "summary", summary, required=True)
        _refuse_names(errors, problem, user=acting_user, summary=summary)
        now = timezone.now()
        when = _when(errors, "at", at, now)
        referral = _referral(problem)
        if when is not None and when < referral.requested_at - dt.timedelta(days=1):
            _error(errors, "at", "is more than a day before the referral was requested")
        if errors or when is None:
            raise InvalidInput(errors)
        member = _require_official(acting_user)
        note = DirectCommunication.objects.create(
            referral=referral,
            member=member,
            agency=member.agency,
            at=when,
            summary=summary,
            recorded_at=now,
        )
        _move(problem, gate.NOTE_COMMUNICATION, now)
        _record(
            acting_user,
            "escalations.referral.note_communication",
            problem,
            decision,
            before=None,
            after={
                "communication": audit.snapshot(note, ["member", "agency", "at", "summary"]),
            },
        )
        _tell_post(
            problem,
            f"a direct communication of the {member.agency.code} member with Washington was noted",
            member,
            acting_user,
        )
    return note


def _when(errors: Errors, field: str, value: object, now: dt.datetime) -> dt.datetime | None:
    """A time, aware, not in the future; ``now`` when not given."""
    if value is None or value == "":
        return now
    if isinstance(value, str):
        try:
            value = dt.datetime.fromisoformat(value.strip())
        except ValueError:
            _error(errors, field, "must be a date and time, e.g. 2026-11-30T14:05:00+00:00")
            return None
    if not isinstance(value, dt.datetime):
        _error(errors, field, "must be a date and time")
        return None
    if value.tzinfo is None:
        _error(errors, field, "must have a time zone (an offset such as +00:00)")
        return None
    if value > now + dt.timedelta(minutes=1):
        _error(errors, field, "is in the future")
        return None
    return value


def idc_acknowledge_referral(*, acting_user: AnyUser, problem_id: int | str) -> Problem:
    """An IDC member acknowledges a referred problem (``6c``)."""
    with transaction.atomic():
        problem = _locked(acting_user, problem_id)
        decision = _check_step(acting_user, problem, gate.IDC_ACKNOWLEDGE)
        referral = _referral(problem)
        if referral.idc_acknowledged_at is not None:
            raise PolicyRefusal(
                f"the IDC already acknowledged this referral on "
                f"{referral.idc_acknowledged_at:%Y-%m-%d %H:%M} UTC (6c)",
                clauses=(gate.CLAUSE,),
            )
        member = _require_official(acting_user)
        now = timezone.now()
        referral.idc_acknowledged_by = member
        referral.idc_acknowledged_at = now
        referral.save()
        _record(
            acting_user,
            "escalations.referral.acknowledge",
            problem,
            decision,
            before=None,
            after={
                "referral": audit.snapshot(referral, ["idc_acknowledged_by", "idc_acknowledged_at"])
            },
        )
        _tell_post(problem, "the IDC acknowledged the referral", member, acting_user)
    return problem


def idc_decide(*, acting_user: AnyUser, problem_id: int | str, decision: str) -> Problem:
    """An IDC member records the IDC's decision on a referred problem (``6c``). A decision not
    acknowledged before is acknowledged by it."""
    with transaction.atomic():
        problem = _locked(acting_user, problem_id)
        allowed = _check_step(acting_user, problem, gate.IDC_DECIDE)
        errors: Errors = []
        decision = _text(errors, "decision", decision, required=True)
        _refuse_names(errors, problem, user=acting_user, decision=decision)
        if errors:
            raise InvalidInput(errors)
        referral = _referral(problem)
        member = _require_official(acting_user)
        now = timezone.now()
        before = _move(problem, gate.IDC_DECIDE, now)
        if referral.idc_acknowledged_at is None:
            referral.idc_acknowledged_by = member
            referral.idc_acknowledged_at = now
        referral.idc_decision = decision
        referral.idc_decided_by = member
        referral.idc_decided_at = now
        referral.save()
        after = audit.snapshot(problem, PROBLEM_AUDIT_FIELDS)
        after["referral"] = audit.snapshot(
            referral,
            ["idc_acknowledged_by", "idc_acknowledged_at", "idc_decision", "idc_decided_by"],
        )
        _record(
            acting_user,
            "escalations.referral.decide",
            problem,
            allowed,
            before=before,
            after=after,
        )
        _tell_post(problem, "decided by the IDC", member, acting_user, idc=True)
    return problem
