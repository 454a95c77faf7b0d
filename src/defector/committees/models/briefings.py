"""The briefing register (``7b``): officials in contact with disaffected persons, and their
briefings."""

from __future__ import annotations

from django.db import models
from django.db.models import F, Q
from django.utils import timezone

from defector.committees.choices import BriefingPosition
from defector.committees.models.committees import CRYPTONYMS_ONLY, Committee


class BriefedOfficial(models.Model):
    """An official not on the committee who is likely to be in contact with disaffected
    persons, in the senior US representative's briefing register (``7b``)."""

    committee = models.ForeignKey(
        Committee,
        on_delete=models.PROTECT,
        related_name="briefing_register",
    )
    official = models.ForeignKey(
        "directory.Official",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="briefing_entries",
        help_text="The official, when they have an account; otherwise give the name.",
    )
    name = models.CharField(
        max_length=200,
        blank=True,
        help_text="The US official's name when they are not in the directory.",
    )
    position = models.CharField(
        max_length=40,
        choices=BriefingPosition.choices,
    )
    position_detail = models.CharField(
        max_length=200,
        blank=True,
        help_text="e.g. Marine security guard detachment commander.",
    )
    active = models.BooleanField(
        default=True,
        help_text="Off when the official has left the post; the record stays.",
    )
    listed_by = models.ForeignKey(
        "directory.Official",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    listed_on = models.DateField(
        default=timezone.localdate,
    )

    class Meta:
        ordering = ["committee", "name", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(official__isnull=False) | ~Q(name=""),
                name="%(app_label)s_%(class)s_official_or_name",
                violation_error_message="Give the official or their name.",
            ),
            models.UniqueConstraint(
                fields=["committee", "official"],
                condition=Q(official__isnull=False),
                name="%(app_label)s_%(class)s_official_once_per_register",
                violation_error_message="This official is already in the briefing register.",
            ),
            models.CheckConstraint(
                condition=Q(position__in=BriefingPosition.values),
                name="%(app_label)s_%(class)s_position_valid",
                violation_error_message="The position is not one of the choices.",
            ),
        ]

    def __str__(self) -> str:
        return str(self.official) if self.official_id is not None else self.name


class Briefing(models.Model):
    """One briefing of a registered official on defector matters (``7b``): when, by whom, on
    what, and when the next is due (the interval in force when it was recorded)."""

    person = models.ForeignKey(
        BriefedOfficial,
        on_delete=models.PROTECT,
        related_name="briefings",
    )
    briefed_on = models.DateField()
    briefed_by = models.ForeignKey(
        "directory.Official",
        on_delete=models.PROTECT,
        related_name="+",
    )
    topics = models.TextField(
        help_text="What the briefing covered. " + CRYPTONYMS_ONLY,
    )
    next_due_on = models.DateField()
    recorded_by = models.ForeignKey(
        "directory.Official",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    recorded_at = models.DateTimeField(
        default=timezone.now,
    )

    class Meta:
        ordering = ["person", "-briefed_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(next_due_on__gt=F("briefed_on")),
                name="%(app_label)s_%(class)s_next_due_after_briefing",
                violation_error_message="The next briefing falls due after this one.",
            ),
        ]

    def __str__(self) -> str:
        return f"briefing of {self.person} on {self.briefed_on.isoformat()}"
