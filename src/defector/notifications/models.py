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

from defector.notifications.choices import LINK_MAX_LENGTH, SUMMARY_MAX_LENGTH, NoticeKind


class Notice(models.Model):
    """One thing an official is told about (``6e``): seen only by its recipient."""

    recipient = models.ForeignKey(
        "directory.Official",
        on_delete=models.CASCADE,
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
