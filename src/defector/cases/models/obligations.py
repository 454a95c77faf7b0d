"""The obligations an assessment raises, worked as tasks with clocks."""

from __future__ import annotations

import datetime as dt

from django.db import models
from django.utils import timezone

from defector.cases.choices import ObligationStatus
from defector.cases.models.facts import Assessment
from defector.cases.models.intake import Case
from defector.policy.obligations import ObligationId


class Obligation(models.Model):
    """One obligation of the directive on one case, tracked as work: an owner, a due time,
    a status, and the evidence that discharged it (text, and the record it points to)."""

    case = models.ForeignKey(
        Case,
        on_delete=models.CASCADE,
        related_name="obligations",
    )
    identifier = models.CharField(
        max_length=60,
        help_text="The policy's obligation identifier, e.g. establish_bona_fides.",
    )
    clause = models.CharField(
        max_length=20,
        help_text="The clause that imposes it.",
    )
    title = models.CharField(
        max_length=200,
    )
    owner = models.ForeignKey(
        "directory.Official",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="owned_obligations",
    )
    status = models.CharField(
        max_length=20,
        choices=ObligationStatus.choices,
        default=ObligationStatus.OPEN,
    )
    arose_at = models.DateTimeField(
        default=timezone.now,
        help_text="When an assessment first found it.",
    )
    assessment = models.ForeignKey(
        Assessment,
        on_delete=models.PROTECT,
        db_index=False,  # nothing reads by it: assessments are never deleted
        null=True,
        blank=True,
        related_name="raised",
        help_text="The assessment that raised it.",
    )
    period = models.PositiveIntegerField(
        default=1,
        help_text="Which period of a recurring obligation this is (6d: every N days); 1 first.",
    )
    due_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="Empty: no clock (e.g. the voluntary statement, due before status).",
    )
    closed_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="When it was discharged, waived, or found no longer to apply.",
    )
    closed_by = models.ForeignKey(
        "directory.Official",
        on_delete=models.PROTECT,
        db_index=False,  # nothing reads by it: officials are deactivated, never deleted
        null=True,
        blank=True,
        related_name="closed_obligations",
    )
    evidence = models.TextField(
        blank=True,
        help_text="What discharged it, in words. Not sealed: never write a name here.",
    )
    evidence_label = models.CharField(
        max_length=60,
        blank=True,
        help_text="The record that discharged it: its model label, e.g. cases.casenote.",
    )
    evidence_id = models.CharField(
        max_length=64,
        blank=True,
        help_text="The record that discharged it: its id.",
    )
    note = models.TextField(
        blank=True,
        help_text="Why it was waived, or why it no longer applies.",
    )

    class Meta:
        ordering = ["case", "arose_at", "pk"]
        indexes = [
            # The compliance sweeps and the overdue counts read the open ones by due time.
            models.Index(
                fields=["due_at"],
                condition=models.Q(status=ObligationStatus.OPEN),
                name="cases_obligation_open_due",
            ),
            # A case's open and overdue obligations, counted for each row of the case list
            # from the index alone (``cases.queries.lists.OpenObligations``; the status in it
            # too: SQLite reads the row for a column of the condition otherwise).
            models.Index(
                fields=["case", "due_at", "status"],
                condition=models.Q(status=ObligationStatus.OPEN),
                name="cases_obligation_open_by_case",
            ),
            # The open obligations to disseminate threat information, soonest due first: the
            # case list's marker walks them and keeps those of the reader's cases
            # (``cases.queries.list_choices``), from the index alone on SQLite.
            models.Index(
                fields=["due_at", "id", "case", "identifier", "status"],
                condition=models.Q(
                    status=ObligationStatus.OPEN,
                    identifier=ObligationId.DISSEMINATE_THREAT_INFORMATION,
                ),
                name="cases_obligation_open_threats",
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["case", "identifier", "period"],
                condition=models.Q(status=ObligationStatus.OPEN),
                name="%(app_label)s_%(class)s_one_open_per_identifier_and_period",
                violation_error_message="The case already has this obligation open for the period.",
            ),
            models.CheckConstraint(
                condition=models.Q(period__gte=1),
                name="%(app_label)s_%(class)s_period_positive",
                violation_error_message="The first period is 1.",
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=ObligationStatus.values),
                name="%(app_label)s_%(class)s_status_valid",
                violation_error_message="The status is not one of the choices.",
            ),
            models.CheckConstraint(
                condition=~models.Q(status=ObligationStatus.DONE)
                | (~models.Q(evidence="") & models.Q(closed_at__isnull=False)),
                name="%(app_label)s_%(class)s_done_needs_evidence",
                violation_error_message="A discharged obligation needs its evidence.",
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=[ObligationStatus.OPEN, ObligationStatus.DONE])
                | (~models.Q(note="") & models.Q(closed_at__isnull=False)),
                name="%(app_label)s_%(class)s_set_aside_needs_note",
                violation_error_message="A waived or inapplicable obligation needs its reason.",
            ),
            models.CheckConstraint(
                condition=models.Q(evidence_id="") | ~models.Q(evidence_label=""),
                name="%(app_label)s_%(class)s_evidence_id_needs_label",
                violation_error_message="Evidence given by id needs the kind of record.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.identifier} on {self.case.cryptonym}"

    def is_overdue(self, now: dt.datetime) -> bool:
        return (
            self.status == ObligationStatus.OPEN and self.due_at is not None and self.due_at < now
        )
