"""Writes of the committees app: committees (``6``), meetings, agenda, attendance and minutes
(``6a``), local operating procedures (``6b``), acknowledgements (``6e``), the briefing
register (``7b``) and policy guidance (``7c``).

Each action takes a keyword-only ``acting_user``, runs in one transaction, validates its input
first (every bad field named, nothing partial saved), checks access through ``core.access`` (a
committee or meeting the user may not see is :class:`NotFound`, as if it did not exist; one
they see but may not change this way is :class:`PermissionDenied`, citing the clause that
gives the step to someone else), and writes its audit record in the same transaction.
Signals for other apps (``committees.signals``) go out after the commit.
"""

from __future__ import annotations

from defector.committees.actions.briefings import (
    add_to_briefing_register,
    record_briefing,
    set_register_entry_active,
)
from defector.committees.actions.committees import (
    CONTROL,
    OPERATOR,
    TEXT_MAX,
    TITLE_MAX,
    Errors,
    ensure_committee,
    ensure_committees,
)
from defector.committees.actions.guidance import acknowledge, issue_guidance
from defector.committees.actions.meetings import (
    MEETING_FIELDS,
    MEETING_MAX,
    PLACE_MAX,
    add_agenda_item,
    cancel_meeting,
    draw_agenda,
    invite_to_meeting,
    mark_meeting_held,
    record_attendance,
    remove_agenda_item,
    reschedule_meeting,
    schedule_meeting,
)
from defector.committees.actions.minutes import (
    MINUTES_FIELDS,
    acknowledge_minutes_receipt,
    approve_minutes,
    forward_minutes,
    save_minutes,
)
from defector.committees.actions.procedures import (
    PROCEDURES_FIELDS,
    SECTION_MAX,
    approve_procedures,
    create_procedures_draft,
    update_procedures_draft,
)

__all__ = [
    "CONTROL",
    "MEETING_FIELDS",
    "MEETING_MAX",
    "MINUTES_FIELDS",
    "OPERATOR",
    "PLACE_MAX",
    "PROCEDURES_FIELDS",
    "SECTION_MAX",
    "TEXT_MAX",
    "TITLE_MAX",
    "Errors",
    "acknowledge",
    "acknowledge_minutes_receipt",
    "add_agenda_item",
    "add_to_briefing_register",
    "approve_minutes",
    "approve_procedures",
    "cancel_meeting",
    "create_procedures_draft",
    "draw_agenda",
    "ensure_committee",
    "ensure_committees",
    "forward_minutes",
    "invite_to_meeting",
    "issue_guidance",
    "mark_meeting_held",
    "record_attendance",
    "record_briefing",
    "remove_agenda_item",
    "reschedule_meeting",
    "save_minutes",
    "schedule_meeting",
    "set_register_entry_active",
    "update_procedures_draft",
]
