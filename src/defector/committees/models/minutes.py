"""The minutes of a meeting (``6a``), approved by the chair and forwarded to the IDC."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils import timezone

from defector.committees.choices import MinutesStatus
from defector.committees.models.committees import CRYPTONYMS_ONLY
from defector.committees.models.meetings import Meeting


class Minutes(models.Model):
    """The minutes of a held meeting (``6a``): drafted in the system (cryptonyms only), approved
    by the chair, forwarded to the IDC, whose receipt is acknowledged with who and when."""

    meeting = models.OneToOneField(
        Meeting,
        on_delete=models.CASCADE,
        related_name="minutes",
    )
    text = models.TextField(
        help_text=CRYPTONYMS_ONLY,
    )
    status = models.CharField(
        max_length=20,
        choices=MinutesStatus.choices,
        default=MinutesStatus.DRAFT,
    )
    version = models.PositiveIntegerField(
        default=1,
        help_text="Raised by every change; a stale version is refused (409).",
    )
    drafted_by = models.ForeignKey(
        "directory.Official",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    drafted_at = models.DateTimeField(
        default=timezone.now,
    )
    updated_at = models.DateTimeField(
        default=timezone.now,
    )
    approved_by = models.ForeignKey(
        "directory.Official",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    approved_at = models.DateTimeField(
        null=True,
        blank=True,
    )
    forwarded_by = models.ForeignKey(
        "directory.Official",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    forwarded_at = models.DateTimeField(
        null=True,
        blank=True,
    )
    receipt_acknowledged_by = models.ForeignKey(
        "directory.Official",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="The IDC member who acknowledged receipt.",
    )
    receipt_acknowledged_at = models.DateTimeField(
        null=True,
        blank=True,
    )

    class Meta:
        ordering = ["-meeting__starts_at"]
        verbose_name_plural = "minutes"
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=MinutesStatus.values),
                name="%(app_label)s_%(class)s_status_valid",
                violation_error_message="The minutes' status is not one of the choices.",
            ),
            models.CheckConstraint(
                condition=Q(status=MinutesStatus.DRAFT) | Q(approved_at__isnull=False),
                name="%(app_label)s_%(class)s_approved_has_approval",
                violation_error_message="Approved minutes need the chair's approval recorded.",
            ),
            models.CheckConstraint(
                condition=~Q(status=MinutesStatus.FORWARDED) | Q(forwarded_at__isnull=False),
                name="%(app_label)s_%(class)s_forwarded_has_time",
                violation_error_message="Forwarded minutes need the time they were forwarded.",
            ),
            models.CheckConstraint(
                condition=Q(receipt_acknowledged_at__isnull=True)
                | Q(status=MinutesStatus.FORWARDED),
                name="%(app_label)s_%(class)s_receipt_only_when_forwarded",
                violation_error_message="Only forwarded minutes can be acknowledged by the IDC.",
            ),
        ]

    def __str__(self) -> str:
        return f"minutes of the {self.meeting}"
