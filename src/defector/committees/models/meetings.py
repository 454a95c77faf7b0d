"""Meetings (``6a``): their invitations, agenda and attendance."""

from __future__ import annotations

import uuid

from django.db import models
from django.db.models import F, Q
from django.utils import timezone

from defector.committees.choices import AgendaSource, AttendanceStatus, MeetingStatus
from defector.committees.models.committees import CRYPTONYMS_ONLY, Committee


class Meeting(models.Model):
    """A meeting of the committee (``6a``): when and where, its agenda, attendance and minutes.

    ``sequence`` rises with every change of time, place or status, as calendar clients expect
    (RFC 5545 ``SEQUENCE``).
    """

    committee = models.ForeignKey(
        Committee,
        on_delete=models.PROTECT,
        related_name="meetings",
    )
    uid = models.UUIDField(
        default=uuid.uuid4,
        unique=True,
        editable=False,
        help_text="The meeting's identity in calendars (iCalendar UID).",
    )
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    place = models.CharField(
        max_length=200,
        help_text="Where, in words that name no one: e.g. Chancery, secure conference room.",
    )
    status = models.CharField(
        max_length=20,
        choices=MeetingStatus.choices,
        default=MeetingStatus.SCHEDULED,
    )
    sequence = models.PositiveIntegerField(
        default=0,
        help_text="Raised by every change of time, place or status (iCalendar SEQUENCE).",
    )
    scheduled_by = models.ForeignKey(
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

    class Meta:
        ordering = ["-starts_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")),
                name="%(app_label)s_%(class)s_ends_after_it_starts",
                violation_error_message="A meeting must end after it starts.",
            ),
            models.CheckConstraint(
                condition=Q(status__in=MeetingStatus.values),
                name="%(app_label)s_%(class)s_status_valid",
                violation_error_message="The meeting's status is not one of the choices.",
            ),
        ]

    def __str__(self) -> str:
        return f"meeting of {self.starts_at:%Y-%m-%d %H:%M} UTC"


class MeetingInvitation(models.Model):
    """An invited representative's place at one meeting: the only meetings they see (``6``)."""

    meeting = models.ForeignKey(
        Meeting,
        on_delete=models.CASCADE,
        related_name="invitations",
    )
    official = models.ForeignKey(
        "directory.Official",
        on_delete=models.PROTECT,
        related_name="meeting_invitations",
    )
    invited_by = models.ForeignKey(
        "directory.Official",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    invited_at = models.DateTimeField(
        default=timezone.now,
    )

    class Meta:
        ordering = ["meeting", "official"]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "official"],
                name="%(app_label)s_%(class)s_once_per_meeting",
                violation_error_message="This official is already invited to the meeting.",
            ),
        ]

    def __str__(self) -> str:
        return f"invitation of {self.official} to the {self.meeting}"


class AgendaItem(models.Model):
    """One item of a meeting's agenda: an open case, a mutual problem, a due obligation, or
    other business. Its title uses cryptonyms only."""

    meeting = models.ForeignKey(
        Meeting,
        on_delete=models.CASCADE,
        related_name="agenda_items",
    )
    position = models.PositiveIntegerField(
        default=0,
    )
    source = models.CharField(
        max_length=20,
        choices=AgendaSource.choices,
        default=AgendaSource.OTHER,
    )
    title = models.CharField(
        max_length=300,
        help_text=CRYPTONYMS_ONLY,
    )
    case = models.ForeignKey(
        "cases.Case",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="agenda_items",
    )
    reference = models.CharField(
        max_length=100,
        blank=True,
        help_text="What the item was drawn from in another app, e.g. escalations.problem:12.",
    )
    notes = models.TextField(
        blank=True,
        help_text=CRYPTONYMS_ONLY,
    )
    added_by = models.ForeignKey(
        "directory.Official",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    added_at = models.DateTimeField(
        default=timezone.now,
    )

    class Meta:
        ordering = ["meeting", "position", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "case"],
                condition=Q(case__isnull=False),
                name="%(app_label)s_%(class)s_case_once_per_meeting",
                violation_error_message="This case is already on the agenda.",
            ),
            models.UniqueConstraint(
                fields=["meeting", "reference"],
                condition=~Q(reference=""),
                name="%(app_label)s_%(class)s_reference_once_per_meeting",
                violation_error_message="This item is already on the agenda.",
            ),
            models.CheckConstraint(
                condition=Q(source__in=AgendaSource.values),
                name="%(app_label)s_%(class)s_source_valid",
                violation_error_message="The agenda item's source is not one of the choices.",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class Attendance(models.Model):
    """Whether an official was present at a held meeting, absent, or excused."""

    meeting = models.ForeignKey(
        Meeting,
        on_delete=models.CASCADE,
        related_name="attendance",
    )
    official = models.ForeignKey(
        "directory.Official",
        on_delete=models.PROTECT,
        related_name="committee_attendance",
    )
    status = models.CharField(
        max_length=20,
        choices=AttendanceStatus.choices,
    )
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
        ordering = ["meeting", "official"]
        verbose_name_plural = "attendance"
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "official"],
                name="%(app_label)s_%(class)s_once_per_meeting",
                violation_error_message="This official's attendance is already recorded.",
            ),
            models.CheckConstraint(
                condition=Q(status__in=AttendanceStatus.values),
                name="%(app_label)s_%(class)s_status_valid",
                violation_error_message="The attendance is not one of the choices.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.official}: {self.get_status_display()}"
