"""Mutual problems of a post's committee and the paths they take under ``6c``.

A :class:`Problem` is raised by a member of the post's committee (or an invited representative).
It is then resolved locally (:class:`Resolution`), referred to the IDC through CIA channels
(:class:`Referral`, with members' :class:`DirectCommunication` with Washington noted), or — when
time does not permit referral — submitted to the senior US representative for decision, with
the IDC told afterwards (:class:`UrgentSubmission`). Only ``escalations.actions`` writes these;
everything here is known by cryptonyms and codes, never by a true name.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils import timezone

from defector.escalations.choices import TITLE_MAX_LENGTH, ProblemStatus

NO_TRUE_NAMES = "Cryptonyms and codes only: never a true name (true names are sealed in the case)."


class Problem(models.Model):
    """A mutual problem of a post's committee (``6c``), with its status and due date.

    Visible to the post's committee members, chair and senior US representative, to the
    invited representative who raised it, and to the IDC once it is referred or the IDC is
    informed of a decision; only to those cleared for every case it concerns (``core.access``).
    """

    post = models.ForeignKey(
        "directory.Post",
        on_delete=models.PROTECT,
        related_name="problems",
    )
    raised_by = models.ForeignKey(
        "directory.Official",
        on_delete=models.PROTECT,
        related_name="problems_raised",
    )
    title = models.CharField(
        max_length=TITLE_MAX_LENGTH,
        help_text=f"What the problem is, in a line. {NO_TRUE_NAMES}",
    )
    description = models.TextField(
        blank=True,
        help_text=f"The problem in full: what is at stake, who disagrees. {NO_TRUE_NAMES}",
    )
    cases = models.ManyToManyField(
        "cases.Case",
        blank=True,
        related_name="problems",
        help_text="The cases the problem concerns, by cryptonym (optional).",
    )
    agencies = models.ManyToManyField(
        "directory.Agency",
        blank=True,
        related_name="problems",
        help_text="The departments, agencies and military commands involved.",
    )
    raised_at = models.DateTimeField(
        default=timezone.now,
    )
    due_date = models.DateField(
        help_text="When the post needs the problem settled.",
    )
    status = models.CharField(
        max_length=30,
        choices=ProblemStatus.choices,
        default=ProblemStatus.RAISED,
    )
    idc_visible_from = models.DateTimeField(
        null=True,
        blank=True,
        help_text="When the IDC began to see the problem: referred, or informed of a decision.",
    )
    closed_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="When the problem was resolved or decided.",
    )

    class Meta:
        ordering = ["due_date", "raised_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=ProblemStatus.values),
                name="%(app_label)s_%(class)s_status_valid",
                violation_error_message="The status is not one of the choices.",
            ),
            models.CheckConstraint(
                condition=~Q(title=""),
                name="%(app_label)s_%(class)s_title_required",
                violation_error_message="A problem needs a title.",
            ),
            models.CheckConstraint(
                condition=Q(
                    status__in=[
                        ProblemStatus.REFERRED,
                        ProblemStatus.DECIDED_BY_IDC,
                        ProblemStatus.DECIDED_BY_SENIOR_REP,
                    ],
                    idc_visible_from__isnull=False,
                )
                | (
                    ~Q(
                        status__in=[
                            ProblemStatus.REFERRED,
                            ProblemStatus.DECIDED_BY_IDC,
                            ProblemStatus.DECIDED_BY_SENIOR_REP,
                        ]
                    )
                    & Q(idc_visible_from__isnull=True)
                ),
                name="%(app_label)s_%(class)s_idc_sees_referred_or_informed",
                violation_error_message=(
                    "The IDC sees a problem exactly when it is referred or informed of a decision."
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} (problem {self.pk}, {self.post.code})"


class Resolution(models.Model):
    """The record of a problem resolved locally by the committee (``6c``)."""

    problem = models.OneToOneField(
        Problem,
        on_delete=models.PROTECT,
        related_name="resolution",
    )
    text = models.TextField(
        help_text=f"How the committee resolved it. {NO_TRUE_NAMES}",
    )
    decided_by = models.ForeignKey(
        "directory.Official",
        on_delete=models.PROTECT,
        related_name="problem_resolutions",
    )
    decided_at = models.DateTimeField(
        default=timezone.now,
    )

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=~Q(text=""),
                name="%(app_label)s_%(class)s_text_required",
                violation_error_message="A resolution needs its text.",
            ),
        ]

    def __str__(self) -> str:
        return f"Resolution of problem {self.problem_id}"


class Referral(models.Model):
    """A problem referred to the IDC through CIA channels (``6c``): requested by a member,
    transmitted by the post's CIA member, acknowledged and decided by the IDC."""

    problem = models.OneToOneField(
        Problem,
        on_delete=models.PROTECT,
        related_name="referral",
    )
    requested_by = models.ForeignKey(
        "directory.Official",
        on_delete=models.PROTECT,
        related_name="referrals_requested",
    )
    requested_at = models.DateTimeField(
        default=timezone.now,
    )
    summary = models.TextField(
        help_text=f"What the IDC is asked to decide. {NO_TRUE_NAMES}",
    )
    decision_due = models.DateField(
        help_text="When the post needs the IDC's decision (the IDC's due date).",
    )
    routed_by = models.ForeignKey(
        "directory.Official",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="referrals_routed",
        help_text="The post's CIA member who transmitted it through CIA channels.",
    )
    transmitted_at = models.DateTimeField(
        null=True,
        blank=True,
    )
    channel_reference = models.CharField(
        max_length=100,
        blank=True,
        help_text="The reference of the message that carried it (optional).",
    )
    idc_acknowledged_by = models.ForeignKey(
        "directory.Official",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="referrals_acknowledged",
    )
    idc_acknowledged_at = models.DateTimeField(
        null=True,
        blank=True,
    )
    idc_decision = models.TextField(
        blank=True,
        help_text=f"The IDC's decision. {NO_TRUE_NAMES}",
    )
    idc_decided_by = models.ForeignKey(
        "directory.Official",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="referrals_decided",
    )
    idc_decided_at = models.DateTimeField(
        null=True,
        blank=True,
    )

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(routed_by__isnull=True, transmitted_at__isnull=True)
                | Q(routed_by__isnull=False, transmitted_at__isnull=False),
                name="%(app_label)s_%(class)s_transmitted_by_someone",
                violation_error_message="A transmitted referral names who routed it, and when.",
            ),
            models.CheckConstraint(
                condition=Q(idc_acknowledged_by__isnull=True, idc_acknowledged_at__isnull=True)
                | Q(
                    idc_acknowledged_by__isnull=False,
                    idc_acknowledged_at__isnull=False,
                    transmitted_at__isnull=False,
                ),
                name="%(app_label)s_%(class)s_acknowledged_after_transmission",
                violation_error_message="The IDC acknowledges a transmitted referral, by name.",
            ),
            models.CheckConstraint(
                condition=Q(idc_decided_by__isnull=True, idc_decided_at__isnull=True)
                | (
                    Q(
                        idc_decided_by__isnull=False,
                        idc_decided_at__isnull=False,
                        idc_acknowledged_at__isnull=False,
                    )
                    & ~Q(idc_decision="")
                ),
                name="%(app_label)s_%(class)s_decision_complete",
                violation_error_message=(
                    "An IDC decision has its text, who decided and when, after acknowledgement."
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"Referral of problem {self.problem_id}"


class DirectCommunication(models.Model):
    """A member's direct communication with their principals in Washington on the subject of a
    referral, noted on it (``6c``)."""

    referral = models.ForeignKey(
        Referral,
        on_delete=models.PROTECT,
        related_name="communications",
    )
    member = models.ForeignKey(
        "directory.Official",
        on_delete=models.PROTECT,
        related_name="direct_communications",
    )
    agency = models.ForeignKey(
        "directory.Agency",
        on_delete=models.PROTECT,
        related_name="direct_communications",
        help_text="The member's agency, whose principals they communicated with.",
    )
    at = models.DateTimeField(
        help_text="When the communication took place.",
    )
    summary = models.TextField(
        help_text=f"What was communicated. {NO_TRUE_NAMES}",
    )
    recorded_at = models.DateTimeField(
        default=timezone.now,
    )

    class Meta:
        ordering = ["at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(summary=""),
                name="%(app_label)s_%(class)s_summary_required",
                violation_error_message="A note of a communication needs its summary.",
            ),
        ]

    def __str__(self) -> str:
        return f"Communication on problem {self.referral.problem_id}"


class UrgentSubmission(models.Model):
    """A problem submitted for decision to the senior US representative because time does not
    permit referral (``6c``), with the decision and the IDC's information copy."""

    problem = models.OneToOneField(
        Problem,
        on_delete=models.PROTECT,
        related_name="urgent_submission",
    )
    submitted_by = models.ForeignKey(
        "directory.Official",
        on_delete=models.PROTECT,
        related_name="urgent_submissions",
    )
    submitted_at = models.DateTimeField(
        default=timezone.now,
    )
    reason = models.TextField(
        help_text=f"Why time does not permit referral to the IDC. {NO_TRUE_NAMES}",
    )
    decision = models.TextField(
        blank=True,
        help_text=f"The senior US representative's decision. {NO_TRUE_NAMES}",
    )
    decided_by = models.ForeignKey(
        "directory.Official",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="urgent_decisions",
    )
    decided_at = models.DateTimeField(
        null=True,
        blank=True,
    )
    idc_informed_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="When the IDC was sent its information copy of the decision.",
    )
    idc_acknowledged_by = models.ForeignKey(
        "directory.Official",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="urgent_decisions_acknowledged",
    )
    idc_acknowledged_at = models.DateTimeField(
        null=True,
        blank=True,
    )

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=~Q(reason=""),
                name="%(app_label)s_%(class)s_reason_required",
                violation_error_message="Say why time does not permit referral.",
            ),
            models.CheckConstraint(
                condition=Q(decided_by__isnull=True, decided_at__isnull=True, decision="")
                | (Q(decided_by__isnull=False, decided_at__isnull=False) & ~Q(decision="")),
                name="%(app_label)s_%(class)s_decision_complete",
                violation_error_message="A decision has its text, who decided and when.",
            ),
            models.CheckConstraint(
                condition=Q(idc_informed_at__isnull=True) | Q(decided_at__isnull=False),
                name="%(app_label)s_%(class)s_idc_informed_after_decision",
                violation_error_message="The IDC is informed of a decision once it is made.",
            ),
            models.CheckConstraint(
                condition=Q(idc_acknowledged_by__isnull=True, idc_acknowledged_at__isnull=True)
                | Q(
                    idc_acknowledged_by__isnull=False,
                    idc_acknowledged_at__isnull=False,
                    idc_informed_at__isnull=False,
                ),
                name="%(app_label)s_%(class)s_acknowledged_after_information",
                violation_error_message="The IDC acknowledges an information copy, by name.",
            ),
        ]

    def __str__(self) -> str:
        return f"Urgent submission of problem {self.problem_id}"
