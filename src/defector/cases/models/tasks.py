"""The tasks of a case's handling (6b(3)(d))."""

from __future__ import annotations

import datetime as dt

from django.db import models
from django.utils import timezone

from defector.cases.choices import TaskStatus
from defector.cases.models.intake import Case


class CaseTask(models.Model):
    """A task to a participating organization (``6b(3)(d)``): to an agency, or to one
    official, with a due date. Assigned, then accepted or declined (with the reason), then
    done (with the result); withdrawn by the case's officers or committee when no longer
    needed."""

    case = models.ForeignKey(
        Case,
        on_delete=models.CASCADE,
        related_name="tasks",
    )
    title = models.CharField(
        max_length=200,
        help_text="Not sealed: call the person by the cryptonym, never by a name.",
    )
    details = models.TextField(
        blank=True,
        help_text="Not sealed: call the person by the cryptonym, never by a name.",
    )
    agency = models.ForeignKey(
        "directory.Agency",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="case_tasks",
        help_text="The organization tasked (or an official: exactly one of the two).",
    )
    official = models.ForeignKey(
        "directory.Official",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="case_tasks",
        help_text="The official tasked (or an organization: exactly one of the two).",
    )
    due_on = models.DateField(
        help_text="The day it is due; overdue after it while assigned or accepted.",
    )
    status = models.CharField(
        max_length=20,
        choices=TaskStatus.choices,
        default=TaskStatus.ASSIGNED,
    )
    created_at = models.DateTimeField(
        default=timezone.now,
    )
    created_by = models.ForeignKey(
        "directory.Official",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    responded_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="When it was accepted or declined.",
    )
    responded_by = models.ForeignKey(
        "directory.Official",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    decline_reason = models.TextField(
        blank=True,
    )
    completed_at = models.DateTimeField(
        null=True,
        blank=True,
    )
    completed_by = models.ForeignKey(
        "directory.Official",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    result = models.TextField(
        blank=True,
        help_text="What was done. Not sealed: call the person by the cryptonym.",
    )
    withdrawn_at = models.DateTimeField(
        null=True,
        blank=True,
    )
    withdrawal_reason = models.TextField(
        blank=True,
    )

    class Meta:
        ordering = ["case", "due_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(agency__isnull=False, official__isnull=True)
                | models.Q(agency__isnull=True, official__isnull=False),
                name="%(app_label)s_%(class)s_one_assignee",
                violation_error_message="A task goes to an agency or to an official: exactly one.",
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=TaskStatus.values),
                name="%(app_label)s_%(class)s_status_valid",
                violation_error_message="The status is not one of the choices.",
            ),
            models.CheckConstraint(
                condition=~models.Q(status=TaskStatus.DECLINED) | ~models.Q(decline_reason=""),
                name="%(app_label)s_%(class)s_declined_needs_reason",
                violation_error_message="A declined task needs the reason.",
            ),
            models.CheckConstraint(
                condition=~models.Q(status=TaskStatus.DONE)
                | (~models.Q(result="") & models.Q(completed_at__isnull=False)),
                name="%(app_label)s_%(class)s_done_needs_result",
                violation_error_message="A task done needs its result.",
            ),
            models.CheckConstraint(
                condition=~models.Q(status=TaskStatus.WITHDRAWN)
                | (~models.Q(withdrawal_reason="") & models.Q(withdrawn_at__isnull=False)),
                name="%(app_label)s_%(class)s_withdrawn_needs_reason",
                violation_error_message="A withdrawn task needs the reason.",
            ),
        ]

    def __str__(self) -> str:
        return f"task {self.pk} on {self.case.cryptonym}: {self.title}"

    @property
    def assignee_name(self) -> str:
        if self.agency_id is not None and self.agency is not None:
            return self.agency.code
        return str(self.official) if self.official is not None else ""

    def is_overdue(self, today: dt.date) -> bool:
        return self.status in (TaskStatus.ASSIGNED, TaskStatus.ACCEPTED) and self.due_on < today
