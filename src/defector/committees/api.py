"""The committees router, mounted at ``/api/v1/committees``: committees and their flags (``6``),
meetings, agenda, attendance, minutes and the iCalendar feed (``6a``), local operating
procedures (``6b``), acknowledgements (``6e``), the briefing register (``7b``) and guidance
(``7c``).

Thin: each endpoint calls one action or query. What the caller may not see answers 404,
exactly as what does not exist.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from ninja import Router, Status

from defector.committees import actions, ical, queries
from defector.committees.schemas import (
    AcknowledgementOut,
    AgendaItemIn,
    AgendaItemOut,
    AttendanceIn,
    BriefingIn,
    BriefingOut,
    CancelIn,
    CommitteeOut,
    CommitteeSummaryOut,
    DiffOut,
    GuidanceIn,
    GuidanceVersionOut,
    InvitationIn,
    InvitationOut,
    MeetingIn,
    MeetingOut,
    MeetingPatchIn,
    MeetingSummaryOut,
    MinutesIn,
    MinutesOut,
    MinutesReceivedOut,
    PostWithoutCommitteeOut,
    ProceduresIn,
    ProceduresOut,
    RegisterEntryIn,
    RegisterEntryOut,
    SeniorOut,
)
from defector.core.access import Action
from defector.core.errors import NotFound
from defector.core.schemas import ErrorOut

router = Router()

READ = {401: ErrorOut, 404: ErrorOut}
WRITE = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut}


# --- presenting (plain values for the schemas) -------------------------------------------------


def _summary(summary: queries.CommitteeSummary) -> dict[str, Any]:
    committee = summary.committee
    return {
        "id": committee.pk,
        "post": committee.post,
        "established_on": committee.established_on,
        "flags": summary.flags,
        "next_meeting": summary.next_meeting,
        "last_held": summary.last_held,
    }


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


def _calendar_response(text: str, filename: str = "", *, attachment: bool = False) -> HttpResponse:
    response = HttpResponse(text, content_type=ical.CONTENT_TYPE)
    if filename:
        disposition = "attachment" if attachment else "inline"
        response["Content-Disposition"] = f'{disposition}; filename="{filename}"'
    return response


CALENDAR_DOC = {
    "responses": {
        "200": {
            "description": "An iCalendar object (RFC 5545).",
            "content": {"text/calendar": {"schema": {"type": "string"}}},
        }
    }
}


# --- committees (6) --------------------------------------------------------------------------


@router.get(
    "",
    response={200: list[CommitteeSummaryOut], 401: ErrorOut},
    summary="The committees you may see, with their flags",
    description=(
        "Your posts' committees (members, chair, senior US representative), those with a "
        "meeting you are invited to, or every one (the IDC). Flags: a quarter without a held "
        "meeting and a quarter with none scheduled (6a), minutes overdue at the IDC (6a), no "
        "procedures in effect (6b), re-briefings due (7b)."
    ),
)
def list_committees(request: HttpRequest) -> Any:
    return [_summary(summary) for summary in queries.committee_summaries(request.user)]


@router.get(
    "/posts-without-committee",
    response={200: list[PostWithoutCommitteeOut], 401: ErrorOut},
    summary="Posts with diplomatic representation and no committee (6)",
    description="A flag for Washington; `defector committees ensure` creates the committees.",
)
def posts_without_committee(request: HttpRequest) -> Any:
    if not queries.is_idc(request.user):
        return []
    return list(queries.posts_without_committee())


@router.get(
    "/minutes-received",
    response={200: list[MinutesReceivedOut], 401: ErrorOut},
    summary="Minutes forwarded to the IDC (6a)",
    description="Those not yet acknowledged first. Empty for anyone but the IDC.",
)
def minutes_received(request: HttpRequest) -> Any:
    return [
        {"minutes": minutes, "meeting": minutes.meeting, "post": minutes.meeting.committee.post}
        for minutes in queries.minutes_received(request.user)
    ]


@router.get("/{committee_id}", response={200: CommitteeOut, **READ}, summary="One committee")
def get_committee(request: HttpRequest, committee_id: int) -> Any:
    committee = queries.access_committee(request.user, committee_id, Action.VIEW)
    seat = queries.seat_at(request.user, committee)
    members = [] if seat.invited_only else queries.members_of(committee)
    effective = None if seat.invited_only else queries.effective_procedures(committee)
    return {
        "id": committee.pk,
        "post": committee.post,
        "established_on": committee.established_on,
        "members": members,
        "senior_representatives": (
            []
            if seat.invited_only
            else queries.officials_with_role(committee, "senior_representative")
        ),
        "flags": [] if seat.invited_only else queries.committee_flags(committee),
        "meetings": list(queries.meetings_of(request.user, committee)),
        "procedures_in_effect": effective,
    }


@router.get(
    "/{committee_id}/calendar",
    response=READ,
    summary="The committee's meetings as an iCalendar feed (6a)",
    description=(
        "RFC 5545 `text/calendar`, one VEVENT per meeting you may see (invited "
        "representatives: theirs only), cancelled ones with STATUS:CANCELLED. Subscribe with "
        "an API token (`Authorization: Bearer ...`); the same feed is at "
        "`/committees/{id}/calendar.ics`."
    ),
    openapi_extra=CALENDAR_DOC,
)
def committee_calendar(request: HttpRequest, committee_id: int) -> Any:
    committee = queries.access_committee(request.user, committee_id, Action.VIEW)
    text = ical.committee_calendar(
        committee,
        queries.meetings_for_calendar(request.user, committee),
        stamp=timezone.now(),
        base_url=request.build_absolute_uri("/"),
    )
    return _calendar_response(text, f"committee-{committee.post.code.lower()}.ics")


# --- meetings (6a) ---------------------------------------------------------------------------


@router.get(
    "/{committee_id}/meetings",
    response={200: list[MeetingSummaryOut], **READ},
    summary="The committee's meetings you may see",
)
def list_meetings(request: HttpRequest, committee_id: int) -> Any:
    committee = queries.access_committee(request.user, committee_id, Action.VIEW)
    return list(queries.meetings_of(request.user, committee))


@router.post(
    "/{committee_id}/meetings",
    response={201: MeetingOut, **WRITE},
    summary="Schedule a meeting (6a): the chair",
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
    response={200: MeetingOut, **READ},
    summary="One meeting: agenda, attendance, invitations, minutes",
)
def get_meeting(request: HttpRequest, meeting_id: int) -> Any:
    return _view(request, meeting_id)


@router.patch(
    "/meetings/{meeting_id}",
    response={200: MeetingOut, **WRITE},
    summary="Move a scheduled meeting or change its place: the chair",
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
    response={200: MeetingOut, **WRITE},
    summary="Cancel a scheduled meeting: the chair",
)
def cancel_meeting(request: HttpRequest, meeting_id: int, payload: CancelIn) -> Any:
    actions.cancel_meeting(acting_user=request.user, meeting_id=meeting_id, reason=payload.reason)
    return _view(request, meeting_id)


@router.post(
    "/meetings/{meeting_id}/held",
    response={200: MeetingOut, **WRITE},
    summary="Record that the meeting was held: the chair",
)
def mark_held(request: HttpRequest, meeting_id: int) -> Any:
    actions.mark_meeting_held(acting_user=request.user, meeting_id=meeting_id)
    return _view(request, meeting_id)


@router.get(
    "/meetings/{meeting_id}/ics",
    response=READ,
    summary="One meeting as an iCalendar file",
    openapi_extra=CALENDAR_DOC,
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
    response={201: InvitationOut, **WRITE},
    summary="Invite a representative to this meeting only (6): the chair",
)
def invite(request: HttpRequest, meeting_id: int, payload: InvitationIn) -> Any:
    invitation = actions.invite_to_meeting(
        acting_user=request.user, meeting_id=meeting_id, official_id=payload.official_id
    )
    return Status(201, invitation)


@router.post(
    "/meetings/{meeting_id}/agenda/draw",
    response={200: list[AgendaItemOut], **WRITE},
    summary="Draw the agenda from the post's open cases, problems and due obligations",
    description="Adds what is not on the agenda yet; answers the items added.",
)
def draw_agenda(request: HttpRequest, meeting_id: int) -> Any:
    return actions.draw_agenda(acting_user=request.user, meeting_id=meeting_id)


@router.post(
    "/meetings/{meeting_id}/agenda",
    response={201: AgendaItemOut, **WRITE},
    summary="Add other business to the agenda (cryptonyms only)",
)
def add_agenda_item(request: HttpRequest, meeting_id: int, payload: AgendaItemIn) -> Any:
    item = actions.add_agenda_item(
        acting_user=request.user, meeting_id=meeting_id, title=payload.title, notes=payload.notes
    )
    return Status(201, item)


@router.api_operation(
    ["DELETE"],
    "/meetings/{meeting_id}/agenda/{item_id}",
    response={204: None, **WRITE},
    summary="Take an item off the agenda",
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
    response={200: MeetingOut, **WRITE},
    summary="Record attendance at a held meeting: the chair",
)
def record_attendance(request: HttpRequest, meeting_id: int, payload: AttendanceIn) -> Any:
    actions.record_attendance(
        acting_user=request.user,
        meeting_id=meeting_id,
        entries={entry.official_id: entry.status for entry in payload.entries},
    )
    return _view(request, meeting_id)


@router.put(
    "/meetings/{meeting_id}/minutes",
    response={200: MinutesOut, **WRITE},
    summary="Draft the minutes of a held meeting (cryptonyms only)",
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
    response={200: MinutesOut, **WRITE},
    summary="Approve the minutes: the chair",
)
def approve_minutes(request: HttpRequest, meeting_id: int) -> Any:
    return actions.approve_minutes(acting_user=request.user, meeting_id=meeting_id)


@router.post(
    "/meetings/{meeting_id}/minutes/forward",
    response={200: MinutesOut, **WRITE},
    summary="Forward the approved minutes to the IDC (6a): the chair",
)
def forward_minutes(request: HttpRequest, meeting_id: int) -> Any:
    return actions.forward_minutes(acting_user=request.user, meeting_id=meeting_id)


@router.post(
    "/meetings/{meeting_id}/minutes/acknowledge",
    response={200: MinutesOut, **WRITE},
    summary="Acknowledge receipt of forwarded minutes: the IDC",
)
def acknowledge_minutes(request: HttpRequest, meeting_id: int) -> Any:
    return actions.acknowledge_minutes_receipt(acting_user=request.user, meeting_id=meeting_id)


# --- local operating procedures (6b) ---------------------------------------------------------


@router.get(
    "/{committee_id}/procedures",
    response={200: list[ProceduresOut], **READ},
    summary="Every version of the local operating procedures, newest first",
)
def list_procedures(request: HttpRequest, committee_id: int) -> Any:
    committee = queries.access_committee(request.user, committee_id, Action.VIEW)
    return [_procedures(version) for version in queries.procedures_of(request.user, committee)]


def _clocks(payload: ProceduresIn) -> dict[str, Any] | None:
    if payload.clocks is None:
        return None
    return {k: v for k, v in payload.clocks.dict().items() if v is not None}


@router.post(
    "/{committee_id}/procedures",
    response={201: ProceduresOut, **WRITE},
    summary="Start a new draft of the procedures: the chair",
    description="What is not given is copied from the version in effect.",
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
    response={200: ProceduresOut, **READ},
    summary="One version of the procedures, with who has acknowledged it",
)
def get_procedures(request: HttpRequest, version_id: int) -> Any:
    return _procedures(queries.access_procedures(request.user, version_id))


@router.put(
    "/procedures/{version_id}",
    response={200: ProceduresOut, **WRITE},
    summary="Change a draft: the chair (withdraws the approvals recorded)",
    description="A section given with empty text is removed.",
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
    response={200: ProceduresOut, **WRITE},
    summary="Approve a draft: the chair or the senior US representative (6b)",
    description=(
        "422 `policy_refusal` naming each missing section's clause while one is missing. With "
        "both approvals the version takes effect and the previous one is superseded."
    ),
)
def approve_procedures(request: HttpRequest, version_id: int) -> Any:
    actions.approve_procedures(acting_user=request.user, version_id=version_id)
    return _procedures(queries.access_procedures(request.user, version_id))


@router.get(
    "/procedures/{version_id}/diff",
    response={200: DiffOut, **READ},
    summary="What a version changes from another (by default the one before it)",
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
    response={201: AcknowledgementOut, **WRITE},
    summary="Acknowledge the procedures in effect (6e): members",
)
def acknowledge_procedures(request: HttpRequest, version_id: int) -> Any:
    return Status(
        201, actions.acknowledge(acting_user=request.user, procedures_version_id=version_id)
    )


# --- the senior US representative (7a, 7b, 7c) ------------------------------------------------


@router.get(
    "/{committee_id}/senior",
    response={200: SeniorOut, **READ},
    summary="The senior US representative's page: 7a determinations, 7b register, 7c guidance",
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
    "/{committee_id}/briefing-register",
    response={201: RegisterEntryOut, **WRITE},
    summary="List an official to be briefed (7b): the senior US representative",
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
    response={201: BriefingOut, **WRITE},
    summary="Record a briefing (7b): the senior US representative",
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


@router.post(
    "/{committee_id}/guidance",
    response={201: GuidanceVersionOut, **WRITE},
    summary="Issue policy guidance, or a new version of it (7c): the senior US representative",
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
    response={200: GuidanceVersionOut, **READ},
    summary="One version of guidance, with who has not yet acknowledged it",
)
def get_guidance(request: HttpRequest, version_id: int) -> Any:
    return _guidance(queries.access_guidance_version(request.user, version_id))


@router.post(
    "/guidance/{version_id}/acknowledge",
    response={201: AcknowledgementOut, **WRITE},
    summary="Acknowledge guidance (6e): members",
)
def acknowledge_guidance(request: HttpRequest, version_id: int) -> Any:
    return Status(
        201, actions.acknowledge(acting_user=request.user, guidance_version_id=version_id)
    )
