"""Minutes (``6a``): written, approved, forwarded to the IDC and received there."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from defector.committees import actions
from defector.committees.api.committees import router
from defector.committees.schemas import MinutesIn, MinutesOut
from defector.core.schemas import CHANGE_ERRORS


@router.put(
    "/meetings/{meeting_id}/minutes",
    response={200: MinutesOut, **CHANGE_ERRORS},
    summary="Draft the minutes of a held meeting (cryptonyms only)",
    operation_id="defector_committees_api_save_minutes",
)
def save_minutes(request: HttpRequest, meeting_id: int, payload: MinutesIn) -> Any:
    return actions.save_minutes(
        acting_user=request.user,
        meeting_id=meeting_id,
        text=payload.text,
        version=payload.version,
    )


@router.post(
    "/meetings/{meeting_id}/minutes/approve",
    response={200: MinutesOut, **CHANGE_ERRORS},
    summary="Approve the minutes: the chair",
    operation_id="defector_committees_api_approve_minutes",
)
def approve_minutes(request: HttpRequest, meeting_id: int) -> Any:
    return actions.approve_minutes(acting_user=request.user, meeting_id=meeting_id)


@router.post(
    "/meetings/{meeting_id}/minutes/forward",
    response={200: MinutesOut, **CHANGE_ERRORS},
    summary="Forward the approved minutes to the IDC (6a): the chair",
    operation_id="defector_committees_api_forward_minutes",
)
def forward_minutes(request: HttpRequest, meeting_id: int) -> Any:
    return actions.forward_minutes(acting_user=request.user, meeting_id=meeting_id)


@router.post(
    "/meetings/{meeting_id}/minutes/acknowledge",
    response={200: MinutesOut, **CHANGE_ERRORS},
    summary="Acknowledge receipt of forwarded minutes: the IDC",
    operation_id="defector_committees_api_acknowledge_minutes",
)
def acknowledge_minutes(request: HttpRequest, meeting_id: int) -> Any:
    return actions.acknowledge_minutes_receipt(acting_user=request.user, meeting_id=meeting_id)
