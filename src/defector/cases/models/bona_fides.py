"""Bona fides: the checks and the verdict (6b(3)(b))."""

from __future__ import annotations

from django.db import models
from django.utils import timezone

from defector.cases.choices import BonaFidesCheckKind, BonaFidesVerdictKind, CheckResult
from defector.cases.models.intake import Case


class BonaFidesCheck(models.Model):
    """One check of the person's bona fides (``6b(3)(b)``): identity documents, name traces,
    debriefing consistency, an interview or polygraph, liaison traces. Recorded pending, then
    completed once with its result; a completed check is final (a re-check is a new check),
    so that a verdict never rests on a result that changed under it."""

    case = models.ForeignKey(
        Case,
        on_delete=models.CASCADE,
        related_name="bona_fides_checks",
    )
    kind = models.CharField(
        max_length=40,
        choices=BonaFidesCheckKind.choices,
    )
    result = models.CharField(
        max_length=20,
        choices=CheckResult.choices,
        default=CheckResult.PENDING,
    )
    analyst = models.ForeignKey(
        "directory.Official",
        on_delete=models.PROTECT,
        related_name="bona_fides_checks",
        help_text="The official who makes (or made) the check.",
    )
    checked_on = models.DateField(
        null=True,
        blank=True,
        help_text="When the check was made; required once it has a result.",
    )
    finding = models.TextField(
        blank=True,
        help_text=(
            "What the check found, in short. Not sealed: call the person by the cryptonym, "
            "never by a name."
        ),
    )
    recorded_at = models.DateTimeField(
        default=timezone.now,
    )
    recorded_by = models.ForeignKey(
        "directory.Official",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    completed_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="When its result was recorded.",
    )

    class Meta:
        ordering = ["case", "recorded_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind__in=BonaFidesCheckKind.values),
                name="%(app_label)s_%(class)s_kind_valid",
                violation_error_message="The kind is not one of the bona fides checks.",
            ),
            models.CheckConstraint(
                condition=models.Q(result__in=CheckResult.values),
                name="%(app_label)s_%(class)s_result_valid",
                violation_error_message="The result is not one of the choices.",
            ),
            models.CheckConstraint(
                condition=models.Q(result=CheckResult.PENDING)
                | (
                    models.Q(checked_on__isnull=False)
                    & models.Q(completed_at__isnull=False)
                    & ~models.Q(finding="")
                ),
                name="%(app_label)s_%(class)s_result_needs_date_and_finding",
                violation_error_message="A check with a result needs its date and its finding.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} check {self.pk} on {self.case.cryptonym}"

    @property
    def completed(self) -> bool:
        return self.result != CheckResult.PENDING


class BonaFidesVerdict(models.Model):
    """A verdict on the person's bona fides (``6b(3)(b)``), citing the completed checks it
    rests on. A new verdict supersedes the previous one, which is kept."""

    case = models.ForeignKey(
        Case,
        on_delete=models.CASCADE,
        related_name="bona_fides_verdicts",
    )
    number = models.PositiveIntegerField(
        help_text="1 for the case's first verdict, then 2, 3 …",
    )
    verdict = models.CharField(
        max_length=20,
        choices=BonaFidesVerdictKind.choices,
    )
    checks = models.ManyToManyField(
        BonaFidesCheck,
        related_name="cited_by",
        help_text="The completed checks the verdict rests on.",
    )
    basis = models.JSONField(
        default=list,
        help_text="The cited checks as they stood: id, kind and result of each.",
    )
    rationale = models.TextField(
        help_text="Why. Not sealed: call the person by the cryptonym, never by a name.",
    )
    recorded_at = models.DateTimeField(
        default=timezone.now,
    )
    recorded_by = models.ForeignKey(
        "directory.Official",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    superseded_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="When a newer verdict replaced it; empty for the current verdict.",
    )

    class Meta:
        ordering = ["case", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["case", "number"],
                name="%(app_label)s_%(class)s_number_unique_per_case",
                violation_error_message="The case already has a verdict with this number.",
            ),
            models.UniqueConstraint(
                fields=["case"],
                condition=models.Q(superseded_at__isnull=True),
                name="%(app_label)s_%(class)s_one_current_per_case",
                violation_error_message="The case already has a current verdict.",
            ),
            models.CheckConstraint(
                condition=models.Q(verdict__in=BonaFidesVerdictKind.values),
                name="%(app_label)s_%(class)s_verdict_valid",
                violation_error_message="The verdict is not one of the choices.",
            ),
        ]

    def __str__(self) -> str:
        return f"bona fides verdict {self.number} on {self.case.cryptonym}"
