"""Local Defector Committees (``6``): meetings and minutes (``6a``), local operating procedures
(``6b``), and the senior US representative's briefing register (``7b``) and guidance (``7c``).

A committee's members are not stored here: they are the officials holding the
``committee_member`` and ``committee_chair`` roles at its post (``directory.RoleAssignment``).
Only ``committees.actions`` writes these models; ``core.access`` decides who sees them.
Everything here names cases by cryptonym only.
"""

from __future__ import annotations

from defector.committees.models.briefings import BriefedOfficial, Briefing
from defector.committees.models.committees import CRYPTONYMS_ONLY, Committee
from defector.committees.models.guidance import Acknowledgement, GuidanceDocument, GuidanceVersion
from defector.committees.models.meetings import AgendaItem, Attendance, Meeting, MeetingInvitation
from defector.committees.models.minutes import Minutes
from defector.committees.models.procedures import ProceduresVersion

__all__ = [
    "CRYPTONYMS_ONLY",
    "Acknowledgement",
    "AgendaItem",
    "Attendance",
    "BriefedOfficial",
    "Briefing",
    "Committee",
    "GuidanceDocument",
    "GuidanceVersion",
    "Meeting",
    "MeetingInvitation",
    "Minutes",
    "ProceduresVersion",
]
