"""The steps of the ladder sent for each obligation: one row each, claimed by inserting it."""

from __future__ import annotations

from django.db import models
from django.utils import timezone

from defector.compliance.choices import LadderStep


class LadderStepSent(models.Model):
    """One step of an obligation's reminder and escalation ladder, sent once.

    A sweep claims a step by inserting its row: the unique constraint on (obligation, step)
    lets exactly one of two workers that reach the same step at once insert it, and only that
    one sends the notices (after its commit)."""

    obligation = models.ForeignKey(
        "cases.Obligation",
        on_delete=models.CASCADE,
        related_name="ladder_steps",
    )
    step = models.CharField(
        max_length=20,
        choices=LadderStep.choices,
    )
    sent_at = models.DateTimeField(
        default=timezone.now,
        help_text="The moment of the sweep that sent it.",
    )
    due_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="The obligation's due time when the step was sent.",
    )

    class Meta:
        ordering = ["obligation", "sent_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["obligation", "step"],
                name="%(app_label)s_%(class)s_once_per_obligation",
                violation_error_message="This step of the ladder was sent already.",
            ),
            models.CheckConstraint(
                condition=models.Q(step__in=LadderStep.values),
                name="%(app_label)s_%(class)s_step_valid",
                violation_error_message="The step is not one of the ladder's.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.step} for obligation {self.obligation_id}"
