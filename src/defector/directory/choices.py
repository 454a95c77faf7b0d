"""Choices of the directory: kinds of post and agency, and the roles of DESIGN.md."""

from __future__ import annotations

from typing import Final

from django.db import models


class PostKind(models.TextChoices):
    EMBASSY = "embassy", "Embassy"
    CONSULATE = "consulate", "Consulate"
    MISSION = "mission", "Mission"


class AgencyKind(models.TextChoices):
    AGENCY = "agency", "Agency"
    DEPARTMENT = "department", "Department"
    MILITARY_COMMAND = "military_command", "Military command"


class Role(models.TextChoices):
    """What an official does in the program; post roles are held at a post (``6``, ``7``)."""

    CASE_OFFICER = "case_officer", "Case officer"
    COMMITTEE_MEMBER = "committee_member", "Committee member"
    COMMITTEE_CHAIR = "committee_chair", "Committee chair"
    INVITED_REPRESENTATIVE = "invited_representative", "Invited representative"
    SENIOR_REPRESENTATIVE = "senior_representative", "Senior US Representative"
    IDC_MEMBER = "idc_member", "IDC member"
    DCI_DELEGATE = "dci_delegate", "DCI delegate"
    AUDITOR = "auditor", "Auditor"
    ADMINISTRATOR = "administrator", "Administrator"


#: Roles held at one post; the others are held in Washington or system-wide.
POST_ROLES = frozenset(
    {
        Role.CASE_OFFICER,
        Role.COMMITTEE_MEMBER,
        Role.COMMITTEE_CHAIR,
        Role.INVITED_REPRESENTATIVE,
        Role.SENIOR_REPRESENTATIVE,
    }
)
WASHINGTON_ROLES = frozenset({Role.IDC_MEMBER, Role.DCI_DELEGATE})
SYSTEM_ROLES = frozenset({Role.AUDITOR, Role.ADMINISTRATOR})

#: The directive's clauses behind each role (shown next to the role; DESIGN.md's table).
ROLE_CLAUSES: Final[dict[str, tuple[str, ...]]] = {
    Role.CASE_OFFICER: ("6b(1)", "6b(3)(b)", "6b(3)(c)"),
    Role.COMMITTEE_MEMBER: ("6", "6e"),
    Role.COMMITTEE_CHAIR: ("6a", "6b"),
    Role.INVITED_REPRESENTATIVE: ("6",),
    Role.SENIOR_REPRESENTATIVE: ("7a", "7b", "7c", "6c"),
    Role.IDC_MEMBER: ("6a", "6c", "6d", "6f"),
    Role.DCI_DELEGATE: ("1", "3"),
    Role.AUDITOR: (),
    Role.ADMINISTRATOR: (),
}


def is_post_role(role: str) -> bool:
    """Whether ``role`` is held at a post (and so needs one)."""
    return role in POST_ROLES
