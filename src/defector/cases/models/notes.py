"""A case's timeline and its officials' notes."""

from __future__ import annotations

from django.db import models
from django.utils import timezone

from defector.cases.models.intake import Case


class TimelineEntry(models.Model):
    """One line of a case's timeline, written by every case action (``actions.record_event``)
    in the action's transaction, next to its audit record. Summaries name the case by its
    cryptonym only, never a person by name."""

    case = models.ForeignKey(
        Case,
        on_delete=models.CASCADE,
        db_index=False,  # read by cases_timeline_case_at, which leads with it
        related_name="timeline",
    )
    at = models.DateTimeField(
        default=timezone.now,
    )
    actor = models.ForeignKey(
        "directory.Official",
        on_delete=models.PROTECT,
        db_index=False,  # nothing reads by it: officials are deactivated, never deleted
        null=True,
        blank=True,
        related_name="+",
        help_text="Empty: the system.",
    )
    actor_name = models.CharField(
        max_length=200,
        help_text="A copy of the actor's name at the time.",
    )
    kind = models.CharField(
        max_length=80,
        help_text="What happened, as the audit action code, e.g. cases.case.move.",
    )
    summary = models.CharField(
        max_length=500,
    )
    object_label = models.CharField(
        max_length=60,
        blank=True,
        help_text="The record concerned: its model label, e.g. cases.obligation.",
    )
    object_id = models.CharField(
        max_length=64,
        blank=True,
    )
    audit_seq = models.BigIntegerField(
        null=True,
        blank=True,
        help_text="The audit event written with it.",
    )

    class Meta:
        ordering = ["case", "at", "pk"]
        verbose_name_plural = "timeline entries"
        indexes = [
            models.Index(
                fields=["case", "at"],
                name="cases_timeline_case_at",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.case.cryptonym}: {self.summary}"


class CaseNote(models.Model):
    """A note on a case. Not sealed — searchable by everyone who sees the case — so it never
    holds a true name: the subject is the cryptonym."""

    case = models.ForeignKey(
        Case,
        on_delete=models.CASCADE,
        related_name="notes",
    )
    author = models.ForeignKey(
        "directory.Official",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="case_notes",
    )
    text = models.TextField(
        help_text=(
            "Not sealed, and searchable by everyone who sees the case: never write a true "
            "name, alias or identity document here; call the person by the cryptonym."
        ),
    )
    at = models.DateTimeField(
        default=timezone.now,
    )

    class Meta:
        ordering = ["case", "at", "pk"]

    def __str__(self) -> str:
        return f"note {self.pk} on {self.case.cryptonym}"
