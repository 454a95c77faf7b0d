"""The senior US representative's page (``7a``, ``7b``, ``7c``), and policy guidance
(``7c``) with its acknowledgements (``6e``)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Status

from defector.committees import actions, queries
from defector.committees.api.briefings import _register_row
from defector.committees.api.committees import router
from defector.committees.schemas import (
    AcknowledgementOut,
    GuidanceIn,
    GuidanceVersionOut,
    SeniorOut,
)
from defector.core.access import Action
from defector.core.errors import NotFound
from defector.core.schemas import CHANGE_ERRORS, READ_ERRORS


def _guidance(version: Any) -> dict[str, Any]:
    status = queries.acknowledgement_status(version.document.committee, guidance_version=version)
    return {
        "id": version.pk,
        "document_id": version.document_id,
        "number": version.number,
        "title": version.title,
        "body": version.body,
        "issued_by": version.issued_by,
        "issued_at": version.issued_at,
        "acknowledged": status.acknowledged,
        "not_acknowledged": status.outstanding,
    }


@router.get(
    "/{committee_id}/senior",
    response={200: SeniorOut, **READ_ERRORS},
    summary="The senior US representative's page: 7a determinations, 7b register, 7c guidance",
    operation_id="defector_committees_api_senior_page",
)
def senior_page(request: HttpRequest, committee_id: int) -> Any:
    committee = queries.access_committee(request.user, committee_id, Action.VIEW)
    if queries.seat_at(request.user, committee).invited_only:
        raise NotFound("no such committee")
    found = queries.determinations_for(request.user, committee)
    return {
        "committee_id": committee.pk,
        "determinations": (
            {"kind": found.kind, "items": [str(item) for item in found.items]} if found else None
        ),
        "briefing_register": [
            _register_row(row) for row in queries.register_of(request.user, committee)
        ],
        "guidance": [
            _guidance(view.latest) for view in queries.guidance_of(request.user, committee)
        ],
    }


@router.post(
    "/{committee_id}/guidance",
    response={201: GuidanceVersionOut, **CHANGE_ERRORS},
    summary="Issue policy guidance, or a new version of it (7c): the senior US representative",
    operation_id="defector_committees_api_issue_guidance",
)
def issue_guidance(request: HttpRequest, committee_id: int, payload: GuidanceIn) -> Any:
    if payload.document_id is not None:
        document = queries.access_guidance_document(request.user, payload.document_id)
        if document.committee_id != committee_id:
            raise NotFound("no such guidance")
    version = actions.issue_guidance(
        acting_user=request.user,
        committee_id=committee_id,
        document_id=payload.document_id,
        title=payload.title,
        body=payload.body,
    )
    return Status(201, _guidance(queries.access_guidance_version(request.user, version.pk)))


@router.get(
    "/guidance/{version_id}",
    response={200: GuidanceVersionOut, **READ_ERRORS},
    summary="One version of guidance, with who has not yet acknowledged it",
    operation_id="defector_committees_api_get_guidance",
)
def get_guidance(request: HttpRequest, version_id: int) -> Any:
    return _guidance(queries.access_guidance_version(request.user, version_id))


@router.post(
    "/guidance/{version_id}/acknowledge",
    response={201: AcknowledgementOut, **CHANGE_ERRORS},
    summary="Acknowledge guidance (6e): members",
    operation_id="defector_committees_api_acknowledge_guidance",
)
def acknowledge_guidance(request: HttpRequest, version_id: int) -> Any:
    return Status(
        201, actions.acknowledge(acting_user=request.user, guidance_version_id=version_id)
    )
