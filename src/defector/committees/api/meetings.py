"""Meetings (``6a``): scheduling, invitations, agenda and attendance."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja import Status

from defector.committees import actions, ical, queries
from defector.committees.api.committees import CALENDAR_DOC, _calendar_response, router
from defector.committees.schemas import (
    AgendaItemIn,
    AgendaItemOut,
    AttendanceIn,
    CancelIn,
    InvitationIn,
    InvitationOut,
    MeetingIn,
    MeetingOut,
    MeetingPatchIn,
    MeetingSummaryOut,
)
from defector.core.access import Action
from defector.core.errors import NotFound
from defector.core.pagination import paged
from defector.core.schemas import CHANGE_ERRORS, READ_ERRORS


def _meeting(view: queries.MeetingView) -> dict[str, Any]:
    meeting = view.meeting
    check = view.minutes_check
    return {
        "id": meeting.pk,
        "committee_id": meeting.committee_id,
        "post": view.committee.post,
        "starts_at": meeting.starts_at,
        "ends_at": meeting.ends_at,
        "place": meeting.place,
        "status": meeting.status,
        "sequence": meeting.sequence,
        "agenda": view.agenda,
        "attendance": view.attendance,
        "invitations": view.invitations,
        "minutes": view.minutes,
        "minutes_clock": (
            {
                "due_at": check.due_at,
                "overdue": check.overdue,
                "late": check.late,
                "reason": check.decision.reason,
            }
            if check is not None
            else None
        ),
    }


@router.get(
    "/{committee_id}/meetings",
    response={200: list[MeetingSummaryOut], **READ_ERRORS},
    summary="The committee's meetings you may see",
    operation_id="defector_committees_api_list_meetings",
)
@paged
def list_meetings(request: HttpRequest, committee_id: int) -> Any:
    committee = queries.access_committee(request.user, committee_id, Action.VIEW)
    return queries.meetings_of(request.user, committee)


@router.post(
    "/{committee_id}/meetings",
    response={201: MeetingOut, **CHANGE_ERRORS},
    summary="Schedule a meeting (6a): the chair",
    operation_id="defector_committees_api_schedule_meeting",
)
def schedule_meeting(request: HttpRequest, committee_id: int, payload: MeetingIn) -> Any:
    meeting = actions.schedule_meeting(
        acting_user=request.user,
        committee_id=committee_id,
        starts_at=payload.starts_at,
        ends_at=payload.ends_at,
        place=payload.place,
    )
    return Status(201, _meeting(queries.describe_meeting(request.user, meeting)))


def _view(request: HttpRequest, meeting_id: int) -> dict[str, Any]:
    meeting = queries.access_meeting(request.user, meeting_id, Action.VIEW)
    return _meeting(queries.describe_meeting(request.user, meeting))


@router.get(
    "/meetings/{meeting_id}",
    response={200: MeetingOut, **READ_ERRORS},
    summary="One meeting: agenda, attendance, invitations, minutes",
    operation_id="defector_committees_api_get_meeting",
)
def get_meeting(request: HttpRequest, meeting_id: int) -> Any:
    return _view(request, meeting_id)


@router.patch(
    "/meetings/{meeting_id}",
    response={200: MeetingOut, **CHANGE_ERRORS},
    summary="Move a scheduled meeting or change its place: the chair",
    operation_id="defector_committees_api_reschedule_meeting",
)
def reschedule_meeting(request: HttpRequest, meeting_id: int, payload: MeetingPatchIn) -> Any:
    actions.reschedule_meeting(
        acting_user=request.user,
        meeting_id=meeting_id,
        starts_at=payload.starts_at,
        ends_at=payload.ends_at,
        place=payload.place,
    )
    return _view(request, meeting_id)


@router.post(
    "/meetings/{meeting_id}/cancel",
    response={200: MeetingOut, **CHANGE_ERRORS},
    summary="Cancel a scheduled meeting: the chair",
    operation_id="defector_committees_api_cancel_meeting",
)
def cancel_meeting(request: HttpRequest, meeting_id: int, payload: CancelIn) -> Any:
    actions.cancel_meeting(acting_user=request.user, meeting_id=meeting_id, reason=payload.reason)
    return _view(request, meeting_id)


@router.post(
    "/meetings/{meeting_id}/held",
    response={200: MeetingOut, **CHANGE_ERRORS},
    summary="Record that the meeting was held: the chair",
    operation_id="defector_committees_api_mark_held",
)
def mark_held(request: HttpRequest, meeting_id: int) -> Any:
    actions.mark_meeting_held(acting_user=request.user, meeting_id=meeting_id)
    return _view(request, meeting_id)


@router.get(
    "/meetings/{meeting_id}/ics",
    response=READ_ERRORS,
    summary="One meeting as an iCalendar file",
    openapi_extra=CALENDAR_DOC,
    operation_id="defector_committees_api_meeting_ics",
)
def meeting_ics(request: HttpRequest, meeting_id: int) -> Any:
    meeting = queries.access_meeting(request.user, meeting_id, Action.VIEW)
    text = ical.calendar(
        [meeting],
        stamp=timezone.now(),
        name=str(meeting.committee),
        base_url=request.build_absolute_uri("/"),
    )
    return _calendar_response(text, ical.meeting_filename(meeting), attachment=True)


@router.post(
    "/meetings/{meeting_id}/invitations",
    response={201: InvitationOut, **CHANGE_ERRORS},
    summary="Invite a representative to this meeting only (6): the chair",
    operation_id="defector_committees_api_invite",
)
def invite(request: HttpRequest, meeting_id: int, payload: InvitationIn) -> Any:
    invitation = actions.invite_to_meeting(
        acting_user=request.user, meeting_id=meeting_id, official_id=payload.official_id
    )
    return Status(201, invitation)


@router.post(
    "/meetings/{meeting_id}/agenda/draw",
    response={200: list[AgendaItemOut], **CHANGE_ERRORS},
    summary="Draw the agenda from the post's open cases, problems and due obligations",
    description="Adds what is not on the agenda yet; answers the items added.",
    operation_id="defector_committees_api_draw_agenda",
)
def draw_agenda(request: HttpRequest, meeting_id: int) -> Any:
    return actions.draw_agenda(acting_user=request.user, meeting_id=meeting_id)


@router.post(
    "/meetings/{meeting_id}/agenda",
    response={201: AgendaItemOut, **CHANGE_ERRORS},
    summary="Add other business to the agenda (cryptonyms only)",
    operation_id="defector_committees_api_add_agenda_item",
)
def add_agenda_item(request: HttpRequest, meeting_id: int, payload: AgendaItemIn) -> Any:
    item = actions.add_agenda_item(
        acting_user=request.user, meeting_id=meeting_id, title=payload.title, notes=payload.notes
    )
    return Status(201, item)


@router.api_operation(
    ["DELETE"],
    "/meetings/{meeting_id}/agenda/{item_id}",
    response={204: None, **CHANGE_ERRORS},
    summary="Take an item off the agenda",
    operation_id="defector_committees_api_remove_agenda_item",
)
def remove_agenda_item(request: HttpRequest, meeting_id: int, item_id: int) -> Any:
    meeting = queries.access_meeting(request.user, meeting_id, Action.VIEW)
    if not any(
        item.pk == item_id for item in queries.describe_meeting(request.user, meeting).agenda
    ):
        raise NotFound("no such agenda item")
    actions.remove_agenda_item(acting_user=request.user, item_id=item_id)
    return Status(204, None)


@router.put(
    "/meetings/{meeting_id}/attendance",
    response={200: MeetingOut, **CHANGE_ERRORS},
    summary="Record attendance at a held meeting: the chair",
    operation_id="defector_committees_api_record_attendance",
)
def record_attendance(request: HttpRequest, meeting_id: int, payload: AttendanceIn) -> Any:
    actions.record_attendance(
        acting_user=request.user,
        meeting_id=meeting_id,
        entries={entry.official_id: entry.status for entry in payload.entries},
    )
    return _view(request, meeting_id)
