"""The cases router, mounted at ``/api/v1/cases``: list, open, read, reveal.

Thin: each endpoint calls one query or action. A case the caller may not see answers 404,
exactly as a case that does not exist.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Query, Router, Status

from defector.cases import actions, queries
from defector.cases.schemas import (
    CaseFiltersIn,
    CaseIn,
    CaseOut,
    CaseSummaryOut,
    RevealIn,
    RevealOut,
)
from defector.core.schemas import ErrorOut

router = Router()


@router.get(
    "",
    response={200: list[CaseSummaryOut], 401: ErrorOut, 422: ErrorOut},
    summary="List the cases you may see",
    description="Newest first, by cryptonym; filter by post and by text in the cryptonym.",
)
def list_cases(request: HttpRequest, filters: Query[CaseFiltersIn]) -> Any:
    return list(
        queries.cases_for(request.user, queries.CaseFilters(post=filters.post, q=filters.q))
    )


@router.post(
    "",
    response={201: CaseOut, 401: ErrorOut, 403: ErrorOut, 422: ErrorOut, 503: ErrorOut},
    summary="Open a case at intake (6b(1))",
    description=(
        "Receives a walk-in (or a potential defector or disaffected person reported by an "
        "official): the case gets a cryptonym at once and the identity fields are sealed. "
        "Allowed to the post's case officers, committee members and chair, and its senior US "
        "representative. Every bad field is named in a 422 answer; nothing is saved then."
    ),
)
def open_case(request: HttpRequest, payload: CaseIn) -> Any:
    case = actions.open_case(
        acting_user=request.user,
        post_id=payload.post_id,
        sensitivity=payload.sensitivity,
        kind=payload.kind,
        compartments=payload.compartments,
        officer_ids=payload.officer_ids,
        true_name=payload.true_name,
        aliases=payload.aliases,
        birth_date=payload.birth_date,
        birth_place=payload.birth_place,
        identity_documents=payload.identity_documents,
    )
    return Status(201, queries.describe(request.user, queries.case_detail(request.user, case.pk)))


@router.get(
    "/{case_id}",
    response={200: CaseOut, 401: ErrorOut, 404: ErrorOut},
    summary="One case",
    description="The subject's identity is listed as recorded or not; never its values.",
)
def get_case(request: HttpRequest, case_id: int) -> Any:
    return queries.describe(request.user, queries.case_detail(request.user, case_id))


@router.post(
    "/{case_id}/reveal",
    response={200: RevealOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
    summary="Reveal one sealed field of the subject",
    description=(
        "Needs a reason of at least 10 characters; the reveal and its reason are recorded in "
        "the audit log. Allowed to the case's assigned officers, the committee chair and the "
        "senior US representative of its post; 403 for others who may see the case, 404 for "
        "those who may not."
    ),
)
def reveal(request: HttpRequest, case_id: int, payload: RevealIn) -> Any:
    value = actions.reveal_subject_field(
        acting_user=request.user,
        case_id=case_id,
        field_name=payload.field,
        reason=payload.reason,
    )
    return {"field": payload.field, "value": value}
