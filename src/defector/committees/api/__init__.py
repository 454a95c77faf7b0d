"""The committees router, mounted at ``/api/v1/committees``: committees and their flags (``6``),
meetings, agenda, attendance, minutes and the iCalendar feed (``6a``), local operating
procedures (``6b``), acknowledgements (``6e``), the briefing register (``7b``) and guidance
(``7c``).

Thin: each endpoint calls one action or query. What the caller may not see answers 404,
exactly as what does not exist.
"""

from __future__ import annotations

# isort: off
# The operations register on one router in this order (the committees' own paths first).
from defector.committees.api.committees import (
    router,
    CALENDAR_DOC,
    list_committees,
    posts_without_committee,
    minutes_received,
    get_committee,
    committee_calendar,
)
from defector.committees.api.meetings import (
    list_meetings,
    schedule_meeting,
    get_meeting,
    reschedule_meeting,
    cancel_meeting,
    mark_held,
    meeting_ics,
    invite,
    draw_agenda,
    add_agenda_item,
    remove_agenda_item,
    record_attendance,
)
from defector.committees.api.minutes import (
    save_minutes,
    approve_minutes,
    forward_minutes,
    acknowledge_minutes,
)
from defector.committees.api.procedures import (
    list_procedures,
    create_procedures,
    get_procedures,
    update_procedures,
    approve_procedures,
    diff_procedures,
    acknowledge_procedures,
)
from defector.committees.api.briefings import add_to_register, record_briefing
from defector.committees.api.guidance import (
    senior_page,
    issue_guidance,
    get_guidance,
    acknowledge_guidance,
)
# isort: on

__all__ = [
    "CALENDAR_DOC",
    "acknowledge_guidance",
    "acknowledge_minutes",
    "acknowledge_procedures",
    "add_agenda_item",
    "add_to_register",
    "approve_minutes",
    "approve_procedures",
    "cancel_meeting",
    "committee_calendar",
    "create_procedures",
    "diff_procedures",
    "draw_agenda",
    "forward_minutes",
    "get_committee",
    "get_guidance",
    "get_meeting",
    "get_procedures",
    "invite",
    "issue_guidance",
    "list_committees",
    "list_meetings",
    "list_procedures",
    "mark_held",
    "meeting_ics",
    "minutes_received",
    "posts_without_committee",
    "record_attendance",
    "record_briefing",
    "remove_agenda_item",
    "reschedule_meeting",
    "router",
    "save_minutes",
    "schedule_meeting",
    "senior_page",
    "update_procedures",
]
