"""The reports router, mounted at ``/api/v1/reports``: status reports to the IDC (``6d``),
a post's reports, Washington's worldwide view, and their exports.

Thin: each endpoint calls one action or query. A report, case or post the caller may not see
answers 404, exactly as one that does not exist; one they see but may not act on, 403; a
refusal of the directive (a report sent already, four eyes, a case changed since the draft),
422 naming ``6d``; a stale version, 409.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from ninja import Query, Router, Status

from defector.cases.queries import case_detail
from defector.core import exports
from defector.core.errors import NotFound
from defector.core.pagination import Mapped, paged
from defector.core.schemas import CHANGE_ERRORS, READ_ERRORS, ErrorOut
from defector.reports import actions, queries
from defector.reports.queries.world import rows_of, world_rows
from defector.reports.schemas import (
    DraftIn,
    FacetsOut,
    RegenerateIn,
    ReportOut,
    ReportSummaryOut,
    VersionIn,
    WorldQuery,
    WorldRowOut,
)

router = Router()


def _summary(report: Any) -> dict[str, Any]:
    return {
        "id": report.pk,
        "case_id": report.case_id,
        "cryptonym": report.case.cryptonym,
        "post": report.post.code,
        "number": report.number,
        "status": report.status,
        "status_label": report.get_status_display(),
        "drafted_at": report.drafted_at,
        "sent_at": report.sent_at,
        "acknowledged_at": report.acknowledged_at,
        "period": report.period,
        "version": report.version,
    }


def _out(request: HttpRequest, report_id: int) -> dict[str, Any]:
    view = queries.describe(request.user, queries.report_detail(request.user, report_id))
    return {
        **_summary(view.report),
        "comment": view.report.comment,
        "generated_at": view.report.generated_at,
        "contents": view.report.contents,
        "can_regenerate": view.can_regenerate,
        "can_send": view.can_send,
        "can_acknowledge": view.can_acknowledge,
    }


def _filters(query: WorldQuery) -> queries.Filters:
    return queries.parse_filters(query.dict())


@router.get(
    "/world",
    response={200: list[WorldRowOut], **READ_ERRORS, 422: ErrorOut},
    summary="Washington's worldwide view (6d)",
    description="The IDC and the DCI's delegate: every post's cases that owe the IDC reports, "
    "newest first, with stage, exploitation, reports received and overdue, proposals awaiting "
    "decision; filtered by post, country, stage, exploitation, report overdue, proposals.",
)
@paged
def world(request: HttpRequest, filters: Query[WorldQuery]) -> Any:
    if not queries.may_see_world(request.user):
        raise NotFound("no worldwide view for you")
    found = _filters(filters)
    return Mapped(world_rows(request.user, found), lambda rows: rows_of(request.user, rows))


@router.get(
    "/world/facets",
    response={200: FacetsOut, **READ_ERRORS, 422: ErrorOut},
    summary="The worldwide view's counts per facet",
    description="Each facet's values with how many cases each holds under the other filters.",
)
def world_facets(request: HttpRequest, filters: Query[WorldQuery]) -> Any:
    view = queries.world_view(request.user, _filters(filters), page_size=1)
    return {"facets": view.facets, "count": view.count}


@router.get(
    "/world/export",
    response={200: None, **READ_ERRORS, 422: ErrorOut},
    summary="The worldwide view as CSV (audited)",
    description="Filtered as the list; cryptonyms and codes only. Every export is audited.",
)
def world_export(request: HttpRequest, filters: Query[WorldQuery]) -> StreamingHttpResponse:
    name, lines = actions.export_world(acting_user=request.user, filters=filters.dict())
    return exports.csv_response(name, lines)


@router.get(
    "/posts/{post_id}",
    response={200: list[ReportSummaryOut], **READ_ERRORS},
    summary="A post's reports to the IDC",
    description="The post's committee and senior US representative, and Washington.",
)
@paged
def post_reports(request: HttpRequest, post_id: int) -> Any:
    post = queries.post_for(request.user, post_id)
    return [_summary(r) for r in queries.post_reports(request.user, post)]


@router.get(
    "/posts/{post_id}/export",
    response={200: None, **READ_ERRORS},
    summary="A post's reports as CSV (audited)",
)
def post_export(request: HttpRequest, post_id: int) -> StreamingHttpResponse:
    name, lines = actions.export_post(acting_user=request.user, post_id=post_id)
    return exports.csv_response(name, lines)


@router.get(
    "/cases/{case_id}",
    response={200: list[ReportSummaryOut], **READ_ERRORS},
    summary="A case's reports to the IDC",
)
@paged
def case_reports(request: HttpRequest, case_id: int) -> Any:
    from_case = queries.case_section(request.user, case_detail(request.user, case_id))
    return [_summary(view.report) for view in from_case["reports"]]


@router.post(
    "/cases/{case_id}",
    response={201: ReportOut, **CHANGE_ERRORS},
    summary="Draft the case's next report to the IDC (6d)",
    description="Generated from the case as it stands (not typed twice), with the post's "
    "comment. By whoever works the case; the case's version is required.",
)
def draft(request: HttpRequest, case_id: int, payload: DraftIn) -> Any:
    report = actions.draft_report(
        acting_user=request.user,
        case_id=case_id,
        expected_version=payload.expected_version,
        comment=payload.comment,
    )
    return Status(201, _out(request, report.pk))


@router.get(
    "/{idc_report_id}",
    response={200: ReportOut, **READ_ERRORS},
    summary="One report to the IDC, as generated (and, once sent, as sent)",
)
def get_report(request: HttpRequest, idc_report_id: int) -> Any:
    return _out(request, idc_report_id)


@router.post(
    "/{idc_report_id}/regenerate",
    response={200: ReportOut, **CHANGE_ERRORS},
    summary="Generate a draft again from the case",
)
def regenerate(request: HttpRequest, idc_report_id: int, payload: RegenerateIn) -> Any:
    actions.regenerate_report(
        acting_user=request.user,
        report_id=idc_report_id,
        expected_version=payload.expected_version,
        comment=payload.comment,
    )
    return _out(request, idc_report_id)


@router.post(
    "/{idc_report_id}/send",
    response={200: ReportOut, **CHANGE_ERRORS},
    summary="Send a report to the IDC (the committee's chair; 6d)",
    description="A draft prepared by another official, as the case stands; it discharges the "
    "case's oldest open period of the 6d obligation, and the IDC is told.",
)
def send(request: HttpRequest, idc_report_id: int, payload: VersionIn) -> Any:
    actions.send_report(
        acting_user=request.user,
        report_id=idc_report_id,
        expected_version=payload.expected_version,
    )
    return _out(request, idc_report_id)


@router.post(
    "/{idc_report_id}/acknowledge",
    response={200: ReportOut, **CHANGE_ERRORS},
    summary="Acknowledge a report (a member of the IDC)",
)
def acknowledge(request: HttpRequest, idc_report_id: int, payload: VersionIn) -> Any:
    actions.acknowledge_report(
        acting_user=request.user,
        report_id=idc_report_id,
        expected_version=payload.expected_version,
    )
    return _out(request, idc_report_id)


def _export(request: HttpRequest, idc_report_id: int, fmt: str) -> HttpResponse:
    name, content = actions.export_report(
        acting_user=request.user, report_id=idc_report_id, fmt=fmt
    )
    kind = "application/pdf" if fmt == "pdf" else "text/csv; charset=utf-8"
    return exports.file_response(name, content, kind)


@router.get(
    "/{idc_report_id}/pdf",
    response={200: None, **READ_ERRORS},
    summary="A report as PDF (audited)",
    description="From the stored contents: what was sent is what is shown. No true name.",
)
def export_pdf(request: HttpRequest, idc_report_id: int) -> HttpResponse:
    return _export(request, idc_report_id, "pdf")


@router.get(
    "/{idc_report_id}/csv",
    response={200: None, **READ_ERRORS},
    summary="A report as CSV (audited)",
    description="Rows of section, item and value, from the stored contents. No true name.",
)
def export_csv(request: HttpRequest, idc_report_id: int) -> HttpResponse:
    return _export(request, idc_report_id, "csv")
