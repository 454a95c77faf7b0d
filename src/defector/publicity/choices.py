"""Choices of the publicity app."""

from __future__ import annotations

from typing import Final

from django.db import models


class ProposalStatus(models.TextChoices):
    """Where a proposal for publicity stands (``6f``)."""

    AWAITING_SIGN_OFFS = "awaiting_sign_offs", "Awaiting the sign-offs of State and USIA"
    AWAITING_DECISION = "awaiting_decision", "Awaiting the IDC's decision"
    APPROVED = "approved", "Approved by the IDC"
    REJECTED = "rejected", "Rejected by the IDC"
    RELEASED = "released", "Released"
    WITHDRAWN = "withdrawn", "Withdrawn"


#: The statuses of a proposal still before Washington (shown as "awaiting decision" counts).
PENDING: Final[tuple[str, ...]] = (
    ProposalStatus.AWAITING_SIGN_OFFS,
    ProposalStatus.AWAITING_DECISION,
)


class Channel(models.TextChoices):
    """The channels a publicity or surfacing may use (``6f``); "other" is said in words."""

    PRESS = "press", "Press conference or statement to the press"
    BROADCAST = "broadcast", "Radio or television broadcast"
    TESTIMONY = "testimony", "Congressional testimony"
    BOOK = "book", "Book or article"
    USIA_MEDIA = "usia_media", "USIA publications and broadcasts"
    OTHER = "other", "Other"


class SigningAgency(models.TextChoices):
    """The agencies with which overt publicity is coordinated (``5a(6)``), by directory code."""

    STATE = "STATE", "Department of State"
    USIA = "USIA", "United States Information Agency"


class Position(models.TextChoices):
    """An agency's sign-off (``5a(6)``)."""

    APPROVE = "approve", "Approves"
    OBJECT = "object", "Objects"


class Outcome(models.TextChoices):
    """The IDC's decision on a proposal (``6f``)."""

    APPROVE = "approve", "Approved"
    REJECT = "reject", "Rejected"


#: The clause of a proposal for publicity or surfacing, shown with its notices and pages.
PROPOSAL_CLAUSE: Final = "6f"
#: The longest text of a proposal's fields, and of a short one (a channel named in words).
TEXT_MAX_LENGTH: Final = 4000
SHORT_MAX_LENGTH: Final = 200
