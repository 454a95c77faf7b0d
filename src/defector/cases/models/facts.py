"""The assessments of a case's facts."""

from __future__ import annotations

from django.db import models
from django.utils import timezone

from defector.cases.models.intake import Case


class Assessment(models.Model):
    """One assessment of a case's facts under the directive, kept for good: every change of
    the facts adds one (``number`` 1, 2, …), with the policy version that decided it."""

    case = models.ForeignKey(
        Case,
        on_delete=models.CASCADE,
        db_index=False,  # read by the unique (case, number), which leads with it
        related_name="assessments",
    )
    number = models.PositiveIntegerField(
        help_text="1 for the first assessment of the case, then 2, 3 …",
    )
    facts = models.JSONField(
        help_text="The facts assessed: the contract's facts object, every field filled in.",
    )
    powers = models.JSONField(
        default=list,
        blank=True,
        help_text=(
            "Where the facts of 1 and 3 came from: for each, whether it holds, why, and "
            "Washington's records behind it (powers.Power)."
        ),
    )
    outcome = models.JSONField(
        help_text="The contract's outcome object for these facts.",
    )
    categories = models.JSONField(
        default=list,
        help_text="The categories that hold, in the contract's order.",
    )
    applies = models.BooleanField(
        help_text="Whether the directive applies (1, 2a, 3).",
    )
    obligations = models.JSONField(
        default=list,
        help_text="The obligations that arise, in the contract's order.",
    )
    policy_version = models.CharField(
        max_length=40,
        help_text="The version of the rules that decided.",
    )
    assessed_at = models.DateTimeField(
        default=timezone.now,
    )
    assessed_by = models.ForeignKey(
        "directory.Official",
        on_delete=models.PROTECT,
        db_index=False,  # nothing reads by it: officials are deactivated, never deleted
        null=True,
        blank=True,
        related_name="assessments",
    )

    class Meta:
        ordering = ["case", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["case", "number"],
                name="%(app_label)s_%(class)s_number_unique_per_case",
                violation_error_message="The case already has an assessment with this number.",
            ),
        ]

    def __str__(self) -> str:
        return f"assessment {self.number} of {self.case.cryptonym}"
