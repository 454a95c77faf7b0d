"""When time does not permit referral (``6c``): the matter submitted to the senior US
representative, decided there, and the IDC told afterwards."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from defector.core import audit
from defector.core.errors import InvalidInput, PolicyRefusal
from defector.core.users import AnyUser
from defector.escalations import queries
from defector.escalations.actions.problems import (
    PROBLEM_AUDIT_FIELDS,
    Errors,
    _check_step,
    _locked,
    _move,
    _record,
    _refuse_names,
    _require_official,
    _tell_post,
    _text,
)
from defector.escalations.models import Problem, UrgentSubmission
from defector.policy.gates import escalations as gate


def submit_to_senior_representative(
    *, acting_user: AnyUser, problem_id: int | str, reason: str
) -> Problem:
    """Record that time does not permit referral to the IDC, and why, and submit the problem
    for decision to the post's senior US representative (``6c``). Refused when the post has no
    senior US representative."""
    with transaction.atomic():
        problem = _locked(acting_user, problem_id)
        decision = _check_step(acting_user, problem, gate.SUBMIT_TO_SENIOR_REP)
        if not queries.senior_representatives(problem.post_id).exists():
            raise PolicyRefusal(
                f"{problem.post.code} has no senior US representative to decide the matter "
                "(6c); one must be named in the directory first",
                clauses=(gate.CLAUSE,),
            )
        errors: Errors = []
        reason = _text(errors, "reason", reason, required=True)
        _refuse_names(errors, problem, user=acting_user, reason=reason)
        if errors:
            raise InvalidInput(errors)
        member = _require_official(acting_user)
        now = timezone.now()
        before = _move(problem, gate.SUBMIT_TO_SENIOR_REP, now)
        submission = UrgentSubmission.objects.create(
            problem=problem, submitted_by=member, submitted_at=now, reason=reason
        )
        after = audit.snapshot(problem, PROBLEM_AUDIT_FIELDS)
        after["urgent_submission"] = audit.snapshot(
            submission, ["submitted_by", "submitted_at", "reason"]
        )
        _record(
            acting_user,
            "escalations.problem.submit_to_senior_representative",
            problem,
            decision,
            before=before,
            after=after,
        )
        _tell_post(
            problem,
            "time does not permit referral: submitted to the senior US representative for decision",
            member,
            acting_user,
        )
    return problem


def _submission(problem: Problem) -> UrgentSubmission:
    submission = UrgentSubmission.objects.select_for_update().filter(problem=problem).first()
    if submission is None:
        raise PolicyRefusal(
            "the problem was not submitted to the senior US representative (6c)",
            clauses=(gate.CLAUSE,),
        )
    return submission


def senior_representative_decide(
    *, acting_user: AnyUser, problem_id: int | str, decision: str
) -> Problem:
    """The senior US representative decides a matter submitted when time did not permit
    referral (``6c``); the IDC is sent an information copy at once and sees the problem."""
    with transaction.atomic():
        problem = _locked(acting_user, problem_id)
        allowed = _check_step(acting_user, problem, gate.SENIOR_REP_DECIDE)
        errors: Errors = []
        decision = _text(errors, "decision", decision, required=True)
        _refuse_names(errors, problem, user=acting_user, decision=decision)
        if errors:
            raise InvalidInput(errors)
        submission = _submission(problem)
        senior = _require_official(acting_user)
        now = timezone.now()
        before = _move(problem, gate.SENIOR_REP_DECIDE, now)
        submission.decision = decision
        submission.decided_by = senior
        submission.decided_at = now
        submission.idc_informed_at = now
        submission.save()
        after = audit.snapshot(problem, PROBLEM_AUDIT_FIELDS)
        after["urgent_submission"] = audit.snapshot(
            submission, ["decision", "decided_by", "decided_at", "idc_informed_at"]
        )
        _record(
            acting_user,
            "escalations.urgent.decide",
            problem,
            allowed,
            before=before,
            after=after,
        )
        _tell_post(
            problem,
            "decided by the senior US representative (time did not permit referral); "
            "information copy sent to the IDC",
            senior,
            acting_user,
            idc=True,
        )
    return problem


def idc_acknowledge_information(*, acting_user: AnyUser, problem_id: int | str) -> Problem:
    """An IDC member acknowledges the information copy of a senior representative's decision
    (``6c``: the IDC is told afterwards)."""
    with transaction.atomic():
        problem = _locked(acting_user, problem_id)
        decision = _check_step(acting_user, problem, gate.IDC_ACKNOWLEDGE_INFORMATION)
        submission = _submission(problem)
        if submission.idc_acknowledged_at is not None:
            raise PolicyRefusal(
                f"the IDC already acknowledged this decision on "
                f"{submission.idc_acknowledged_at:%Y-%m-%d %H:%M} UTC (6c)",
                clauses=(gate.CLAUSE,),
            )
        member = _require_official(acting_user)
        now = timezone.now()
        submission.idc_acknowledged_by = member
        submission.idc_acknowledged_at = now
        submission.save()
        _record(
            acting_user,
            "escalations.urgent.acknowledge",
            problem,
            decision,
            before=None,
            after={
                "urgent_submission": audit.snapshot(
                    submission, ["idc_acknowledged_by", "idc_acknowledged_at"]
                )
            },
        )
        _tell_post(
            problem,
            "the IDC acknowledged the senior US representative's decision",
            member,
            acting_user,
        )
    return problem
