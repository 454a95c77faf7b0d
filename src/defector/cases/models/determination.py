"""Determinations: political risk (7a), status (6b(2)) with the agencies' positions, and the
referral of a declined person as a refugee (2f)."""

from __future__ import annotations

from django.db import models
from django.urls import reverse
from django.utils import timezone

from defector.cases.choices import AgencyStance, RiskLevel, RiskSubject, StatusDecision
from defector.cases.models.intake import Case


class PoliticalRiskDetermination(models.Model):
    """The Senior US Representative's determination (``7a``) of the manner and degree to which
    the case as a whole, or one contemplated action (inducement, exfiltration, publicity), may
    affect the political and diplomatic interests of the US.

    A new determination for the same case and subject supersedes the one in force (which is
    kept, with ``superseded_at``); the one in force has none.
    """

    case = models.ForeignKey(
        Case,
        on_delete=models.CASCADE,
        related_name="risk_determinations",
    )
    subject = models.CharField(
        max_length=20,
        choices=RiskSubject.choices,
        default=RiskSubject.CASE,
        help_text="The case as a whole, or the contemplated action it is about.",
    )
    level = models.CharField(
        max_length=20,
        choices=RiskLevel.choices,
    )
    reasoning = models.TextField(
        help_text="Not sealed: call the person by the cryptonym, never by name.",
    )
    determined_at = models.DateTimeField(
        default=timezone.now,
    )
    determined_by = models.ForeignKey(
        "directory.Official",
        on_delete=models.PROTECT,
        related_name="risk_determinations",
    )
    supersedes = models.OneToOneField(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="superseded_by",
        help_text="The determination this one replaced.",
    )
    superseded_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="When a newer determination replaced this one (empty: in force).",
    )

    class Meta:
        ordering = ["case", "-determined_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["case", "subject"],
                condition=models.Q(superseded_at__isnull=True),
                name="%(app_label)s_%(class)s_one_in_force_per_subject",
                violation_error_message="The case already has a determination in force on this.",
            ),
            models.CheckConstraint(
                condition=models.Q(subject__in=RiskSubject.values),
                name="%(app_label)s_%(class)s_subject_valid",
                violation_error_message="The subject is not the case or a contemplated action.",
            ),
            models.CheckConstraint(
                condition=models.Q(level__in=RiskLevel.values),
                name="%(app_label)s_%(class)s_level_valid",
                violation_error_message="The level is not one of the risk levels.",
            ),
            models.CheckConstraint(
                condition=~models.Q(reasoning=""),
                name="%(app_label)s_%(class)s_reasoning_required",
                violation_error_message="A determination states its reasoning.",
            ),
        ]

    def __str__(self) -> str:
        what = "the case" if self.subject == RiskSubject.CASE else self.get_subject_display()
        return f"{self.case.cryptonym}: {what.lower()}, {self.get_level_display().lower()} risk"

    def get_absolute_url(self) -> str:
        return reverse("cases:tab", args=[self.case_id, "political-risk"])


class StatusDetermination(models.Model):
    """The local Defector Committee's determination of defector status (``6b(2)``): grant,
    decline or defer, weighing the special value of the defection against the political
    risk, with the rationale and each participating agency's position (:class:`AgencyPosition`).

    Recorded by the committee chair, or by a committee member on the chair's behalf
    (``on_behalf_of``). Every determination is kept; the latest is the one that stands.
    """

    case = models.ForeignKey(
        Case,
        on_delete=models.CASCADE,
        related_name="status_determinations",
    )
    decision = models.CharField(
        max_length=10,
        choices=StatusDecision.choices,
    )
    special_value = models.TextField(
        help_text="The special value of the defection as the committee weighed it (2a(1)-(3)).",
    )
    rationale = models.TextField(
        help_text=(
            "Why: special value against political risk. Not sealed: call the person by the "
            "cryptonym."
        ),
    )
    risk_determination = models.ForeignKey(
        PoliticalRiskDetermination,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="status_determinations",
        help_text="The 7a determination for the case in force when the committee decided.",
    )
    decided_at = models.DateTimeField(
        default=timezone.now,
    )
    decided_by = models.ForeignKey(
        "directory.Official",
        on_delete=models.PROTECT,
        related_name="status_determinations",
    )
    on_behalf_of = models.ForeignKey(
        "directory.Official",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="status_determinations_for",
        help_text="The committee chair, when a member recorded it on the chair's behalf.",
    )

    class Meta:
        ordering = ["case", "-decided_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(decision__in=StatusDecision.values),
                name="%(app_label)s_%(class)s_decision_valid",
                violation_error_message="The decision is grant, decline or defer.",
            ),
            models.CheckConstraint(
                condition=~models.Q(rationale=""),
                name="%(app_label)s_%(class)s_rationale_required",
                violation_error_message="A status determination states its rationale.",
            ),
            models.CheckConstraint(
                condition=~models.Q(decision=StatusDecision.GRANT)
                | models.Q(risk_determination__isnull=False),
                name="%(app_label)s_%(class)s_grant_needs_7a",
                violation_error_message="A grant rests on the 7a determination for the case.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.case.cryptonym}: {self.get_decision_display().lower()}"


class AgencyPosition(models.Model):
    """One participating agency's position on a status determination: concur, or dissent
    with a note. One row for each agency represented on the post's committee."""

    determination = models.ForeignKey(
        StatusDetermination,
        on_delete=models.CASCADE,
        related_name="positions",
    )
    agency = models.ForeignKey(
        "directory.Agency",
        on_delete=models.PROTECT,
        related_name="status_positions",
    )
    stance = models.CharField(
        max_length=10,
        choices=AgencyStance.choices,
    )
    note = models.TextField(
        blank=True,
        help_text="Required with a dissent. Not sealed: never a name.",
    )

    class Meta:
        ordering = ["determination", "agency__code"]
        constraints = [
            models.UniqueConstraint(
                fields=["determination", "agency"],
                name="%(app_label)s_%(class)s_one_per_agency",
                violation_error_message="The agency has a position on this determination already.",
            ),
            models.CheckConstraint(
                condition=models.Q(stance__in=AgencyStance.values),
                name="%(app_label)s_%(class)s_stance_valid",
                violation_error_message="The position is concur or dissent.",
            ),
            models.CheckConstraint(
                condition=~models.Q(stance=AgencyStance.DISSENT) | ~models.Q(note=""),
                name="%(app_label)s_%(class)s_dissent_needs_note",
                violation_error_message="A dissent says why.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.agency.code} {self.get_stance_display().lower()}"


class RefugeeReferral(models.Model):
    """A person declined defector status, referred as a refugee (``2f``), with the reason."""

    case = models.ForeignKey(
        Case,
        on_delete=models.CASCADE,
        related_name="refugee_referrals",
    )
    determination = models.ForeignKey(
        StatusDetermination,
        on_delete=models.PROTECT,
        related_name="refugee_referrals",
        help_text="The declining status determination.",
    )
    reason = models.TextField(
        help_text="Why the person is referred as a refugee (2f). Not sealed: never a name.",
    )
    referred_to = models.CharField(
        max_length=300,
        blank=True,
        help_text="The office or organization the person is referred to.",
    )
    referred_at = models.DateTimeField(
        default=timezone.now,
    )
    referred_by = models.ForeignKey(
        "directory.Official",
        on_delete=models.PROTECT,
        related_name="refugee_referrals",
    )

    class Meta:
        ordering = ["case", "-referred_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(reason=""),
                name="%(app_label)s_%(class)s_reason_required",
                violation_error_message="A referral states its reason.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.case.cryptonym}: referred as a refugee"
