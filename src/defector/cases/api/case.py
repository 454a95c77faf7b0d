"""One case: its record (with the version as its ``ETag``), its assessments, its facts, its
stage, its timeline, and a reveal of a sealed field of its subject.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse

from defector.cases import actions, queries
from defector.cases.api.common import (
    assessment_out,
    case_out,
    entry_out,
    expected_version,
    record_out,
    router,
    trusted_answer,
    with_etag,
)
from defector.cases.schemas import (
    AssessmentOut,
    CaseOut,
    CaseRecordOut,
    FactsIn,
    RevealIn,
    RevealOut,
    TimelineEntryOut,
    TransitionIn,
)
from defector.core import idempotency
from defector.core.pagination import paged
from defector.core.schemas import CHANGE_ERRORS, READ_ERRORS, ErrorOut


@router.get(
    "/{case_id}",
    operation_id="defector_cases_api_get_case",
    response={200: CaseRecordOut, **READ_ERRORS},
    summary="One case, with its latest assessment, obligations and timeline",
    description=(
        "The subject's identity is listed as recorded or not; never its values. The `ETag` "
        "is the case's version: send it back as `If-Match` with a change."
    ),
)
def get_case(request: HttpRequest, case_id: int, response: HttpResponse) -> Any:
    record = record_out(request, case_id)
    with_etag(response, record["version"])
    return trusted_answer(request, response, record)


@router.get(
    "/{case_id}/assessments",
    operation_id="defector_cases_api_list_assessments",
    response={200: list[AssessmentOut], **READ_ERRORS},
    summary="Every assessment of the case's facts, newest first",
)
@paged
def list_assessments(request: HttpRequest, case_id: int) -> Any:
    case = queries.case_detail(request.user, case_id)
    return [assessment_out(view) for view in queries.assessments_of(request.user, case)]


@router.put(
    "/{case_id}/facts",
    operation_id="defector_cases_api_put_facts",
    response={200: AssessmentOut, **CHANGE_ERRORS},
    summary="Replace the case's facts; they are assessed again",
    description=(
        "The whole facts object of the contract (`as_of` defaults to today). Adds an "
        "assessment (the earlier ones are kept), opens the obligations that now arise and "
        "marks the open ones that no longer do. Unchanged facts add nothing."
    ),
)
def put_facts(request: HttpRequest, case_id: int, payload: FactsIn) -> Any:
    actions.update_facts(
        acting_user=request.user,
        case_id=case_id,
        expected_version=expected_version(request, payload.version),
        facts=payload.facts,
    )
    case = queries.case_detail(request.user, case_id)
    latest = queries.latest_assessment(request.user, case)
    return assessment_out(latest) if latest is not None else None


@router.post(
    "/{case_id}/transitions",
    operation_id="defector_cases_api_transition",
    response={200: CaseOut, **CHANGE_ERRORS},
    summary="Move the case to another stage; close it; reopen it",
    description=(
        "reception → assessment → determination → exploitation → resettlement → closed. "
        "Closing needs an `outcome` that fits the stage; going back to assessment and "
        "reopening (closed → assessment) need a `reason`. An illegal move answers 422 naming "
        "both stages and the stages that may follow."
    ),
)
def transition(request: HttpRequest, case_id: int, payload: TransitionIn) -> Any:
    actions.move_case(
        acting_user=request.user,
        case_id=case_id,
        expected_version=expected_version(request, payload.version),
        to=payload.to,
        outcome=payload.outcome,
        reason=payload.reason,
    )
    return case_out(queries.describe(request.user, queries.case_detail(request.user, case_id)))


@router.get(
    "/{case_id}/timeline",
    operation_id="defector_cases_api_timeline",
    response={200: list[TimelineEntryOut], **READ_ERRORS},
    summary="Everything that happened on the case, oldest first",
)
@paged
def timeline(request: HttpRequest, case_id: int) -> Any:
    case = queries.case_detail(request.user, case_id)
    return [entry_out(entry) for entry in queries.timeline_of(request.user, case)]


@router.post(
    "/{case_id}/reveal",
    operation_id="defector_cases_api_reveal",
    response={200: RevealOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
    summary="Reveal one sealed field of the subject",
    description=(
        "Needs a reason of at least 10 characters; the reveal and its reason are recorded in "
        "the audit log. Allowed to the case's assigned officers, the committee chair and the "
        "senior US representative of its post; 403 for others who may see the case, 404 for "
        "those who may not."
    ),
)
@idempotency.exempt  # every reveal is audited and answered from the sealed value as it is
def reveal(request: HttpRequest, case_id: int, payload: RevealIn) -> Any:
    value = actions.reveal_subject_field(
        acting_user=request.user,
        case_id=case_id,
        field_name=payload.field,
        reason=payload.reason,
    )
    return {"field": payload.field, "value": value}
