"""The status reports a post sends the IDC (``6d``)."""

from __future__ import annotations

from django.db import models
from django.utils import timezone

from defector.reports.choices import Status


class StatusReport(models.Model):
    """One periodic status report on one case, generated from the case: its contents are a
    frozen snapshot (``contents``, JSON of cryptonyms, codes and labels, never a name), so what
    was sent is what is shown later. Drafted at the post, sent by its committee's chair,
    acknowledged by the IDC; sending discharges the period's ``report_to_idc`` obligation."""

    case = models.ForeignKey(
        "cases.Case",
        on_delete=models.CASCADE,
        related_name="idc_reports",
    )
    post = models.ForeignKey(
        "directory.Post",
        on_delete=models.PROTECT,
        related_name="idc_reports",
        help_text="The case's post when the report was drafted.",
    )
    number = models.PositiveIntegerField(
        help_text="The report's number in its case: 1 first.",
    )
    status = models.CharField(
        max_length=20,
        choices=Status.choices,
        default=Status.DRAFTED,
    )
    contents = models.JSONField(
        help_text="The report as generated from the case (reports.queries.contents).",
    )
    generated_at = models.DateTimeField(
        default=timezone.now,
        help_text="When the contents were generated (drafted, or last regenerated).",
    )
    prepared_by = models.ForeignKey(
        "directory.Official",
        on_delete=models.PROTECT,
        related_name="+",
        help_text="Who generated the contents last: the sender must be another (four eyes).",
    )
    comment = models.TextField(
        blank=True,
        help_text="The post's comment. Not sealed: never write a name here.",
    )
    drafted_at = models.DateTimeField(
        default=timezone.now,
    )
    drafted_by = models.ForeignKey(
        "directory.Official",
        on_delete=models.PROTECT,
        related_name="+",
    )
    sent_at = models.DateTimeField(
        null=True,
        blank=True,
    )
    sent_by = models.ForeignKey(
        "directory.Official",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    period = models.PositiveIntegerField(
        null=True,
        blank=True,
        help_text="The period of the report_to_idc obligation it discharged, when sent.",
    )
    obligation = models.ForeignKey(
        "cases.Obligation",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="The obligation it discharged, when sent (none open: none).",
    )
    acknowledged_at = models.DateTimeField(
        null=True,
        blank=True,
    )
    acknowledged_by = models.ForeignKey(
        "directory.Official",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    version = models.PositiveIntegerField(
        default=1,
        help_text="Raised by every change; a stale version is refused (409).",
    )

    class Meta:
        ordering = ["-drafted_at", "-pk"]
        indexes = [
            # A case's reports, and the counts of those received per case (the world view).
            models.Index(fields=["case", "status"], name="reports_report_case_status"),
            # What waits to be sent at a post, and to be acknowledged in Washington.
            models.Index(fields=["status", "post"], name="reports_report_status_post"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["case", "number"],
                name="%(app_label)s_%(class)s_number_unique_in_case",
                violation_error_message="The case has a report of this number already.",
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=Status.values),
                name="%(app_label)s_%(class)s_status_valid",
                violation_error_message="The status is not one of the choices.",
            ),
            models.CheckConstraint(
                condition=models.Q(status=Status.DRAFTED)
                | models.Q(sent_at__isnull=False, sent_by__isnull=False),
                name="%(app_label)s_%(class)s_sent_needs_sender",
                violation_error_message="A sent report needs its sender and time.",
            ),
            models.CheckConstraint(
                condition=~models.Q(status=Status.ACKNOWLEDGED)
                | models.Q(acknowledged_at__isnull=False, acknowledged_by__isnull=False),
                name="%(app_label)s_%(class)s_acknowledged_needs_who",
                violation_error_message="An acknowledged report needs who and when.",
            ),
        ]

    def __str__(self) -> str:
        return f"Report {self.number} on {self.case.cryptonym}"


class Standing(models.Model):
    """Where one case stands towards the IDC (``6d``), for Washington's worldwide view: one
    row per case on which the ``report_to_idc`` obligation ever arose, holding the figures the
    view filters, counts and shows. It is derived, never edited: written by
    ``reports.actions.standing`` in the same transaction as every change that moves one of its
    figures (a report's step, a ``6d`` period opened or closed, a stage change, a move between
    posts, a requirement's status, a publicity proposal), so that after a commit it equals a
    recomputation from those tables; ``defector report rebuild-standing`` recomputes them all.
    Whether a report is overdue depends on the time: it is ``next_due`` compared with now, in
    SQL. The post's code and country come from the post (joined). Who may see a row is the
    case's own rule (``cases.access.case_content``, registered in ``reports.access``) on the
    case's fields the row mirrors — sensitivity, post, Washington's custody — and the case's
    compartments, so the view never reads the cases table to restrict."""

    case = models.OneToOneField(
        "cases.Case",
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="idc_standing",
    )
    post = models.ForeignKey(
        "directory.Post",
        on_delete=models.PROTECT,
        db_index=False,  # read by reports_standing_post_stage, which leads with it
        related_name="+",
        help_text="The case's post (it follows a move between posts).",
    )
    cryptonym = models.CharField(max_length=40, help_text="The case's cryptonym.")
    sensitivity = models.CharField(max_length=30, help_text="The case's sensitivity (access).")
    in_washington = models.BooleanField(
        default=False, help_text="The case is in Washington's custody (access)."
    )
    stage = models.CharField(max_length=20)
    opened_at = models.DateTimeField(help_text="The case's opening: the view's order.")
    exploitation = models.CharField(
        max_length=20,
        help_text="The case's exploitation as a whole (policy.exploitation.overall).",
    )
    received = models.PositiveIntegerField(default=0, help_text="Reports sent or acknowledged.")
    acknowledged = models.PositiveIntegerField(default=0, help_text="Reports acknowledged.")
    drafts = models.PositiveIntegerField(default=0, help_text="Reports drafted, not sent.")
    next_due = models.DateTimeField(
        null=True,
        blank=True,
        help_text="The earliest due time of the open report_to_idc periods (none open: none).",
    )
    last_sent = models.DateTimeField(null=True, blank=True)
    proposals = models.PositiveIntegerField(
        default=0, help_text="Publicity proposals awaiting Washington's decision (6f)."
    )

    class Meta:
        indexes = [
            # The view's order (newest first) and its first page.
            models.Index(fields=["-opened_at", "-case"], name="reports_standing_order"),
            models.Index(fields=["post", "stage"], name="reports_standing_post_stage"),
            models.Index(fields=["next_due"], name="reports_standing_next_due"),
        ]

    def __str__(self) -> str:
        return f"Standing of case {self.case_id}"
