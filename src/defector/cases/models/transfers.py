"""Moves of a case between posts, or to Washington (exfiltration, resettlement).

A :class:`CaseTransfer` is proposed by the side that holds the case and takes effect when the
receiving side accepts it (``policy.gates.transfers``); the case's post (or its custody in
Washington) changes then, and its history — timeline, audit, every record — stays with it.
An empty ``from_post``/``to_post`` means Washington (the IDC's custody), as an official with
no post serves in Washington.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q

from defector.cases.choices import TransferKind, TransferStatus
from defector.cases.models.intake import Case
from defector.policy.gates import transfers as gate


class CaseTransfer(models.Model):
    """A move of a case to another post or to Washington, with the receiving side's answer.

    Visible to those who see the case, and to the receiving side (its post's committee and
    senior US representative, or the IDC) cleared for the case (``cases.access``)."""

    case = models.ForeignKey(
        Case,
        on_delete=models.CASCADE,
        related_name="transfers",
    )
    kind = models.CharField(
        max_length=20,
        choices=TransferKind.choices,
    )
    from_post = models.ForeignKey(
        "directory.Post",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="transfers_out",
        help_text="The sending post; empty: Washington.",
    )
    to_post = models.ForeignKey(
        "directory.Post",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="transfers_in",
        help_text="The receiving post; empty: Washington (the IDC's custody).",
    )
    reason = models.TextField(
        help_text="Why the case moves. Not sealed: call the person by the cryptonym.",
    )
    status = models.CharField(
        max_length=20,
        choices=TransferStatus.choices,
        default=gate.PROPOSED,
    )
    proposed_at = models.DateTimeField()
    proposed_by = models.ForeignKey(
        "directory.Official",
        on_delete=models.PROTECT,
        related_name="transfers_proposed",
    )
    decided_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="When it was accepted, declined or cancelled.",
    )
    decided_by = models.ForeignKey(
        "directory.Official",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="transfers_decided",
    )
    note = models.TextField(
        blank=True,
        help_text="The receiving side's answer, or why it was cancelled.",
    )
    version = models.PositiveIntegerField(
        default=1,
        help_text="Raised by every change; a stale version is refused (409).",
    )

    class Meta:
        ordering = ["-proposed_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["case"],
                condition=Q(status=gate.PROPOSED),
                name="%(app_label)s_%(class)s_one_pending_per_case",
                violation_error_message="A move of this case is already proposed.",
            ),
            models.CheckConstraint(
                condition=Q(status__in=TransferStatus.values),
                name="%(app_label)s_%(class)s_status_valid",
                violation_error_message="The status is not one of a move's.",
            ),
            models.CheckConstraint(
                condition=Q(kind__in=TransferKind.values),
                name="%(app_label)s_%(class)s_kind_valid",
                violation_error_message="The kind is not one of a move's.",
            ),
        ]
        indexes = [
            models.Index(fields=["to_post", "status"], name="cases_transfer_receiving"),
        ]

    def __str__(self) -> str:
        return f"move of {self.case.cryptonym}"

    @property
    def to_washington(self) -> bool:
        return self.to_post_id is None

    @property
    def from_washington(self) -> bool:
        return self.from_post_id is None
