"""The steps of a status report: drafting it from its case, regenerating a draft, sending
it (which discharges the period's ``6d`` obligation), acknowledging it.

Each is one transaction with its audit record; the case's timeline gets a line for each step
(``cases.actions.record_event``). Drafting claims the case's version (the drafter saw the case
as it is); sending and acknowledging claim the report's. Notices go out after the commit and
name the case by cryptonym only: sent → the IDC; acknowledged → the post's committee.
"""

from __future__ import annotations

import datetime as dt
from functools import partial
from typing import Any, Final

from django.db import transaction
from django.db.models import F, Max
from django.urls import reverse

from defector.cases.actions import (
    claim_case,
    discharge_by_evidence,
    find_case,
    record_event,
    refuse_true_names,
)
from defector.cases.choices import Stage
from defector.cases.models import Case
from defector.cases.validation import Errors, as_version, clean_text, moment_of
from defector.core.access import Action, can, principal_for
from defector.core.errors import Conflict, InvalidInput, PermissionDenied, PolicyRefusal
from defector.core.users import AnyUser
from defector.directory.queries import acting_official
from defector.notifications.actions import notify_idc, notify_post_members
from defector.notifications.choices import NoticeKind
from defector.policy.decisions import Decision
from defector.policy.gates import reports as gate
from defector.policy.obligations import ObligationId
from defector.reports.choices import (
    ACKNOWLEDGING_ROLES,
    COMMENT_MAX_LENGTH,
    SENDING_ROLES,
    Status,
)
from defector.reports.models import StatusReport
from defector.reports.queries import contents as generator
from defector.reports.queries import reports as report_queries

#: What the audit record keeps of a report (its contents stay in the report).
REPORT_AUDIT_FIELDS: Final = ["number", "status", "period", "sent_at", "acknowledged_at"]


def _refuse(decision: Decision, *, permission: bool = False) -> None:
    if decision.allowed:
        return
    if permission:
        raise PermissionDenied(decision.reason, clauses=decision.clauses)
    raise PolicyRefusal(decision.reason, clauses=decision.clauses)


def _comment(errors: Errors, case: Case, comment: object) -> str:
    text = clean_text(errors, "comment", comment, limit=COMMENT_MAX_LENGTH)
    refuse_true_names(errors, case, comment=text)
    return text


def _snapshot(report: StatusReport) -> dict[str, Any]:
    return {field: getattr(report, field) for field in REPORT_AUDIT_FIELDS}


def _link(report: StatusReport) -> str:
    return reverse("reports:detail", args=[report.pk])


def _find_report(acting_user: AnyUser, report_id: int | str) -> StatusReport:
    return report_queries.report_detail(acting_user, report_id)


def _claim_report(report: StatusReport, expected: int) -> StatusReport:
    """Raise the report's version from ``expected`` (else :class:`Conflict`) and answer it as
    it now stands."""
    claimed = StatusReport.objects.filter(pk=report.pk, version=expected).update(
        version=F("version") + 1
    )
    current = StatusReport.objects.select_related("case__post", "post").get(pk=report.pk)
    if not claimed:
        raise Conflict(
            f"This report changed since you opened it (it is at version {current.version}; "
            f"you had version {expected}); reload to see the changes.",
            data={"version": current.version},
        )
    return current


def _version(value: object) -> int:
    errors: Errors = []
    number = as_version(errors, value)
    if errors:
        raise InvalidInput(errors)
    return number


# --- draft and regenerate -----------------------------------------------------------------


def draft_report(
    *,
    acting_user: AnyUser,
    case_id: int | str,
    expected_version: int | str | None,
    comment: str = "",
    at: dt.datetime | None = None,
) -> StatusReport:
    """Draft the case's next status report to the IDC, generated from the case as it stands
    (``6d``), with the post's comment (no true name). ``expected_version`` is the case's."""
    moment = moment_of(at)
    with transaction.atomic():
        case = find_case(acting_user, case_id, Action.VIEW)
        may_work = can(acting_user, Action.CHANGE, case)
        official = acting_official(acting_user)
        decision = gate.may_draft(
            may_work_case=may_work and official is not None,
            case_closed=case.stage == Stage.CLOSED,
        )
        _refuse(decision, permission=not may_work or official is None)
        errors: Errors = []
        version = as_version(errors, expected_version)
        text = _comment(errors, case, comment)
        if errors:
            raise InvalidInput(errors)
        if official is None:
            raise PermissionDenied("only an official of the program may", clauses=(gate.CLAUSE,))
        case = claim_case(case, version, acting_user=acting_user, at=moment)
        number = (StatusReport.objects.filter(case=case).aggregate(n=Max("number"))["n"] or 0) + 1
        report = StatusReport.objects.create(
            case=case,
            post=case.post,
            number=number,
            contents=generator.generate(acting_user, case, now=moment),
            generated_at=moment,
            prepared_by=official,
            comment=text,
            drafted_at=moment,
            drafted_by=official,
        )
        record_event(
            case,
            acting_user=acting_user,
            action="reports.report.draft",
            summary=f"Report {number} to the IDC drafted (6d)",
            at=moment,
            obj=report,
            after=_snapshot(report),
            decision=decision,
        )
    return report


def regenerate_report(
    *,
    acting_user: AnyUser,
    report_id: int | str,
    expected_version: int | str | None,
    comment: str | None = None,
    at: dt.datetime | None = None,
) -> StatusReport:
    """Generate a draft's contents again from the case (and change its comment, when given):
    the one who does it prepared it, so another must send it."""
    moment = moment_of(at)
    with transaction.atomic():
        report = _find_report(acting_user, report_id)
        case = report.case
        official = acting_official(acting_user)
        may_work = can(acting_user, Action.CHANGE, case) and official is not None
        decision = gate.may_regenerate(status=report.status, may_work_case=may_work)
        _refuse(decision, permission=not may_work)
        version = _version(expected_version)
        errors: Errors = []
        text = _comment(errors, case, comment) if comment is not None else report.comment
        if errors:
            raise InvalidInput(errors)
        if official is None:
            raise PermissionDenied("only an official of the program may", clauses=(gate.CLAUSE,))
        report = _claim_report(report, version)
        _refuse(gate.may_regenerate(status=report.status, may_work_case=True))
        report.contents = generator.generate(acting_user, report.case, now=moment)
        report.generated_at = moment
        report.prepared_by = official
        report.comment = text
        report.save(update_fields=["contents", "generated_at", "prepared_by", "comment"])
        record_event(
            report.case,
            acting_user=acting_user,
            action="reports.report.regenerate",
            summary=f"Report {report.number} to the IDC regenerated from the case (6d)",
            at=moment,
            obj=report,
            after=_snapshot(report),
            decision=decision,
        )
    return report


# --- send and acknowledge ---------------------------------------------------------------


def _tell_idc(report: StatusReport) -> None:
    case = report.case
    notify_idc(
        NoticeKind.REPORT,
        f"Report {report.number} to the IDC on case {case.cryptonym} at {report.post.code}: "
        "sent; acknowledge it.",
        _link(report),
        post=report.post,
        about=[case],
    )


def _tell_post(report: StatusReport) -> None:
    case = report.case
    notify_post_members(
        report.post,
        NoticeKind.REPORT,
        f"Report {report.number} to the IDC on case {case.cryptonym} at {report.post.code}: "
        "acknowledged by the IDC.",
        _link(report),
        about=[case],
    )


def send_report(
    *,
    acting_user: AnyUser,
    report_id: int | str,
    expected_version: int | str | None,
    at: dt.datetime | None = None,
) -> StatusReport:
    """The committee's chair sends a draft prepared by another official to the IDC, as it
    stands in the case (else regenerate it first): it discharges the case's oldest open
    period of ``report_to_idc`` (``6d``), and the IDC is told."""
    moment = moment_of(at)
    with transaction.atomic():
        report = _find_report(acting_user, report_id)
        case = report.case
        official = acting_official(acting_user)
        is_chair = (
            official is not None
            and case.post_id in principal_for(acting_user).posts_with(*SENDING_ROLES)
            and can(acting_user, Action.CHANGE, case)
        )
        if not is_chair:
            _refuse(
                gate.may_send(
                    status=report.status, is_chair=False, prepared_it=False, contents_current=True
                ),
                permission=True,
            )
        version = _version(expected_version)
        if official is None:
            raise PermissionDenied("only an official of the program may", clauses=(gate.CLAUSE,))
        report = _claim_report(report, version)
        current = generator.same_contents(
            report.contents, generator.generate(acting_user, report.case, now=moment)
        )
        decision = gate.may_send(
            status=report.status,
            is_chair=True,
            prepared_it=report.prepared_by_id == official.pk,
            contents_current=current,
        )
        _refuse(decision)
        case = claim_case(report.case, report.case.version, acting_user=acting_user, at=moment)
        period = generator.answering_period(case)
        report.status = Status.SENT
        report.sent_at = moment
        report.sent_by = official
        report.period = period.period if period is not None else None
        report.obligation = period
        report.save(update_fields=["status", "sent_at", "sent_by", "period", "obligation"])
        record_event(
            case,
            acting_user=acting_user,
            action="reports.report.send",
            summary=f"Report {report.number} sent to the IDC (6d)",
            at=moment,
            obj=report,
            after=_snapshot(report),
            decision=decision,
        )
        if period is not None:
            discharge_by_evidence(
                case,
                ObligationId.REPORT_TO_IDC,
                acting_user=acting_user,
                record=report,
                evidence=f"Status report {report.number} sent to the IDC",
                at=moment,
                period=period.period,
            )
        transaction.on_commit(partial(_tell_idc, report), robust=True)
    return report


def acknowledge_report(
    *,
    acting_user: AnyUser,
    report_id: int | str,
    expected_version: int | str | None,
    at: dt.datetime | None = None,
) -> StatusReport:
    """A member of the IDC acknowledges a sent report; the post's committee is told."""
    moment = moment_of(at)
    with transaction.atomic():
        report = _find_report(acting_user, report_id)
        official = acting_official(acting_user)
        is_idc = official is not None and any(
            role in principal_for(acting_user).roles for role in ACKNOWLEDGING_ROLES
        )
        if not is_idc:
            _refuse(gate.may_acknowledge(status=report.status, is_idc=False), permission=True)
        version = _version(expected_version)
        report = _claim_report(report, version)
        decision = gate.may_acknowledge(status=report.status, is_idc=True)
        _refuse(decision)
        report.status = Status.ACKNOWLEDGED
        report.acknowledged_at = moment
        report.acknowledged_by = official
        report.save(update_fields=["status", "acknowledged_at", "acknowledged_by"])
        record_event(
            report.case,
            acting_user=acting_user,
            action="reports.report.acknowledge",
            summary=f"Report {report.number} acknowledged by the IDC (6d)",
            at=moment,
            obj=report,
            after=_snapshot(report),
            decision=decision,
        )
        transaction.on_commit(partial(_tell_post, report), robust=True)
    return report
