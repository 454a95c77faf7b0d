"""Versions of the local operating procedures (``6b``) and the clocks they set."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils import timezone

from defector.committees.choices import ProceduresStatus
from defector.committees.models.committees import Committee
from defector.policy.gates.committees import DEFAULT_CLOCKS


class ProceduresVersion(models.Model):
    """One version of the committee's local operating procedures (``6b``): its sections, keyed
    by the clause each provides for, and the post's clocks.

    A draft becomes effective when every required section is written and both the chair and
    the senior US representative have approved it; the version it replaces is superseded.
    """

    committee = models.ForeignKey(
        Committee,
        on_delete=models.PROTECT,
        related_name="procedures",
    )
    number = models.PositiveIntegerField()
    status = models.CharField(
        max_length=20,
        choices=ProceduresStatus.choices,
        default=ProceduresStatus.DRAFT,
    )
    sections = models.JSONField(
        default=dict,
        blank=True,
        help_text="Section text by clause key: 6b(1), 6b(2), 6b(3)(a) to 6b(3)(d).",
    )
    note = models.CharField(
        max_length=500,
        blank=True,
        help_text="What this version changes.",
    )
    threat_dissemination_minutes = models.PositiveIntegerField(
        default=DEFAULT_CLOCKS["threat_dissemination_minutes"],
        help_text="Threat information disseminated within this many minutes (6b(3)(a)).",
    )
    bona_fides_days = models.PositiveIntegerField(
        default=DEFAULT_CLOCKS["bona_fides_days"],
        help_text="Bona fides established within this many days (6b(3)(b)).",
    )
    idc_report_days = models.PositiveIntegerField(
        default=DEFAULT_CLOCKS["idc_report_days"],
        help_text="The IDC informed on each defector every this many days (6d).",
    )
    minutes_forwarding_days = models.PositiveIntegerField(
        default=DEFAULT_CLOCKS["minutes_forwarding_days"],
        help_text="Minutes forwarded to the IDC within this many days of a meeting (6a).",
    )
    reception_hours = models.PositiveIntegerField(
        default=DEFAULT_CLOCKS["reception_hours"],
        help_text="A walk-in received and taken into assessment within this many hours (6b(1)).",
    )
    status_consideration_days = models.PositiveIntegerField(
        default=DEFAULT_CLOCKS["status_consideration_days"],
        help_text="Defector status considered within this many days (6b(2)).",
    )
    political_risk_days = models.PositiveIntegerField(
        default=DEFAULT_CLOCKS["political_risk_days"],
        help_text="The senior US representative's determination within this many days (7a).",
    )
    recruitment_in_place_days = models.PositiveIntegerField(
        default=DEFAULT_CLOCKS["recruitment_in_place_days"],
        help_text="Recruitment in place considered within this many days (5a(1)).",
    )
    created_by = models.ForeignKey(
        "directory.Official",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(
        default=timezone.now,
    )
    updated_at = models.DateTimeField(
        default=timezone.now,
    )
    chair_approved_by = models.ForeignKey(
        "directory.Official",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    chair_approved_at = models.DateTimeField(
        null=True,
        blank=True,
    )
    senior_approved_by = models.ForeignKey(
        "directory.Official",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    senior_approved_at = models.DateTimeField(
        null=True,
        blank=True,
    )
    effective_at = models.DateTimeField(
        null=True,
        blank=True,
    )
    superseded_at = models.DateTimeField(
        null=True,
        blank=True,
    )

    class Meta:
        ordering = ["committee", "-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["committee", "number"],
                name="%(app_label)s_%(class)s_number_unique_per_committee",
                violation_error_message="This committee already has a version with this number.",
            ),
            models.UniqueConstraint(
                fields=["committee"],
                condition=Q(status=ProceduresStatus.EFFECTIVE),
                name="%(app_label)s_%(class)s_one_effective_per_committee",
                violation_error_message="Only one version of the procedures is in effect.",
            ),
            models.CheckConstraint(
                condition=Q(status__in=ProceduresStatus.values),
                name="%(app_label)s_%(class)s_status_valid",
                violation_error_message="The procedures' status is not one of the choices.",
            ),
            models.CheckConstraint(
                condition=Q(threat_dissemination_minutes__gt=0)
                & Q(bona_fides_days__gt=0)
                & Q(idc_report_days__gt=0)
                & Q(minutes_forwarding_days__gt=0)
                & Q(reception_hours__gt=0)
                & Q(status_consideration_days__gt=0)
                & Q(political_risk_days__gt=0)
                & Q(recruitment_in_place_days__gt=0),
                name="%(app_label)s_%(class)s_clocks_positive",
                violation_error_message="Every clock must be at least 1.",
            ),
            models.CheckConstraint(
                condition=Q(status=ProceduresStatus.DRAFT)
                | (
                    Q(effective_at__isnull=False)
                    & Q(chair_approved_at__isnull=False)
                    & Q(senior_approved_at__isnull=False)
                ),
                name="%(app_label)s_%(class)s_effective_needs_both_approvals",
                violation_error_message="A version becomes effective only with both approvals.",
            ),
        ]

    def __str__(self) -> str:
        return f"local operating procedures, version {self.number}"

    def clocks(self) -> dict[str, int]:
        return {name: int(getattr(self, name)) for name in DEFAULT_CLOCKS}
