"""The case list and intake (``6b(1)``): open a case, receive a walk-in, report a potential
defector or a disaffected person. Every bad field is named in a 422 answer.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import Query, Status

from defector.cases import actions, queries
from defector.cases.api.common import (
    case_out,
    record_out,
    router,
    trusted_created,
    trusted_pages,
)
from defector.cases.choices import IntakeKind
from defector.cases.schemas import (
    CaseFiltersIn,
    CaseIn,
    CaseOut,
    CaseRecordOut,
    CaseSummaryOut,
    IntakePreviewOut,
    ReportIn,
    WalkInIn,
)
from defector.core.errors import InvalidInput, PermissionDenied
from defector.core.pagination import paged
from defector.core.schemas import ErrorOut


@router.get(
    "",
    operation_id="defector_cases_api_list_cases",
    response={200: list[CaseSummaryOut], 401: ErrorOut, 422: ErrorOut},
    summary="List the cases you may see",
    description=(
        "Newest first, by cryptonym, with the stage, the categories of the latest assessment "
        "and the open and overdue obligations. Filters as on the page: post, stage, category, "
        "overdue, officer, kind, and text in the cryptonym."
    ),
)
@trusted_pages
@paged
def list_cases(request: HttpRequest, filters: Query[CaseFiltersIn], response: HttpResponse) -> Any:
    # ``response``: the operation's own, for ``trusted_pages`` (the page's summaries are read
    # in ``CaseSummaryOut``'s shape: ``queries.case_summaries``).
    parsed = queries.parse_case_filters(filters.model_dump())
    return queries.case_summaries(request.user, parsed)


@router.post(
    "",
    operation_id="defector_cases_api_open_case",
    response={201: CaseOut, 401: ErrorOut, 403: ErrorOut, 422: ErrorOut, 503: ErrorOut},
    summary="Open a case at intake (6b(1))",
    description=(
        "Receives a walk-in (or a potential defector or disaffected person reported by an "
        "official): the case gets a cryptonym at once and the identity fields are sealed; "
        "with `facts`, the facts are assessed and the obligations opened. Allowed to the "
        "post's case officers, committee members and chair, and its senior US representative. "
        "Every bad field is named in a 422 answer; nothing is saved then."
    ),
)
def open_case(request: HttpRequest, payload: CaseIn) -> Any:
    case = actions.open_case(acting_user=request.user, **payload.model_dump())
    view = queries.describe(request.user, queries.case_detail(request.user, case.pk))
    return Status(201, case_out(view))


def _intake(request: HttpRequest, data: dict[str, Any], kind: str) -> Any:
    """Open a case of ``kind`` from the body's fields (``WalkInIn``'s, validated by ninja)."""
    user = request.user
    # The defaults come from the principal and the official's row read with it, which the
    # action then reads no more (``default_post_id``): one read of the post, not two.
    if data["post_id"] is None:
        data["post_id"] = queries.default_post_id(user)
    data["sensitivity"] = data["sensitivity"] or queries.default_sensitivity(user)
    data["kind"] = kind
    case = actions.open_case(acting_user=user, **data)
    # The record is read in ``CaseRecordOut``'s shape (as ``GET /cases/{id}`` answers it):
    # written without ninja's validation of it.
    return trusted_created(request, record_out(request, case.pk))


@router.post(
    "/walk-ins",
    operation_id="defector_cases_api_receive_walk_in",
    response={201: CaseRecordOut, 401: ErrorOut, 403: ErrorOut, 422: ErrorOut, 503: ErrorOut},
    summary="Receive a walk-in (2e, 6b(1))",
    description=(
        "The quick intake: `facts.nationalities` is all that is required. The post defaults "
        "to yours, the time to now, the sensitivity to SECRET (or your clearance if lower), "
        "the location to the post's country, `at_us_installation` to true. Answers with the "
        "case, its first assessment, its obligations (threat information: due in 15 minutes) "
        "and its timeline."
    ),
)
def receive_walk_in(request: HttpRequest, payload: WalkInIn) -> Any:
    return _intake(request, payload.model_dump(), IntakeKind.WALK_IN)


@router.post(
    "/walk-ins/preview",
    operation_id="defector_cases_api_preview_walk_in",
    response={200: IntakePreviewOut, 401: ErrorOut, 403: ErrorOut, 422: ErrorOut},
    summary="Preview a walk-in's assessment (1, 2a-2f, 2e, 6b(1))",
    description=(
        "The walk-in's body, not saved: what the directive will say of its facts with the "
        "intake's defaults (the categories, the scope, the obligations with their clocks), the "
        "facts that keep the person from being a walk-in (2e), and the refusal of the "
        "reception's day (1), if any. Nothing is written or audited."
    ),
)
def preview_walk_in(request: HttpRequest, payload: WalkInIn) -> Any:
    user = request.user
    if not queries.can_open_cases(user):
        raise PermissionDenied(
            "only a post's case officers, committee and senior US representative may open a "
            "case there",
            clauses=("6b(1)",),
        )
    data = payload.model_dump()
    preview = queries.intake_preview(
        user,
        kind=IntakeKind.WALK_IN,
        facts=data["facts"],
        post_id=data["post_id"],
        received_at=data["received_at"],
        confirm_before_directive=data["confirm_before_directive"],
    )
    return {
        "assessed": preview.assessed,
        "problems": list(preview.problems),
        "applies": preview.applies,
        "walk_in": preview.is_walk_in,
        "categories": preview.categories,
        "scope": preview.scope,
        "obligations": preview.obligations,
        "missing": preview.missing,
        "date_refusal": preview.date_refusal,
    }


@router.post(
    "/reports",
    operation_id="defector_cases_api_report_person",
    response={201: CaseRecordOut, 401: ErrorOut, 403: ErrorOut, 422: ErrorOut, 503: ErrorOut},
    summary="Report a potential defector or a disaffected person (2c, 2d, 6b(1))",
    description="As a walk-in, with `kind` and what you know (`note`, required).",
)
def report_person(request: HttpRequest, payload: ReportIn) -> Any:
    kind = payload.kind
    if kind not in (IntakeKind.POTENTIAL_DEFECTOR, IntakeKind.DISAFFECTED_PERSON):
        raise InvalidInput(
            [{"field": "kind", "message": "must be potential_defector or disaffected_person"}]
        )
    # ``ReportIn`` is ``WalkInIn`` with the kind and a required note: its fields, validated
    # once, are the walk-in's (not made into a ``WalkInIn`` and validated again).
    return _intake(request, payload.model_dump(exclude={"kind"}), kind)
