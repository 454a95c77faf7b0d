"""Issuing a threat report and acknowledging it (``6b(3)(a)``).

:func:`issue_report` checks (:func:`check_issue`) and then makes (:func:`do_issue`), in one
transaction: the report, a delivery to each official on the post's distribution, the
discharge of the case's ``disseminate_threat_information`` obligation, and the case's
timeline entry with its audit record. The notices go out after the commit. Nothing else on
the case stands in the way: not its stage, not its bona fides.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import transaction
from django.views.decorators.debug import sensitive_variables

from defector.cases.actions import (
    discharge_by_evidence,
    find_case,
    record_event,
    refuse_names_at_post,
    refuse_true_names,
)
from defector.cases.models import Case
from defector.cases.validation import Errors, clean_text, moment_of
from defector.cases.validation import error as add_error
from defector.core import audit
from defector.core.access import Action, can
from defector.core.errors import InvalidInput, NotFound, PermissionDenied, PolicyRefusal
from defector.core.users import AnyUser
from defector.directory.models import Official
from defector.directory.queries import acting_official
from defector.dissemination.actions.common import cleared_for, tell_on_commit
from defector.dissemination.choices import SHORT_MAX_LENGTH, TEXT_MAX_LENGTH, Precedence
from defector.dissemination.models import Delivery, ThreatReport
from defector.dissemination.queries import (
    distribution_of,
    has_threat_information,
    report_detail,
    row_id,
)
from defector.policy.gates import dissemination as gate
from defector.policy.obligations import ObligationId

#: What the audit record keeps of a report (its free text stays in the report).
REPORT_AUDIT_FIELDS = ["case", "post", "precedence", "source", "issued_by", "issued_at"]


@dataclass(frozen=True, slots=True)
class IssueInput:
    """A report's input, checked."""

    case: Case
    issuer: Official
    precedence: str
    threatened: str
    location: str
    timing: str
    details: str


@sensitive_variables("threatened", "location", "timing", "details")
def check_issue(
    *,
    acting_user: AnyUser,
    case_id: int | str,
    precedence: str,
    threatened: str,
    location: str,
    timing: str,
    details: str = "",
) -> IssueInput:
    """The case (404 when hidden), the right to issue (403), threat information on the case
    (422, ``6b(3)(a)``), and the input: every field named, no true name in any text."""
    if row_id(case_id) is None:
        raise NotFound("no such case")
    case = find_case(acting_user, case_id, Action.VIEW)
    decision = gate.may_issue(
        threat_information=has_threat_information(case),
        may_work_case=can(acting_user, Action.CHANGE, case),
    )
    issuer = acting_official(acting_user)
    if issuer is None or not can(acting_user, Action.CHANGE, case):
        raise PermissionDenied(decision.reason, clauses=decision.clauses)
    if not decision.allowed:
        raise PolicyRefusal(decision.reason, clauses=decision.clauses)
    errors: Errors = []
    if precedence not in Precedence.values:
        add_error(errors, "precedence", "must be FLASH, IMMEDIATE or PRIORITY")
    texts = {
        "threatened": clean_text(
            errors,
            "threatened",
            threatened,
            limit=SHORT_MAX_LENGTH,
            required="is required: say what is threatened",
            multiline=False,
        ),
        "location": clean_text(
            errors,
            "location",
            location,
            limit=SHORT_MAX_LENGTH,
            required="is required: say where",
            multiline=False,
        ),
        "timing": clean_text(
            errors,
            "timing",
            timing,
            limit=SHORT_MAX_LENGTH,
            required="is required: say when (or that it is not known)",
            multiline=False,
        ),
        "details": clean_text(errors, "details", details, limit=TEXT_MAX_LENGTH),
    }
    refuse_true_names(errors, case, **texts)
    refuse_names_at_post(errors, case.post_id, user=acting_user, also=(), **texts)
    if errors:
        raise InvalidInput(errors)
    return IssueInput(case=case, issuer=issuer, precedence=precedence, **texts)


def do_issue(
    checked: IssueInput, *, acting_user: AnyUser, at: dt.datetime | None = None
) -> ThreatReport:
    """Make the report, its deliveries and the discharge, in one transaction with the audit
    record; tell the recipients after the commit."""
    moment = moment_of(at)
    with transaction.atomic():
        case = Case.objects.select_for_update().select_related("post").get(pk=checked.case.pk)
        report = ThreatReport.objects.create(
            case=case,
            post=case.post,
            precedence=checked.precedence,
            threatened=checked.threatened,
            location=checked.location,
            timing=checked.timing,
            details=checked.details,
            source=case.cryptonym,
            issued_by=checked.issuer,
            issued_at=moment,
        )
        withheld: list[int] = []
        deliveries: list[Delivery] = []
        for official, seat in distribution_of(case.post):
            if official.pk == checked.issuer.pk:
                continue
            if not cleared_for(official, case):
                withheld.append(official.pk)
                continue
            deliveries.append(
                Delivery(report=report, recipient=official, seat=seat, created_at=moment)
            )
        Delivery.objects.bulk_create(deliveries)
        label = report.get_precedence_display()
        record_event(
            case,
            acting_user=acting_user,
            action="dissemination.report.issue",
            summary=f"{label} threat report issued to {len(deliveries)} recipients (6b(3)(a))",
            at=moment,
            obj=report,
            after={
                **audit.snapshot(report, REPORT_AUDIT_FIELDS),
                "recipients": sorted(d.recipient_id for d in deliveries),
                "withheld_not_cleared": sorted(withheld),
            },
            decision=gate.may_issue(threat_information=True, may_work_case=True),
        )
        discharge_by_evidence(
            case,
            ObligationId.DISSEMINATE_THREAT_INFORMATION,
            acting_user=acting_user,
            record=report,
            evidence=f"{label} threat report {report.pk} issued to {len(deliveries)} "
            "recipients on the post's distribution",
            at=moment,
        )
        tell_on_commit(report, [d.recipient_id for d in deliveries], acting_user=acting_user)
    return report


def issue_report(
    *,
    acting_user: AnyUser,
    case_id: int | str,
    precedence: str,
    threatened: str,
    location: str,
    timing: str,
    details: str = "",
    at: dt.datetime | None = None,
) -> ThreatReport:
    """Issue a threat report from a case holding threat information (``6b(3)(a)``): it goes
    at once to the post's distribution, and discharges the case's obligation to disseminate."""
    checked = check_issue(
        acting_user=acting_user,
        case_id=case_id,
        precedence=precedence,
        threatened=threatened,
        location=location,
        timing=timing,
        details=details,
    )
    return do_issue(checked, acting_user=acting_user, at=at)


def acknowledge_report(
    *, acting_user: AnyUser, report_id: int | str, at: dt.datetime | None = None
) -> Delivery:
    """The recipient acknowledges the report: once (again is no change). A report the user
    may not see is 404; one they see but did not receive is 403."""
    moment = moment_of(at)
    with transaction.atomic():
        report = report_detail(acting_user, report_id)
        official = acting_official(acting_user)
        delivery = (
            Delivery.objects.select_for_update().filter(report=report, recipient=official).first()
            if official is not None
            else None
        )
        if delivery is None:
            raise PermissionDenied(
                "only the report's recipients acknowledge it", clauses=(gate.CLAUSE,)
            )
        if delivery.acknowledged_at is not None:
            return delivery
        delivery.acknowledged_at = moment
        delivery.save(update_fields=["acknowledged_at"])
        audit.record(
            actor=acting_user,
            action="dissemination.delivery.acknowledge",
            obj=delivery,
            cryptonym=report.source,
            after={"report": report.pk, "acknowledged_at": moment},
        )
    return delivery
