"""What each official is told of their posts' defector matters (``6e``).

A :class:`Notice` is one line of an official's feed — the *What's new* page — written by
``notifications.actions`` after another app's change has committed. Its summary names cases by
cryptonym and posts and agencies by code, never a person by name. A :class:`LastVisit` is the
marker that makes "since your last visit" work.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils import timezone

from defector.notifications.choices import (
    LINK_MAX_LENGTH,
    SUMMARY_MAX_LENGTH,
    EmailStatus,
    NoticeKind,
)


class Notice(models.Model):
    """One thing an official is told about (``6e``): seen only by its recipient."""

    recipient = models.ForeignKey(
        "directory.Official",
        on_delete=models.CASCADE,
        db_index=False,  # read by notifications_recipient_time, which leads with it
        related_name="notices",
    )
    kind = models.CharField(
        max_length=20,
        choices=NoticeKind.choices,
    )
    summary = models.CharField(
        max_length=SUMMARY_MAX_LENGTH,
        help_text="What happened, by cryptonyms and codes only: never a true name.",
    )
    link = models.CharField(
        max_length=LINK_MAX_LENGTH,
        blank=True,
        help_text="The path of the page that shows it, e.g. /escalations/12/.",
    )
    post = models.ForeignKey(
        "directory.Post",
        on_delete=models.PROTECT,
        db_index=False,  # nothing reads by it: posts are never deleted
        null=True,
        blank=True,
        related_name="notices",
        help_text="The post the matter belongs to (empty for Washington's matters).",
    )
    created_at = models.DateTimeField(
        default=timezone.now,
    )
    read_at = models.DateTimeField(
        null=True,
        blank=True,
    )

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(
                fields=["recipient", "-created_at"],
                name="notifications_recipient_time",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=NoticeKind.values),
                name="%(app_label)s_%(class)s_kind_valid",
                violation_error_message="The kind of notice is not one of the choices.",
            ),
            models.CheckConstraint(
                condition=~Q(summary=""),
                name="%(app_label)s_%(class)s_summary_required",
                violation_error_message="A notice needs a summary.",
            ),
            models.CheckConstraint(
                condition=Q(link="") | Q(link__startswith="/"),
                name="%(app_label)s_%(class)s_link_is_a_path",
                violation_error_message="A notice links to a path of this site.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} notice for official {self.recipient_id}"


class LastVisit(models.Model):
    """When an official last opened their What's new page (``6e``)."""

    official = models.OneToOneField(
        "directory.Official",
        on_delete=models.CASCADE,
        related_name="last_visit",
    )
    visited_at = models.DateTimeField(
        help_text="The end of what the official was last shown.",
    )

    def __str__(self) -> str:
        return f"Last visit of official {self.official_id}"


class OutboundEmail(models.Model):
    """One e-mail of a notice to one address: the outbox (``6e``).

    Written in the same transaction as its notice, so an e-mail is queued exactly when a
    notice is; sent afterwards by the worker (``notifications.actions.outbox``), which claims
    it with a lease before sending and marks it sent after. Its ``Message-ID`` is derived from
    the row, so the same e-mail sent twice (a worker killed after the server accepted it and
    before it was marked sent) is recognisably the same message."""

    notice = models.OneToOneField(
        Notice,
        on_delete=models.CASCADE,
        related_name="email",
    )
    to_address = models.EmailField(
        help_text="The recipient's address when the notice was written.",
    )
    subject = models.CharField(
        max_length=200,
        help_text="Cryptonyms and codes only, like the notice's summary.",
    )
    body = models.TextField()
    message_id = models.CharField(
        max_length=200,
        unique=True,
        help_text="The Message-ID header, the same at every try.",
    )
    status = models.CharField(
        max_length=20,
        choices=EmailStatus.choices,
        default=EmailStatus.PENDING,
    )
    attempts = models.PositiveIntegerField(
        default=0,
        help_text="How many times a worker has started to send it.",
    )
    next_attempt_at = models.DateTimeField(
        default=timezone.now,
        help_text="When it may be tried (again).",
    )
    claimed_by = models.CharField(
        max_length=200,
        blank=True,
        help_text="The worker sending it now (status sending).",
    )
    lease_until = models.DateTimeField(
        null=True,
        blank=True,
        help_text="After this, another worker may take it back (its sender is presumed dead).",
    )
    last_error = models.CharField(
        max_length=500,
        blank=True,
    )
    created_at = models.DateTimeField(
        default=timezone.now,
    )
    sent_at = models.DateTimeField(
        null=True,
        blank=True,
    )

    class Meta:
        ordering = ["pk"]
        indexes = [
            models.Index(
                fields=["status", "next_attempt_at"],
                name="notifications_outbox_due",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=EmailStatus.values),
                name="%(app_label)s_%(class)s_status_valid",
                violation_error_message="The status of the e-mail is not one of the choices.",
            ),
            models.CheckConstraint(
                condition=~Q(status=EmailStatus.SENT) | Q(sent_at__isnull=False),
                name="%(app_label)s_%(class)s_sent_has_time",
                violation_error_message="A sent e-mail has the time it was sent.",
            ),
        ]

    def __str__(self) -> str:
        return f"E-mail of notice {self.notice_id} ({self.get_status_display().lower()})"


class Reminder(models.Model):
    """That a one-time reminder was given (a task overdue, ``6b(3)(d)``): its key is unique,
    so two workers sweeping at once remind once — the second one's insert fails and its
    notices roll back with it."""

    key = models.CharField(
        max_length=200,
        unique=True,
        help_text="What was reminded of, e.g. cases.casetask:12:overdue.",
    )
    sent_at = models.DateTimeField(
        default=timezone.now,
    )
    recipients = models.PositiveIntegerField(
        default=0,
        help_text="How many officials were told.",
    )

    def __str__(self) -> str:
        return f"Reminder {self.key}"
