"""The dissemination router, mounted at ``/api/v1/dissemination``: threat reports
(``6b(3)(a)``) and a post's distribution.

Thin: each endpoint calls one action or query. A report or case the caller may not see
answers 404, exactly as one that does not exist; one they see but may not act on, 403; a case
without threat information, 422 (``policy_refusal``, naming ``6b(3)(a)``).
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Router, Status

from defector.core.errors import NotFound
from defector.core.pagination import Mapped, paged
from defector.core.schemas import CHANGE_ERRORS, READ_ERRORS, ErrorOut
from defector.dissemination import actions, queries
from defector.dissemination.schemas import (
    ThreatDistributionIn,
    ThreatDistributionOut,
    ThreatReportIn,
    ThreatReportOut,
    ThreatReportSummaryOut,
)

router = Router()


def _out(request: HttpRequest, report_id: int) -> queries.ReportView:
    return queries.describe(request.user, queries.report_detail(request.user, report_id))


def _summary(report: Any) -> dict[str, Any]:
    return {
        "id": report.pk,
        "case_id": report.case_id,
        "source": report.source,
        "post": report.post.code,
        "precedence": report.precedence,
        "precedence_label": report.get_precedence_display(),
        "issued_at": report.issued_at,
    }


@router.get(
    "/reports",
    response={200: list[ThreatReportSummaryOut], 401: ErrorOut},
    summary="List the threat reports you may see",
    description="Newest first: those of the cases you see, and those sent to you.",
)
@paged
def list_reports(request: HttpRequest) -> Any:
    return Mapped(
        queries.reports_for(request.user), lambda rows: [_summary(report) for report in rows]
    )


@router.post(
    "/cases/{case_id}/reports",
    response={201: ThreatReportOut, **CHANGE_ERRORS},
    summary="Issue a threat report from a case (6b(3)(a))",
    description=(
        "From any case holding threat information, by an official who works the case. It "
        "goes at once to the post's distribution and discharges the case's obligation to "
        "disseminate. The source is the case's cryptonym; a text naming a subject is refused."
    ),
)
def issue_report(request: HttpRequest, case_id: int, payload: ThreatReportIn) -> Any:
    report = actions.issue_report(
        acting_user=request.user,
        case_id=case_id,
        precedence=payload.precedence,
        threatened=payload.threatened,
        location=payload.location,
        timing=payload.timing,
        details=payload.details,
    )
    return Status(201, _out(request, report.pk))


@router.get(
    "/reports/{report_id}",
    response={200: ThreatReportOut, **READ_ERRORS},
    summary="One threat report, with its deliveries and acknowledgements",
)
def get_report(request: HttpRequest, report_id: int) -> Any:
    return _out(request, report_id)


@router.post(
    "/reports/{report_id}/acknowledge",
    response={200: ThreatReportOut, **CHANGE_ERRORS},
    summary="Acknowledge a threat report you received (6b(3)(a))",
    description="Only its recipients; acknowledging again changes nothing.",
)
def acknowledge_report(request: HttpRequest, report_id: int) -> Any:
    actions.acknowledge_report(acting_user=request.user, report_id=report_id)
    return _out(request, report_id)


@router.get(
    "/posts/{post_id}/distribution",
    response={200: ThreatDistributionOut, **READ_ERRORS},
    summary="Who receives the post's threat reports",
)
def get_distribution(request: HttpRequest, post_id: int) -> Any:
    view = queries.distribution_view(request.user, post_id)
    if view is None:
        raise NotFound("no such post")
    return view


@router.put(
    "/posts/{post_id}/distribution",
    response={200: ThreatDistributionOut, **CHANGE_ERRORS},
    summary="Set who receives the post's threat reports (the committee chair)",
)
def set_distribution(request: HttpRequest, post_id: int, payload: ThreatDistributionIn) -> Any:
    actions.set_distribution(
        acting_user=request.user,
        post_id=post_id,
        senior_representative=payload.senior_representative,
        committee_chair=payload.committee_chair,
        idc=payload.idc,
        members=[member.dict() for member in payload.members],
    )
    return queries.distribution_view(request.user, post_id)
