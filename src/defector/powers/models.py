"""The records of Washington's powers (``1``, ``3``).

A :class:`Power` is a presidential direction that the directive not apply (``1``), a
determination that a place is an active theater of war where US forces are engaged (``1``),
or a DCI determination extending the directive to nationals of other countries (``3``), with
its scope: countries, days, and optionally the cases it names. Only the DCI's delegate enters
or revokes one (``powers.actions``); the case system fills the three scope facts from them.
"""

from __future__ import annotations

from django.db import models
from django.db.models import F, Q

from defector.powers.choices import PowerKind


class Power(models.Model):
    """One direction or determination, entered by the DCI's delegate; revoked, it is kept."""

    kind = models.CharField(
        max_length=30,
        choices=PowerKind.choices,
    )
    authority = models.CharField(
        max_length=200,
        help_text="Who holds the power: the President, or the Director of Central Intelligence.",
    )
    reference = models.CharField(
        max_length=300,
        help_text="The citation of the direction or determination (its number, its date).",
    )
    text = models.TextField(
        blank=True,
        help_text="What it says, in short. Never a true name.",
    )
    countries = models.JSONField(
        default=list,
        blank=True,
        help_text=(
            "Country codes, sorted: where (1: the person's location) or whose nationals "
            "(3: a nationality of the person) it reaches."
        ),
    )
    case_ids = models.JSONField(
        default=list,
        blank=True,
        help_text="The cases it names (ids, sorted); none: every case in its countries.",
    )
    case_cryptonyms = models.JSONField(
        default=list,
        blank=True,
        help_text="The cryptonyms of the cases it names, as entered (for display).",
    )
    names_cases = models.BooleanField(
        default=False,
        help_text="Whether it names cases (then only Washington sees it).",
    )
    starts_on = models.DateField(
        help_text="The first day it has effect.",
    )
    ends_on = models.DateField(
        null=True,
        blank=True,
        help_text="The last day it has effect; empty: until revoked.",
    )
    entered_at = models.DateTimeField()
    entered_by = models.ForeignKey(
        "directory.Official",
        on_delete=models.PROTECT,
        related_name="powers_entered",
        help_text="The DCI's delegate who entered it.",
    )
    revoked_at = models.DateTimeField(
        null=True,
        blank=True,
    )
    revoked_by = models.ForeignKey(
        "directory.Official",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="powers_revoked",
    )
    revoked_from = models.DateField(
        null=True,
        blank=True,
        help_text="The first day the revocation takes it away.",
    )
    revocation_reason = models.TextField(
        blank=True,
    )
    version = models.PositiveIntegerField(
        default=1,
        help_text="Raised by every change; a stale version is refused (409).",
    )

    class Meta:
        ordering = ["-starts_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=PowerKind.values),
                name="%(app_label)s_%(class)s_kind_valid",
                violation_error_message="The kind is not one of the powers of 1 and 3.",
            ),
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=F("starts_on")),
                name="%(app_label)s_%(class)s_ends_after_start",
                violation_error_message="The last day is before the first.",
            ),
            models.CheckConstraint(
                condition=(
                    Q(revoked_at__isnull=True, revoked_from__isnull=True)
                    | Q(revoked_at__isnull=False, revoked_from__isnull=False)
                ),
                name="%(app_label)s_%(class)s_revocation_complete",
                violation_error_message="A revocation needs its moment and its first day.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.reference}"
