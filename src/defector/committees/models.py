"""Local Defector Committees (``6``): meetings and minutes (``6a``), local operating procedures
(``6b``), and the senior US representative's briefing register (``7b``) and guidance (``7c``).

A committee's members are not stored here: they are the officials holding the
``committee_member`` and ``committee_chair`` roles at its post (``directory.RoleAssignment``).
Only ``committees.actions`` writes these models; ``core.access`` decides who sees them.
Everything here names cases by cryptonym only.
"""

from __future__ import annotations

import uuid

from django.db import models
from django.db.models import F, Q
from django.utils import timezone

from defector.committees.choices import (
    AcknowledgedKind,
    AgendaSource,
    AttendanceStatus,
    BriefingPosition,
    MeetingStatus,
    MinutesStatus,
    ProceduresStatus,
)
from defector.policy.gates.committees import DEFAULT_CLOCKS

CRYPTONYMS_ONLY = "Cryptonyms only: never a true name or anything that identifies a person."


class Committee(models.Model):
    """The local Defector Committee of a post with diplomatic representation (``6``)."""

    post = models.OneToOneField(
        "directory.Post",
        on_delete=models.PROTECT,
        related_name="committee",
    )
    established_on = models.DateField(
        default=timezone.localdate,
        help_text="The quarterly meeting rule (6a) counts from the first whole quarter after it.",
    )
    created_at = models.DateTimeField(
        default=timezone.now,
    )

    class Meta:
        ordering = ["post__name"]

    def __str__(self) -> str:
        return f"Defector Committee, {self.post.name}"


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


class Minutes(models.Model):
    """The minutes of a held meeting (``6a``): drafted in the system (cryptonyms only), approved
    by the chair, forwarded to the IDC, whose receipt is acknowledged with who and when."""

    meeting = models.OneToOneField(
        Meeting,
        on_delete=models.CASCADE,
        related_name="minutes",
    )
    text = models.TextField(
        help_text=CRYPTONYMS_ONLY,
    )
    status = models.CharField(
        max_length=20,
        choices=MinutesStatus.choices,
        default=MinutesStatus.DRAFT,
    )
    version = models.PositiveIntegerField(
        default=1,
        help_text="Raised by every change; a stale version is refused (409).",
    )
    drafted_by = models.ForeignKey(
        "directory.Official",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    drafted_at = models.DateTimeField(
        default=timezone.now,
    )
    updated_at = models.DateTimeField(
        default=timezone.now,
    )
    approved_by = models.ForeignKey(
        "directory.Official",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    approved_at = models.DateTimeField(
        null=True,
        blank=True,
    )
    forwarded_by = models.ForeignKey(
        "directory.Official",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    forwarded_at = models.DateTimeField(
        null=True,
        blank=True,
    )
    receipt_acknowledged_by = models.ForeignKey(
        "directory.Official",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="The IDC member who acknowledged receipt.",
    )
    receipt_acknowledged_at = models.DateTimeField(
        null=True,
        blank=True,
    )

    class Meta:
        ordering = ["-meeting__starts_at"]
        verbose_name_plural = "minutes"
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=MinutesStatus.values),
                name="%(app_label)s_%(class)s_status_valid",
                violation_error_message="The minutes' status is not one of the choices.",
            ),
            models.CheckConstraint(
                condition=Q(status=MinutesStatus.DRAFT) | Q(approved_at__isnull=False),
                name="%(app_label)s_%(class)s_approved_has_approval",
                violation_error_message="Approved minutes need the chair's approval recorded.",
            ),
            models.CheckConstraint(
                condition=~Q(status=MinutesStatus.FORWARDED) | Q(forwarded_at__isnull=False),
                name="%(app_label)s_%(class)s_forwarded_has_time",
                violation_error_message="Forwarded minutes need the time they were forwarded.",
            ),
            models.CheckConstraint(
                condition=Q(receipt_acknowledged_at__isnull=True)
                | Q(status=MinutesStatus.FORWARDED),
                name="%(app_label)s_%(class)s_receipt_only_when_forwarded",
                violation_error_message="Only forwarded minutes can be acknowledged by the IDC.",
            ),
        ]

    def __str__(self) -> str:
        return f"minutes of the {self.meeting}"


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
                & Q(minutes_forwarding_days__gt=0),
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


class GuidanceDocument(models.Model):
    """Policy guidance from the senior US representative (``7c``), issued in versions."""

    committee = models.ForeignKey(
        Committee,
        on_delete=models.PROTECT,
        related_name="guidance",
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

    class Meta:
        ordering = ["committee", "-created_at"]

    def __str__(self) -> str:
        latest = self.versions.order_by("-number").first()
        return latest.title if latest is not None else f"guidance {self.pk}"


class GuidanceVersion(models.Model):
    """One issued version of a guidance document; members acknowledge each version (``6e``)."""

    document = models.ForeignKey(
        GuidanceDocument,
        on_delete=models.PROTECT,
        related_name="versions",
    )
    number = models.PositiveIntegerField()
    title = models.CharField(
        max_length=200,
    )
    body = models.TextField(
        help_text=CRYPTONYMS_ONLY,
    )
    issued_by = models.ForeignKey(
        "directory.Official",
        on_delete=models.PROTECT,
        related_name="+",
    )
    issued_at = models.DateTimeField(
        default=timezone.now,
    )

    class Meta:
        ordering = ["document", "-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["document", "number"],
                name="%(app_label)s_%(class)s_number_unique_per_document",
                violation_error_message="This guidance already has a version with this number.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} (version {self.number})"


class Acknowledgement(models.Model):
    """A member's acknowledgement of a version of the procedures or of a guidance document
    (``6e``): who, what, when. Exactly one of the two versions is set, as ``kind`` says."""

    committee = models.ForeignKey(
        Committee,
        on_delete=models.PROTECT,
        related_name="acknowledgements",
    )
    kind = models.CharField(
        max_length=20,
        choices=AcknowledgedKind.choices,
    )
    procedures_version = models.ForeignKey(
        ProceduresVersion,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="acknowledgements",
    )
    guidance_version = models.ForeignKey(
        GuidanceVersion,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="acknowledgements",
    )
    official = models.ForeignKey(
        "directory.Official",
        on_delete=models.PROTECT,
        related_name="committee_acknowledgements",
    )
    acknowledged_at = models.DateTimeField(
        default=timezone.now,
    )

    class Meta:
        ordering = ["-acknowledged_at"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(
                        kind=AcknowledgedKind.PROCEDURES,
                        procedures_version__isnull=False,
                        guidance_version__isnull=True,
                    )
                    | Q(
                        kind=AcknowledgedKind.GUIDANCE,
                        procedures_version__isnull=True,
                        guidance_version__isnull=False,
                    )
                ),
                name="%(app_label)s_%(class)s_one_document_of_its_kind",
                violation_error_message="An acknowledgement is of one document, of its kind.",
            ),
            models.UniqueConstraint(
                fields=["official", "procedures_version"],
                condition=Q(procedures_version__isnull=False),
                name="%(app_label)s_%(class)s_procedures_once",
                violation_error_message="You have already acknowledged this version.",
            ),
            models.UniqueConstraint(
                fields=["official", "guidance_version"],
                condition=Q(guidance_version__isnull=False),
                name="%(app_label)s_%(class)s_guidance_once",
                violation_error_message="You have already acknowledged this version.",
            ),
        ]

    def __str__(self) -> str:
        document = self.procedures_version or self.guidance_version
        return f"{self.official} acknowledged {document}"


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
