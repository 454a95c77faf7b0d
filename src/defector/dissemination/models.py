"""Threat reports and their distribution (``6b(3)(a)``).

A :class:`ThreatReport` is issued from a case holding threat information; it names the source
by the case's cryptonym only. Each official on the post's distribution gets a
:class:`Delivery` (and a notice) and acknowledges it. An unacknowledged report climbs its
escalation ladder: each :class:`LadderStep` is taken once, claimed by inserting its row (the
unique ``(report, step)`` pair). A post's :class:`Distribution`, kept by its committee chair,
names who receives its reports.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils import timezone

from defector.dissemination.choices import (
    LABEL_MAX_LENGTH,
    NAMED_SEATS,
    SHORT_MAX_LENGTH,
    TEXT_MAX_LENGTH,
    Precedence,
    Seat,
    Target,
)


class ThreatReport(models.Model):
    """A report of threat information, disseminated at once (``6b(3)(a)``)."""

    case = models.ForeignKey(
        "cases.Case",
        on_delete=models.PROTECT,
        related_name="threat_reports",
    )
    post = models.ForeignKey(
        "directory.Post",
        on_delete=models.PROTECT,
        related_name="threat_reports",
        help_text="The case's post, whose distribution receives the report.",
    )
    precedence = models.CharField(
        max_length=20,
        choices=Precedence.choices,
    )
    threatened = models.CharField(
        max_length=SHORT_MAX_LENGTH,
        help_text="What is threatened: personnel, an installation, hostilities.",
    )
    location = models.CharField(
        max_length=SHORT_MAX_LENGTH,
        help_text="Where.",
    )
    timing = models.CharField(
        max_length=SHORT_MAX_LENGTH,
        help_text="When.",
    )
    details = models.TextField(
        max_length=TEXT_MAX_LENGTH,
        blank=True,
        help_text="What else is known. Not sealed: never a true name.",
    )
    source = models.CharField(
        max_length=40,
        help_text="The source, by the case's cryptonym only (filled from the case).",
    )
    issued_by = models.ForeignKey(
        "directory.Official",
        on_delete=models.PROTECT,
        related_name="threat_reports_issued",
    )
    issued_at = models.DateTimeField(
        default=timezone.now,
    )

    class Meta:
        ordering = ["-issued_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(precedence__in=Precedence.values),
                name="%(app_label)s_%(class)s_precedence_valid",
                violation_error_message="The precedence is not one of the choices.",
            ),
            models.CheckConstraint(
                condition=~Q(threatened="") & ~Q(location="") & ~Q(timing="") & ~Q(source=""),
                name="%(app_label)s_%(class)s_essentials_required",
                violation_error_message="A threat report says what, where, when and the source.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_precedence_display()} threat report {self.pk} ({self.source})"


class Delivery(models.Model):
    """One recipient of one threat report: when they were told, and when they acknowledged."""

    report = models.ForeignKey(
        ThreatReport,
        on_delete=models.CASCADE,
        related_name="deliveries",
    )
    recipient = models.ForeignKey(
        "directory.Official",
        on_delete=models.PROTECT,
        related_name="threat_deliveries",
    )
    seat = models.CharField(
        max_length=30,
        choices=Seat.choices,
        help_text="Why they receive it.",
    )
    step = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        help_text="The escalation step that reached them (empty: the distribution).",
    )
    created_at = models.DateTimeField(
        default=timezone.now,
    )
    delivered_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="When the notice reached their inbox.",
    )
    told = models.PositiveSmallIntegerField(
        default=0,
        help_text="How many notices they were sent (escalation tells them again).",
    )
    acknowledged_at = models.DateTimeField(
        null=True,
        blank=True,
    )

    class Meta:
        ordering = ["report", "created_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["report", "recipient"],
                name="%(app_label)s_%(class)s_once_per_recipient",
                violation_error_message="The official already receives this report.",
            ),
            models.CheckConstraint(
                condition=Q(seat__in=Seat.values),
                name="%(app_label)s_%(class)s_seat_valid",
                violation_error_message="The seat is not one of the choices.",
            ),
        ]

    def __str__(self) -> str:
        return f"Delivery of threat report {self.report_id} to official {self.recipient_id}"


class LadderStep(models.Model):
    """One step of a report's escalation ladder, taken once: its row is its claim."""

    report = models.ForeignKey(
        ThreatReport,
        on_delete=models.CASCADE,
        related_name="ladder_steps",
    )
    step = models.PositiveSmallIntegerField()
    target = models.CharField(
        max_length=30,
        choices=Target.choices,
    )
    taken_at = models.DateTimeField()
    reached = models.JSONField(
        default=list,
        help_text="The ids of the officials the step reached.",
    )

    class Meta:
        ordering = ["report", "step"]
        constraints = [
            models.UniqueConstraint(
                fields=["report", "step"],
                name="%(app_label)s_%(class)s_once_per_step",
                violation_error_message="This step of the ladder was taken already.",
            ),
            models.CheckConstraint(
                condition=Q(target__in=Target.values),
                name="%(app_label)s_%(class)s_target_valid",
                violation_error_message="The target is not one of the choices.",
            ),
        ]

    def __str__(self) -> str:
        return f"Step {self.step} of threat report {self.report_id}"


class Distribution(models.Model):
    """Who receives a post's threat reports, kept by its committee chair. A post without one
    sends to its senior US representative, its committee chair and the IDC."""

    post = models.OneToOneField(
        "directory.Post",
        on_delete=models.CASCADE,
        related_name="threat_distribution",
    )
    senior_representative = models.BooleanField(
        default=True,
    )
    committee_chair = models.BooleanField(
        default=True,
    )
    idc = models.BooleanField(
        default=True,
        help_text="The members of the IDC in Washington.",
    )
    updated_by = models.ForeignKey(
        "directory.Official",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    updated_at = models.DateTimeField(
        default=timezone.now,
    )

    def __str__(self) -> str:
        return f"Threat distribution of post {self.post_id}"


class DistributionMember(models.Model):
    """An official named on a post's distribution: its security officer, an agency's
    representative."""

    distribution = models.ForeignKey(
        Distribution,
        on_delete=models.CASCADE,
        related_name="members",
    )
    official = models.ForeignKey(
        "directory.Official",
        on_delete=models.CASCADE,
        related_name="+",
    )
    seat = models.CharField(
        max_length=30,
        choices=[(seat.value, seat.label) for seat in NAMED_SEATS],
    )
    label = models.CharField(
        max_length=LABEL_MAX_LENGTH,
        blank=True,
    )

    class Meta:
        ordering = ["distribution", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["distribution", "official"],
                name="%(app_label)s_%(class)s_once_per_official",
                violation_error_message="The official is on the distribution already.",
            ),
            models.CheckConstraint(
                condition=Q(seat__in=[seat.value for seat in NAMED_SEATS]),
                name="%(app_label)s_%(class)s_seat_valid",
                violation_error_message="The seat is not one of the choices.",
            ),
        ]

    def __str__(self) -> str:
        return f"Official {self.official_id} on distribution {self.distribution_id}"
