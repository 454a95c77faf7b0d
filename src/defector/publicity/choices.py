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
