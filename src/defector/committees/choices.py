"""Choices of the committees app: meeting, attendance, minutes and procedures states, where an
agenda item comes from, and the positions of officials in the briefing register (``7b``)."""

from __future__ import annotations

from typing import Final

from django.db import models

from defector.directory.choices import Role


class MeetingStatus(models.TextChoices):
    SCHEDULED = "scheduled", "Scheduled"
    HELD = "held", "Held"
    CANCELLED = "cancelled", "Cancelled"


class AttendanceStatus(models.TextChoices):
    PRESENT = "present", "Present"
    ABSENT = "absent", "Absent"
    EXCUSED = "excused", "Excused"


class MinutesStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    APPROVED = "approved", "Approved by the chair"
    FORWARDED = "forwarded", "Forwarded to the IDC"


class AgendaSource(models.TextChoices):
    """Where an agenda item was drawn from."""

    CASE = "case", "Open case"
    PROBLEM = "problem", "Mutual problem (6c)"
    OBLIGATION = "obligation", "Due obligation"
    OTHER = "other", "Other business"


class ProceduresStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    EFFECTIVE = "effective", "Effective"
    SUPERSEDED = "superseded", "Superseded"


class BriefingPosition(models.TextChoices):
    """Officials not on the committee who are likely to meet disaffected persons (``7b``)."""

    CONSULAR_OFFICER = "consular_officer", "Consular officer"
    MARINE_SECURITY_GUARD = "marine_security_guard", "Marine security guard"
    REGIONAL_SECURITY_OFFICER = "regional_security_officer", "Regional security officer"
    DUTY_OFFICER = "duty_officer", "Embassy duty officer"
    RECEPTIONIST = "receptionist", "Receptionist or local guard supervisor"
    ATTACHE = "attache", "Attaché"
    OTHER = "other", "Other"


class AcknowledgedKind(models.TextChoices):
    """What an acknowledgement is of (``6e``)."""

    PROCEDURES = "procedures", "Local operating procedures (6b)"
    GUIDANCE = "guidance", "Policy guidance (7c)"


#: The committee's members, read from the directory (never stored twice).
MEMBER_ROLES: Final = (Role.COMMITTEE_CHAIR, Role.COMMITTEE_MEMBER)
#: Who may see a committee's content at its post (``6``, ``7``).
POST_VIEW_ROLES: Final = (
    Role.COMMITTEE_CHAIR,
    Role.COMMITTEE_MEMBER,
    Role.SENIOR_REPRESENTATIVE,
)
