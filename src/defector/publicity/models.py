"""Proposals for publicity or surfacing of a defector (``6f``, ``5a(5)``, ``5a(6)``, ``7a``).

A :class:`Proposal` is the local committee's recommendation to the IDC: what, when, by which
channels, the risks, and the Senior US Representative's ``7a`` determination on publicity that
was in force when it was made. State and USIA each sign off (:class:`SignOff`, one per agency,
changeable until the IDC decides). The IDC's override of ``5a(5)``, its decision, the release
and a withdrawal are recorded on the proposal itself. ``reports`` reads ``Proposal`` and its
status (proposals awaiting decision).
"""

from __future__ import annotations

from django.db import models
from django.urls import reverse
from django.utils import timezone

from defector.publicity.choices import Outcome, Position, ProposalStatus, SigningAgency


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
    # What, when, how, and the risks (6f).
    summary = models.TextField(
        default="",
        help_text="What is proposed: the publicity or surfacing. Cryptonyms only, never a name.",
    )
    window_start = models.DateField(
        null=True,
        blank=True,
        help_text="The proposed date, or the first day of the proposed window.",
    )
    window_end = models.DateField(
        null=True,
        blank=True,
        help_text="The last day of the proposed window (empty: the one date).",
    )
    channels = models.JSONField(
        default=list,
        blank=True,
        help_text="The channels proposed (publicity.choices.Channel).",
    )
    other_channel = models.CharField(
        max_length=200,
        blank=True,
        default="",
        help_text="The other channel, in words.",
    )
    risks = models.TextField(
        default="",
        help_text="The risks to the defector, to sources and to operations.",
    )
    risk_determination = models.ForeignKey(
        "cases.PoliticalRiskDetermination",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="The 7a determination on publicity in force when the proposal was made.",
    )
    # The IDC's override of 5a(5).
    override_reason = models.TextField(blank=True, default="")
    overridden_by = models.ForeignKey(
        "directory.Official",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    overridden_at = models.DateTimeField(null=True, blank=True)
    # The IDC's decision (6f).
    outcome = models.CharField(
        max_length=10,
        choices=Outcome.choices,
        blank=True,
        default="",
    )
    decision_reason = models.TextField(blank=True, default="")
    decided_by = models.ForeignKey(
        "directory.Official",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    # The release (6f).
    released_on = models.DateField(null=True, blank=True)
    release_channel = models.CharField(max_length=20, blank=True, default="")
    release_summary = models.TextField(blank=True, default="")
    released_by = models.ForeignKey(
        "directory.Official",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    release_recorded_at = models.DateTimeField(null=True, blank=True)
    # A withdrawal by the local committee.
    withdrawal_reason = models.TextField(blank=True, default="")
    withdrawn_by = models.ForeignKey(
        "directory.Official",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    withdrawn_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-proposed_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=ProposalStatus.values),
                name="%(app_label)s_%(class)s_status_valid",
                violation_error_message="The status is not one of the choices.",
            ),
            models.CheckConstraint(
                condition=models.Q(outcome__in=["", *Outcome.values]),
                name="%(app_label)s_%(class)s_outcome_valid",
                violation_error_message="The decision is not one of the choices.",
            ),
            models.CheckConstraint(
                condition=models.Q(window_end__isnull=True)
                | models.Q(window_start__isnull=True)
                | models.Q(window_end__gte=models.F("window_start")),
                name="%(app_label)s_%(class)s_window_ordered",
                violation_error_message="The window ends before it starts.",
            ),
        ]

    def __str__(self) -> str:
        return f"Publicity proposal on {self.case.cryptonym}"

    def get_absolute_url(self) -> str:
        return reverse("publicity:detail", args=[self.pk])


class SignOff(models.Model):
    """An agency's sign-off on a proposal (``5a(6)``): State or USIA approves, or objects with
    comments. One per agency; its official may change it until the IDC decides (the audit
    log keeps each change)."""

    proposal = models.ForeignKey(
        Proposal,
        on_delete=models.CASCADE,
        related_name="sign_offs",
    )
    agency = models.CharField(
        max_length=10,
        choices=SigningAgency.choices,
    )
    position = models.CharField(
        max_length=10,
        choices=Position.choices,
    )
    comments = models.TextField(blank=True, default="")
    signed_by = models.ForeignKey(
        "directory.Official",
        on_delete=models.PROTECT,
        related_name="+",
    )
    signed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["proposal", "agency"]
        constraints = [
            models.UniqueConstraint(
                fields=["proposal", "agency"],
                name="%(app_label)s_%(class)s_one_per_agency",
                violation_error_message="The agency has already signed off on this proposal.",
            ),
            models.CheckConstraint(
                condition=models.Q(agency__in=SigningAgency.values),
                name="%(app_label)s_%(class)s_agency_valid",
                violation_error_message="Only State and USIA sign off on publicity.",
            ),
            models.CheckConstraint(
                condition=models.Q(position__in=Position.values),
                name="%(app_label)s_%(class)s_position_valid",
                violation_error_message="A sign-off approves or objects.",
            ),
            models.CheckConstraint(
                condition=~models.Q(position=Position.OBJECT, comments=""),
                name="%(app_label)s_%(class)s_objection_commented",
                violation_error_message="An objection states its comments.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_agency_display()} {self.get_position_display().lower()}"
