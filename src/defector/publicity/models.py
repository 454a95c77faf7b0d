"""Proposals for publicity or surfacing of a defector (``6f``, ``5a(5)``, ``5a(6)``).

The publicity app's helper grows this module (the sign-offs, the decision, the release); the
names below are what other apps read (``reports``: proposals awaiting decision).
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone

from defector.publicity.choices import ProposalStatus


class Proposal(models.Model):
    """The local committee's proposal to the IDC to publicise or surface a defector (``6f``)."""

    case = models.ForeignKey(
        "cases.Case",
        on_delete=models.CASCADE,
        related_name="publicity_proposals",
    )
    status = models.CharField(
        max_length=30,
        choices=ProposalStatus.choices,
        default=ProposalStatus.AWAITING_SIGN_OFFS,
    )
    proposed_at = models.DateTimeField(default=timezone.now)
    proposed_by = models.ForeignKey(
        "directory.Official",
        on_delete=models.PROTECT,
        related_name="+",
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-proposed_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=ProposalStatus.values),
                name="%(app_label)s_%(class)s_status_valid",
                violation_error_message="The status is not one of the choices.",
            ),
        ]

    def __str__(self) -> str:
        return f"Publicity proposal on {self.case.cryptonym}"
