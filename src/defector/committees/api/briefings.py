"""The briefing register (``7b``)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Status

from defector.committees import actions, queries
from defector.committees.api.committees import router
from defector.committees.schemas import BriefingIn, BriefingOut, RegisterEntryIn, RegisterEntryOut
from defector.core.schemas import CHANGE_ERRORS


def _register_row(row: queries.RegisterRow) -> dict[str, Any]:
    person = row.person
    return {
        "id": person.pk,
        "official": person.official,
        "name": str(person),
        "position": person.position,
        "position_detail": person.position_detail,
        "active": person.active,
        "listed_on": person.listed_on,
        "last_briefed_on": row.last.briefed_on if row.last else None,
        "last_briefed_by": row.last.briefed_by if row.last else None,
        "due_on": row.check.due_on,
        "overdue": row.check.overdue,
    }


@router.post(
    "/{committee_id}/briefing-register",
    response={201: RegisterEntryOut, **CHANGE_ERRORS},
    summary="List an official to be briefed (7b): the senior US representative",
    operation_id="defector_committees_api_add_to_register",
)
def add_to_register(request: HttpRequest, committee_id: int, payload: RegisterEntryIn) -> Any:
    person = actions.add_to_briefing_register(
        acting_user=request.user,
        committee_id=committee_id,
        official_id=payload.official_id,
        name=payload.name,
        position=payload.position,
        position_detail=payload.position_detail,
    )
    rows = queries.register_of(request.user, person.committee)
    return Status(201, _register_row(next(row for row in rows if row.person.pk == person.pk)))


@router.post(
    "/briefing-register/{person_id}/briefings",
    response={201: BriefingOut, **CHANGE_ERRORS},
    summary="Record a briefing (7b): the senior US representative",
    operation_id="defector_committees_api_record_briefing",
)
def record_briefing(request: HttpRequest, person_id: int, payload: BriefingIn) -> Any:
    briefing = actions.record_briefing(
        acting_user=request.user,
        person_id=person_id,
        briefed_on=payload.briefed_on,
        briefed_by_id=payload.briefed_by_id,
        topics=payload.topics,
    )
    return Status(201, briefing)
