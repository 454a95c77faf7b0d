"""The committees API (``/api/v1/committees``): the router, the committees (``6``) and their
calendar feed; the other modules of this package add their operations to the same router."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from ninja import Router

from defector.committees import ical, queries
from defector.committees.schemas import (
    CommitteeOut,
    CommitteeSummaryOut,
    MinutesReceivedOut,
    PostWithoutCommitteeOut,
)
from defector.core.access import Action
from defector.core.pagination import paged
from defector.core.schemas import READ_ERRORS, ErrorOut

router = Router()


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
    operation_id="defector_committees_api_list_committees",
)
@paged
def list_committees(request: HttpRequest) -> Any:
    return [_summary(summary) for summary in queries.committee_summaries(request.user)]


@router.get(
    "/posts-without-committee",
    response={200: list[PostWithoutCommitteeOut], 401: ErrorOut},
    summary="Posts with diplomatic representation and no committee (6)",
    description="A flag for Washington; `defector committees ensure` creates the committees.",
    operation_id="defector_committees_api_posts_without_committee",
)
@paged
def posts_without_committee(request: HttpRequest) -> Any:
    if not queries.is_idc(request.user):
        return []
    return list(queries.posts_without_committee())


@router.get(
    "/minutes-received",
    response={200: list[MinutesReceivedOut], 401: ErrorOut},
    summary="Minutes forwarded to the IDC (6a)",
    description="Those not yet acknowledged first. Empty for anyone but the IDC.",
    operation_id="defector_committees_api_minutes_received",
)
@paged
def minutes_received(request: HttpRequest) -> Any:
    return [
        {"minutes": minutes, "meeting": minutes.meeting, "post": minutes.meeting.committee.post}
        for minutes in queries.minutes_received(request.user)
    ]


@router.get(
    "/{committee_id}",
    response={200: CommitteeOut, **READ_ERRORS},
    summary="One committee",
    operation_id="defector_committees_api_get_committee",
)
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
    response=READ_ERRORS,
    summary="The committee's meetings as an iCalendar feed (6a)",
    description=(
        "RFC 5545 `text/calendar`, one VEVENT per meeting you may see (invited "
        "representatives: theirs only), cancelled ones with STATUS:CANCELLED. Subscribe with "
        "an API token (`Authorization: Bearer ...`); the same feed is at "
        "`/committees/{id}/calendar.ics`."
    ),
    openapi_extra=CALENDAR_DOC,
    operation_id="defector_committees_api_committee_calendar",
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
