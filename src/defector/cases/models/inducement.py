"""Inducement: recruitment in place considered, plans and acts (2b, 5a)."""

from __future__ import annotations

from django.db import models
from django.utils import timezone

from defector.cases.choices import RecruitmentConclusion
from defector.cases.models.determination import PoliticalRiskDetermination
from defector.cases.models.intake import Case


class RecruitmentConsideration(models.Model):
    """A recorded consideration (``5a(1)``) of whether recruitment in place would better
    serve the interests of the US than inducing defection. Every one is kept; the latest
    stands."""

    case = models.ForeignKey(
        Case,
        on_delete=models.CASCADE,
        related_name="recruitment_considerations",
    )
    conclusion = models.CharField(
        max_length=20,
        choices=RecruitmentConclusion.choices,
    )
    reasoning = models.TextField(
        help_text="Not sealed: call the person by the cryptonym, never by name.",
    )
    considered_at = models.DateTimeField(
        default=timezone.now,
    )
    considered_by = models.ForeignKey(
        "directory.Official",
        on_delete=models.PROTECT,
        related_name="recruitment_considerations",
    )

    class Meta:
        ordering = ["case", "-considered_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(conclusion__in=RecruitmentConclusion.values),
                name="%(app_label)s_%(class)s_conclusion_valid",
                violation_error_message="The conclusion is not one of the choices.",
            ),
            models.CheckConstraint(
                condition=~models.Q(reasoning=""),
                name="%(app_label)s_%(class)s_reasoning_required",
                violation_error_message="A consideration states its reasoning.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.case.cryptonym}: {self.get_conclusion_display().lower()}"


class InducementPlan(models.Model):
    """A plan to induce a defection (``2b``), recorded only after recruitment in place was
    considered (``5a(1)``) and the political risk of inducement determined (``7a``), and never
    aimed at a group larger than the installation allows (``5a(4)``)."""

    case = models.ForeignKey(
        Case,
        on_delete=models.CASCADE,
        related_name="inducement_plans",
    )
    description = models.TextField(
        help_text="The approach planned. Not sealed: call people by cryptonyms, never by name.",
    )
    group_size = models.PositiveIntegerField(
        help_text="How many persons the plan aims to induce to defect (5a(4)).",
    )
    consideration = models.ForeignKey(
        RecruitmentConsideration,
        on_delete=models.PROTECT,
        related_name="plans",
        help_text="The consideration of recruitment in place it rests on (5a(1)).",
    )
    risk_determination = models.ForeignKey(
        PoliticalRiskDetermination,
        on_delete=models.PROTECT,
        related_name="inducement_plans",
        help_text="The 7a determination it rests on: for inducement, or for the case.",
    )
    recorded_at = models.DateTimeField(
        default=timezone.now,
    )
    recorded_by = models.ForeignKey(
        "directory.Official",
        on_delete=models.PROTECT,
        related_name="inducement_plans",
    )

    class Meta:
        ordering = ["case", "-recorded_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(group_size__gte=1),
                name="%(app_label)s_%(class)s_group_size_positive",
                violation_error_message="A plan aims at one person at least.",
            ),
            models.CheckConstraint(
                condition=~models.Q(description=""),
                name="%(app_label)s_%(class)s_description_required",
                violation_error_message="A plan says what is planned.",
            ),
        ]

    def __str__(self) -> str:
        return f"inducement plan {self.pk} on {self.case.cryptonym}"


class InducementAct(models.Model):
    """An act of inducement (``2b``): committed, or manifestly instigated, by a US official,
    under a plan — recorded because the US Government might be called upon to account for it."""

    case = models.ForeignKey(
        Case,
        on_delete=models.CASCADE,
        related_name="inducement_acts",
    )
    plan = models.ForeignKey(
        InducementPlan,
        on_delete=models.PROTECT,
        related_name="acts",
    )
    committed_by = models.ForeignKey(
        "directory.Official",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="inducement_acts_committed",
    )
    instigated_by = models.ForeignKey(
        "directory.Official",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="inducement_acts_instigated",
    )
    at = models.DateTimeField(
        help_text="When the act was committed.",
    )
    description = models.TextField(
        help_text="What was done. Not sealed: call people by cryptonyms, never by name.",
    )
    recorded_at = models.DateTimeField(
        default=timezone.now,
    )
    recorded_by = models.ForeignKey(
        "directory.Official",
        on_delete=models.PROTECT,
        related_name="inducement_acts_recorded",
    )

    class Meta:
        ordering = ["case", "at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(committed_by__isnull=False)
                | models.Q(instigated_by__isnull=False),
                name="%(app_label)s_%(class)s_official_named",
                violation_error_message="An act names the official who committed or instigated it.",
            ),
            models.CheckConstraint(
                condition=~models.Q(description=""),
                name="%(app_label)s_%(class)s_description_required",
                violation_error_message="An act says what was done.",
            ),
        ]

    def __str__(self) -> str:
        return f"inducement act {self.pk} on {self.case.cryptonym}"
