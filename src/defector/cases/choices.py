"""Choices of the cases app: how a case came in, and who may open one."""

from __future__ import annotations

from typing import Final

from django.db import models

from defector.directory.choices import Role


class IntakeKind(models.TextChoices):
    """How the person came to the program's attention."""

    WALK_IN = "walk_in", "Walk-in"
    POTENTIAL_DEFECTOR = "potential_defector", "Potential defector reported by an official"
    DISAFFECTED_PERSON = "disaffected_person", "Disaffected person reported by an official"


#: The clause defining each kind of person taken in; their reception is ``6b(1)``'s.
INTAKE_CLAUSE: Final[dict[str, str]] = {
    IntakeKind.WALK_IN: "2e",
    IntakeKind.POTENTIAL_DEFECTOR: "2c",
    IntakeKind.DISAFFECTED_PERSON: "2d",
}

#: Who may open a case at a post: the officials of that post who handle walk-ins there
#: (``6b(1)``): its case officers, its committee and its senior US representative.
OPENING_ROLES: Final[tuple[str, ...]] = (
    Role.CASE_OFFICER,
    Role.COMMITTEE_MEMBER,
    Role.COMMITTEE_CHAIR,
    Role.SENIOR_REPRESENTATIVE,
)

#: The subject's sealed fields, in the order forms and pages show them, with their labels.
IDENTITY_FIELDS: Final[dict[str, str]] = {
    "true_name": "True name",
    "aliases": "Aliases",
    "birth_date": "Date of birth",
    "birth_place": "Place of birth",
    "identity_documents": "Identity documents",
}
