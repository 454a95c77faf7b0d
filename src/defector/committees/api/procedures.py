"""Local operating procedures (``6b``): drafts, approvals, differences, acknowledgements."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Status

from defector.committees import actions, queries
from defector.committees.api.committees import router
from defector.committees.schemas import AcknowledgementOut, DiffOut, ProceduresIn, ProceduresOut
from defector.core.access import Action
from defector.core.errors import NotFound
from defector.core.pagination import paged
from defector.core.schemas import CHANGE_ERRORS, READ_ERRORS


def _procedures(version: Any) -> dict[str, Any]:
    status = queries.acknowledgement_status(version.committee, procedures_version=version)
    sections = queries.sections_of(version)
    return {
        "id": version.pk,
        "committee_id": version.committee_id,
        "number": version.number,
        "status": version.status,
        "note": version.note,
        "sections": sections,
        "missing_sections": [section.key for section in sections if not section.written],
        "clocks": version.clocks(),
        "chair_approved_by": version.chair_approved_by,
        "chair_approved_at": version.chair_approved_at,
        "senior_approved_by": version.senior_approved_by,
        "senior_approved_at": version.senior_approved_at,
        "effective_at": version.effective_at,
        "superseded_at": version.superseded_at,
        "acknowledged": status.acknowledged,
        "not_acknowledged": status.outstanding if version.status == "effective" else [],
    }


@router.get(
    "/{committee_id}/procedures",
    response={200: list[ProceduresOut], **READ_ERRORS},
    summary="Every version of the local operating procedures, newest first",
    operation_id="defector_committees_api_list_procedures",
)
@paged
def list_procedures(request: HttpRequest, committee_id: int) -> Any:
    committee = queries.access_committee(request.user, committee_id, Action.VIEW)
    return [_procedures(version) for version in queries.procedures_of(request.user, committee)]


def _clocks(payload: ProceduresIn) -> dict[str, Any] | None:
    if payload.clocks is None:
        return None
    return {k: v for k, v in payload.clocks.dict().items() if v is not None}


@router.post(
    "/{committee_id}/procedures",
    response={201: ProceduresOut, **CHANGE_ERRORS},
    summary="Start a new draft of the procedures: the chair",
    description="What is not given is copied from the version in effect.",
    operation_id="defector_committees_api_create_procedures",
)
def create_procedures(request: HttpRequest, committee_id: int, payload: ProceduresIn) -> Any:
    version = actions.create_procedures_draft(
        acting_user=request.user,
        committee_id=committee_id,
        sections=payload.sections,
        clocks=_clocks(payload),
        note=payload.note or "",
    )
    return Status(201, _procedures(queries.access_procedures(request.user, version.pk)))


@router.get(
    "/procedures/{version_id}",
    response={200: ProceduresOut, **READ_ERRORS},
    summary="One version of the procedures, with who has acknowledged it",
    operation_id="defector_committees_api_get_procedures",
)
def get_procedures(request: HttpRequest, version_id: int) -> Any:
    return _procedures(queries.access_procedures(request.user, version_id))


@router.put(
    "/procedures/{version_id}",
    response={200: ProceduresOut, **CHANGE_ERRORS},
    summary="Change a draft: the chair (withdraws the approvals recorded)",
    description="A section given with empty text is removed.",
    operation_id="defector_committees_api_update_procedures",
)
def update_procedures(request: HttpRequest, version_id: int, payload: ProceduresIn) -> Any:
    actions.update_procedures_draft(
        acting_user=request.user,
        version_id=version_id,
        sections=payload.sections,
        clocks=_clocks(payload),
        note=payload.note,
    )
    return _procedures(queries.access_procedures(request.user, version_id))


@router.post(
    "/procedures/{version_id}/approve",
    response={200: ProceduresOut, **CHANGE_ERRORS},
    summary="Approve a draft: the chair or the senior US representative (6b)",
    description=(
        "422 `policy_refusal` naming each missing section's clause while one is missing. With "
        "both approvals the version takes effect and the previous one is superseded."
    ),
    operation_id="defector_committees_api_approve_procedures",
)
def approve_procedures(request: HttpRequest, version_id: int) -> Any:
    actions.approve_procedures(acting_user=request.user, version_id=version_id)
    return _procedures(queries.access_procedures(request.user, version_id))


@router.get(
    "/procedures/{version_id}/diff",
    response={200: DiffOut, **READ_ERRORS},
    summary="What a version changes from another (by default the one before it)",
    operation_id="defector_committees_api_diff_procedures",
)
def diff_procedures(request: HttpRequest, version_id: int, against: int | None = None) -> Any:
    new = queries.access_procedures(request.user, version_id)
    old = (
        queries.access_procedures(request.user, against)
        if against is not None
        else queries.previous_version(new)
    )
    if old is None or old.committee_id != new.committee_id:
        raise NotFound("no earlier version to compare with")
    return {
        "old_id": old.pk,
        "old_number": old.number,
        "new_id": new.pk,
        "new_number": new.number,
        "sections": queries.procedures_diff(old, new),
    }


@router.post(
    "/procedures/{version_id}/acknowledge",
    response={201: AcknowledgementOut, **CHANGE_ERRORS},
    summary="Acknowledge the procedures in effect (6e): members",
    operation_id="defector_committees_api_acknowledge_procedures",
)
def acknowledge_procedures(request: HttpRequest, version_id: int) -> Any:
    return Status(
        201, actions.acknowledge(acting_user=request.user, procedures_version_id=version_id)
    )
