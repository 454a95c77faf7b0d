"""Cases and what hangs off them: the subject (identity sealed, ``core.sealing``), the
assessments of the facts, the obligations they raise, the timeline and the notes.

Only ``cases.actions`` writes these models; ``cases.queries`` reads them for display, through
``core.access`` (every model here has a rule there: the case's own).
"""

from __future__ import annotations

import datetime as dt
import uuid

from django.db import models
from django.utils import timezone

from defector.cases.choices import CaseOutcome, IntakeKind, ObligationStatus, Stage
from defector.core.sealing import SealedField


class Case(models.Model):
    """One person's case at one post, known everywhere by its cryptonym.

    Visible to the post's committee, its assigned officers, the post's senior representative
    and Washington, to those cleared for its sensitivity and all of its compartments
    (``core.access``).
    """

    cryptonym = models.CharField(
        max_length=40,
        unique=True,
        help_text="Assigned at intake from the word list; never derived from the name.",
    )
    post = models.ForeignKey(
        "directory.Post",
        on_delete=models.PROTECT,
        related_name="cases",
    )
    sensitivity = models.CharField(
        max_length=30,
        help_text="One of the configured sensitivity levels.",
    )
    kind = models.CharField(
        max_length=30,
        choices=IntakeKind.choices,
        default=IntakeKind.WALK_IN,
        help_text="How the person came to the program's attention (6b(1)).",
    )
    compartments = models.ManyToManyField(
        "directory.Compartment",
        blank=True,
        related_name="cases",
    )
    officers = models.ManyToManyField(
        "directory.Official",
        blank=True,
        related_name="assigned_cases",
        help_text="The case officers assigned to the case.",
    )
    invited = models.ManyToManyField(
        "directory.Official",
        blank=True,
        related_name="invited_cases",
        help_text="Invited representatives who take part in this case (6).",
    )
    opened_at = models.DateTimeField(
        default=timezone.now,
    )
    opened_by = models.ForeignKey(
        "directory.Official",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="opened_cases",
        help_text="The official who opened the case (empty when opened by the system).",
    )
    version = models.PositiveIntegerField(
        default=1,
        help_text="Raised by every change; a stale version is refused (409).",
    )
    received_at = models.DateTimeField(
        default=timezone.now,
        help_text="When the person presented themselves, or was reported.",
    )
    received_where = models.CharField(
        max_length=300,
        blank=True,
        help_text=(
            "Where the person presented themselves (or was met). Not sealed: never write a "
            "name here."
        ),
    )
    request_other = models.CharField(
        max_length=300,
        blank=True,
        help_text=(
            "What the person asked for besides asylum or escape assistance. Not sealed: never "
            "write a name here."
        ),
    )
    stage = models.CharField(
        max_length=20,
        choices=Stage.choices,
        default=Stage.RECEPTION,
        help_text="Where the case stands (cases.lifecycle).",
    )
    outcome = models.CharField(
        max_length=20,
        choices=CaseOutcome.choices,
        blank=True,
        help_text="How the case ended; set when it is closed, cleared when it is reopened.",
    )
    categories = models.JSONField(
        default=list,
        blank=True,
        help_text="The categories of the latest assessment (2a-2f), for lists and filters.",
    )
    changed_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="When the case was last changed (with its version).",
    )
    changed_by = models.ForeignKey(
        "directory.Official",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="changed_cases",
        help_text="Who last changed the case (empty: the system).",
    )

    class Meta:
        ordering = ["-opened_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(stage__in=Stage.values),
                name="%(app_label)s_%(class)s_stage_valid",
                violation_error_message="The stage is not one of the stages of a case.",
            ),
            models.CheckConstraint(
                condition=(
                    models.Q(stage=Stage.CLOSED, outcome__in=CaseOutcome.values)
                    | (~models.Q(stage=Stage.CLOSED) & models.Q(outcome=""))
                ),
                name="%(app_label)s_%(class)s_outcome_only_when_closed",
                violation_error_message="A closed case needs an outcome; an open one has none.",
            ),
            models.CheckConstraint(
                condition=models.Q(version__gte=1),
                name="%(app_label)s_%(class)s_version_positive",
                violation_error_message="The version of a case starts at 1.",
            ),
        ]

    def __str__(self) -> str:
        return self.cryptonym


class Subject(models.Model):
    """The person a case is about. Everything identifying is sealed; lists use the cryptonym."""

    case = models.OneToOneField(
        Case,
        on_delete=models.CASCADE,
        related_name="subject",
    )
    seal_uid = models.UUIDField(
        default=uuid.uuid4,
        unique=True,
        editable=False,
        help_text="Binds the sealed values to this row.",
    )
    true_name = SealedField(
        null=True,
        blank=True,
    )
    aliases = SealedField(
        null=True,
        blank=True,
    )
    birth_date = SealedField(
        null=True,
        blank=True,
    )
    birth_place = SealedField(
        null=True,
        blank=True,
    )
    identity_documents = SealedField(
        null=True,
        blank=True,
    )

    def __str__(self) -> str:
        return f"subject of {self.case.cryptonym}"


class Assessment(models.Model):
    """One assessment of a case's facts under the directive, kept for good: every change of
    the facts adds one (``number`` 1, 2, …), with the policy version that decided it."""

    case = models.ForeignKey(
        Case,
        on_delete=models.CASCADE,
        related_name="assessments",
    )
    number = models.PositiveIntegerField(
        help_text="1 for the first assessment of the case, then 2, 3 …",
    )
    facts = models.JSONField(
        help_text="The facts assessed: the contract's facts object, every field filled in.",
    )
    outcome = models.JSONField(
        help_text="The contract's outcome object for these facts.",
    )
    categories = models.JSONField(
        default=list,
        help_text="The categories that hold, in the contract's order.",
    )
    applies = models.BooleanField(
        help_text="Whether the directive applies (1, 2a, 3).",
    )
    obligations = models.JSONField(
        default=list,
        help_text="The obligations that arise, in the contract's order.",
    )
    policy_version = models.CharField(
        max_length=40,
        help_text="The version of the rules that decided.",
    )
    assessed_at = models.DateTimeField(
        default=timezone.now,
    )
    assessed_by = models.ForeignKey(
        "directory.Official",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="assessments",
    )

    class Meta:
        ordering = ["case", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["case", "number"],
                name="%(app_label)s_%(class)s_number_unique_per_case",
                violation_error_message="The case already has an assessment with this number.",
            ),
        ]

    def __str__(self) -> str:
        return f"assessment {self.number} of {self.case.cryptonym}"


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
        null=True,
        blank=True,
        related_name="raised",
        help_text="The assessment that raised it.",
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
        constraints = [
            models.UniqueConstraint(
                fields=["case", "identifier"],
                condition=models.Q(status=ObligationStatus.OPEN),
                name="%(app_label)s_%(class)s_one_open_per_identifier",
                violation_error_message="The case already has this obligation open.",
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


class TimelineEntry(models.Model):
    """One line of a case's timeline, written by every case action (``actions.record_event``)
    in the action's transaction, next to its audit record. Summaries name the case by its
    cryptonym only, never a person by name."""

    case = models.ForeignKey(
        Case,
        on_delete=models.CASCADE,
        related_name="timeline",
    )
    at = models.DateTimeField(
        default=timezone.now,
    )
    actor = models.ForeignKey(
        "directory.Official",
        on_delete=models.PROTECT,
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


# --- Handling: bona fides, the voluntary statement, tasks (6b(3)(b)-(d)) --------------------

# Imported here rather than at the top, so that this block and the determinations' block
# below change separate lines of the file.
from defector.cases.choices import (  # noqa: E402
    BonaFidesCheckKind,
    BonaFidesVerdictKind,
    CheckResult,
    SignatureMethod,
    TaskStatus,
)


class BonaFidesCheck(models.Model):
    """One check of the person's bona fides (``6b(3)(b)``): identity documents, name traces,
    debriefing consistency, an interview or polygraph, liaison traces. Recorded pending, then
    completed once with its result; a completed check is final (a re-check is a new check),
    so that a verdict never rests on a result that changed under it."""

    case = models.ForeignKey(
        Case,
        on_delete=models.CASCADE,
        related_name="bona_fides_checks",
    )
    kind = models.CharField(
        max_length=40,
        choices=BonaFidesCheckKind.choices,
    )
    result = models.CharField(
        max_length=20,
        choices=CheckResult.choices,
        default=CheckResult.PENDING,
    )
    analyst = models.ForeignKey(
        "directory.Official",
        on_delete=models.PROTECT,
        related_name="bona_fides_checks",
        help_text="The official who makes (or made) the check.",
    )
    checked_on = models.DateField(
        null=True,
        blank=True,
        help_text="When the check was made; required once it has a result.",
    )
    finding = models.TextField(
        blank=True,
        help_text=(
            "What the check found, in short. Not sealed: call the person by the cryptonym, "
            "never by a name."
        ),
    )
    recorded_at = models.DateTimeField(
        default=timezone.now,
    )
    recorded_by = models.ForeignKey(
        "directory.Official",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    completed_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="When its result was recorded.",
    )

    class Meta:
        ordering = ["case", "recorded_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind__in=BonaFidesCheckKind.values),
                name="%(app_label)s_%(class)s_kind_valid",
                violation_error_message="The kind is not one of the bona fides checks.",
            ),
            models.CheckConstraint(
                condition=models.Q(result__in=CheckResult.values),
                name="%(app_label)s_%(class)s_result_valid",
                violation_error_message="The result is not one of the choices.",
            ),
            models.CheckConstraint(
                condition=models.Q(result=CheckResult.PENDING)
                | (
                    models.Q(checked_on__isnull=False)
                    & models.Q(completed_at__isnull=False)
                    & ~models.Q(finding="")
                ),
                name="%(app_label)s_%(class)s_result_needs_date_and_finding",
                violation_error_message="A check with a result needs its date and its finding.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} check {self.pk} on {self.case.cryptonym}"

    @property
    def completed(self) -> bool:
        return self.result != CheckResult.PENDING


class BonaFidesVerdict(models.Model):
    """A verdict on the person's bona fides (``6b(3)(b)``), citing the completed checks it
    rests on. A new verdict supersedes the previous one, which is kept."""

    case = models.ForeignKey(
        Case,
        on_delete=models.CASCADE,
        related_name="bona_fides_verdicts",
    )
    number = models.PositiveIntegerField(
        help_text="1 for the case's first verdict, then 2, 3 …",
    )
    verdict = models.CharField(
        max_length=20,
        choices=BonaFidesVerdictKind.choices,
    )
    checks = models.ManyToManyField(
        BonaFidesCheck,
        related_name="cited_by",
        help_text="The completed checks the verdict rests on.",
    )
    basis = models.JSONField(
        default=list,
        help_text="The cited checks as they stood: id, kind and result of each.",
    )
    rationale = models.TextField(
        help_text="Why. Not sealed: call the person by the cryptonym, never by a name.",
    )
    recorded_at = models.DateTimeField(
        default=timezone.now,
    )
    recorded_by = models.ForeignKey(
        "directory.Official",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    superseded_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="When a newer verdict replaced it; empty for the current verdict.",
    )

    class Meta:
        ordering = ["case", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["case", "number"],
                name="%(app_label)s_%(class)s_number_unique_per_case",
                violation_error_message="The case already has a verdict with this number.",
            ),
            models.UniqueConstraint(
                fields=["case"],
                condition=models.Q(superseded_at__isnull=True),
                name="%(app_label)s_%(class)s_one_current_per_case",
                violation_error_message="The case already has a current verdict.",
            ),
            models.CheckConstraint(
                condition=models.Q(verdict__in=BonaFidesVerdictKind.values),
                name="%(app_label)s_%(class)s_verdict_valid",
                violation_error_message="The verdict is not one of the choices.",
            ),
        ]

    def __str__(self) -> str:
        return f"bona fides verdict {self.number} on {self.case.cryptonym}"


class VoluntaryStatement(models.Model):
    """The person's signed statement that the defection is voluntary and that they request
    political asylum (``6b(3)(c)``): its text in their language and in English, the signature
    (a scanned signed statement, or a signature drawn on screen) stored as a file with its
    SHA-256 hash, the official who witnessed it, and a withdrawal if the person withdraws it.
    It counts while it is witnessed and not withdrawn."""

    case = models.ForeignKey(
        Case,
        on_delete=models.CASCADE,
        related_name="statements",
    )
    language_code = models.CharField(
        max_length=35,
        help_text="The language of the original text, as a language tag: ru, zh, pl, cs …",
    )
    language_name = models.CharField(
        max_length=100,
        help_text="The language's name in English: Russian, Chinese, Polish …",
    )
    text_original = models.TextField(
        help_text="The statement in the person's language.",
    )
    text_english = models.TextField(
        help_text="The statement in English.",
    )
    signature_method = models.CharField(
        max_length=20,
        choices=SignatureMethod.choices,
    )
    file_path = models.CharField(
        max_length=300,
        help_text="Where the signature file is, under MEDIA_ROOT; served only through an "
        "access-checked view.",
    )
    content_type = models.CharField(
        max_length=40,
        help_text="The file's type, from its content: application/pdf, image/png, image/jpeg.",
    )
    size = models.PositiveIntegerField(
        help_text="The file's size in bytes.",
    )
    sha256 = models.CharField(
        max_length=64,
        help_text="The SHA-256 hash of the file, hex.",
    )
    signed_at = models.DateTimeField(
        help_text="When the person signed.",
    )
    recorded_at = models.DateTimeField(
        default=timezone.now,
    )
    recorded_by = models.ForeignKey(
        "directory.Official",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="recorded_statements",
    )
    witness = models.ForeignKey(
        "directory.Official",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="witnessed_statements",
        help_text="The official who witnessed the signature (an official of the post, not "
        "the one who recorded the statement).",
    )
    witnessed_at = models.DateTimeField(
        null=True,
        blank=True,
    )
    withdrawn_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="When the person withdrew the statement; it no longer counts.",
    )
    withdrawn_by = models.ForeignKey(
        "directory.Official",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="The official who recorded the withdrawal.",
    )
    withdrawal_reason = models.TextField(
        blank=True,
        help_text="Not sealed: call the person by the cryptonym, never by a name.",
    )

    class Meta:
        ordering = ["case", "recorded_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(signature_method__in=SignatureMethod.values),
                name="%(app_label)s_%(class)s_signature_method_valid",
                violation_error_message="The signature method is not one of the choices.",
            ),
            models.CheckConstraint(
                condition=~models.Q(sha256="") & ~models.Q(file_path=""),
                name="%(app_label)s_%(class)s_signed_file_and_hash",
                violation_error_message="A statement needs its signature file and its hash.",
            ),
            models.CheckConstraint(
                condition=models.Q(witness__isnull=True, witnessed_at__isnull=True)
                | models.Q(witness__isnull=False, witnessed_at__isnull=False),
                name="%(app_label)s_%(class)s_witness_with_time",
                violation_error_message="A witness needs the time of witnessing, and the reverse.",
            ),
            models.CheckConstraint(
                condition=models.Q(withdrawn_at__isnull=True, withdrawal_reason="")
                | (models.Q(withdrawn_at__isnull=False) & ~models.Q(withdrawal_reason="")),
                name="%(app_label)s_%(class)s_withdrawal_needs_reason",
                violation_error_message="A withdrawal needs its reason.",
            ),
        ]

    def __str__(self) -> str:
        return f"voluntary statement {self.pk} on {self.case.cryptonym}"

    @property
    def counts(self) -> bool:
        """Signed (it has its file), witnessed, and not withdrawn."""
        return bool(self.sha256) and self.witnessed_at is not None and self.withdrawn_at is None


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


# --- Determinations: political risk, status, inducement (2b, 5a, 6b(2), 7a) -----------------

from django.urls import reverse  # noqa: E402

from defector.cases.choices import (  # noqa: E402
    AgencyStance,
    RecruitmentConclusion,
    RiskLevel,
    RiskSubject,
    StatusDecision,
)


class PoliticalRiskDetermination(models.Model):
    """The Senior US Representative's determination (``7a``) of the manner and degree to which
    the case as a whole, or one contemplated action (inducement, exfiltration, publicity), may
    affect the political and diplomatic interests of the US.

    A new determination for the same case and subject supersedes the one in force (which is
    kept, with ``superseded_at``); the one in force has none.
    """

    case = models.ForeignKey(
        Case,
        on_delete=models.CASCADE,
        related_name="risk_determinations",
    )
    subject = models.CharField(
        max_length=20,
        choices=RiskSubject.choices,
        default=RiskSubject.CASE,
        help_text="The case as a whole, or the contemplated action it is about.",
    )
    level = models.CharField(
        max_length=20,
        choices=RiskLevel.choices,
    )
    reasoning = models.TextField(
        help_text="Not sealed: call the person by the cryptonym, never by name.",
    )
    determined_at = models.DateTimeField(
        default=timezone.now,
    )
    determined_by = models.ForeignKey(
        "directory.Official",
        on_delete=models.PROTECT,
        related_name="risk_determinations",
    )
    supersedes = models.OneToOneField(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="superseded_by",
        help_text="The determination this one replaced.",
    )
    superseded_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="When a newer determination replaced this one (empty: in force).",
    )

    class Meta:
        ordering = ["case", "-determined_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["case", "subject"],
                condition=models.Q(superseded_at__isnull=True),
                name="%(app_label)s_%(class)s_one_in_force_per_subject",
                violation_error_message="The case already has a determination in force on this.",
            ),
            models.CheckConstraint(
                condition=models.Q(subject__in=RiskSubject.values),
                name="%(app_label)s_%(class)s_subject_valid",
                violation_error_message="The subject is not the case or a contemplated action.",
            ),
            models.CheckConstraint(
                condition=models.Q(level__in=RiskLevel.values),
                name="%(app_label)s_%(class)s_level_valid",
                violation_error_message="The level is not one of the risk levels.",
            ),
            models.CheckConstraint(
                condition=~models.Q(reasoning=""),
                name="%(app_label)s_%(class)s_reasoning_required",
                violation_error_message="A determination states its reasoning.",
            ),
        ]

    def __str__(self) -> str:
        what = "the case" if self.subject == RiskSubject.CASE else self.get_subject_display()
        return f"{self.case.cryptonym}: {what.lower()}, {self.get_level_display().lower()} risk"

    def get_absolute_url(self) -> str:
        return reverse("cases:detail", args=[self.case_id]) + "#section-political-risk"


class StatusDetermination(models.Model):
    """The local Defector Committee's determination of defector status (``6b(2)``): grant,
    decline or defer, weighing the special value of the defection against the political
    risk, with the rationale and each participating agency's position (:class:`AgencyPosition`).

    Recorded by the committee chair, or by a committee member on the chair's behalf
    (``on_behalf_of``). Every determination is kept; the latest is the one that stands.
    """

    case = models.ForeignKey(
        Case,
        on_delete=models.CASCADE,
        related_name="status_determinations",
    )
    decision = models.CharField(
        max_length=10,
        choices=StatusDecision.choices,
    )
    special_value = models.TextField(
        help_text="The special value of the defection as the committee weighed it (2a(1)-(3)).",
    )
    rationale = models.TextField(
        help_text=(
            "Why: special value against political risk. Not sealed: call the person by the "
            "cryptonym."
        ),
    )
    risk_determination = models.ForeignKey(
        PoliticalRiskDetermination,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="status_determinations",
        help_text="The 7a determination for the case in force when the committee decided.",
    )
    decided_at = models.DateTimeField(
        default=timezone.now,
    )
    decided_by = models.ForeignKey(
        "directory.Official",
        on_delete=models.PROTECT,
        related_name="status_determinations",
    )
    on_behalf_of = models.ForeignKey(
        "directory.Official",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="status_determinations_for",
        help_text="The committee chair, when a member recorded it on the chair's behalf.",
    )

    class Meta:
        ordering = ["case", "-decided_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(decision__in=StatusDecision.values),
                name="%(app_label)s_%(class)s_decision_valid",
                violation_error_message="The decision is grant, decline or defer.",
            ),
            models.CheckConstraint(
                condition=~models.Q(rationale=""),
                name="%(app_label)s_%(class)s_rationale_required",
                violation_error_message="A status determination states its rationale.",
            ),
            models.CheckConstraint(
                condition=~models.Q(decision=StatusDecision.GRANT)
                | models.Q(risk_determination__isnull=False),
                name="%(app_label)s_%(class)s_grant_needs_7a",
                violation_error_message="A grant rests on the 7a determination for the case.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.case.cryptonym}: {self.get_decision_display().lower()}"


class AgencyPosition(models.Model):
    """One participating agency's position on a status determination: concur, or dissent
    with a note. One row for each agency represented on the post's committee."""

    determination = models.ForeignKey(
        StatusDetermination,
        on_delete=models.CASCADE,
        related_name="positions",
    )
    agency = models.ForeignKey(
        "directory.Agency",
        on_delete=models.PROTECT,
        related_name="status_positions",
    )
    stance = models.CharField(
        max_length=10,
        choices=AgencyStance.choices,
    )
    note = models.TextField(
        blank=True,
        help_text="Required with a dissent. Not sealed: never a name.",
    )

    class Meta:
        ordering = ["determination", "agency__code"]
        constraints = [
            models.UniqueConstraint(
                fields=["determination", "agency"],
                name="%(app_label)s_%(class)s_one_per_agency",
                violation_error_message="The agency has a position on this determination already.",
            ),
            models.CheckConstraint(
                condition=models.Q(stance__in=AgencyStance.values),
                name="%(app_label)s_%(class)s_stance_valid",
                violation_error_message="The position is concur or dissent.",
            ),
            models.CheckConstraint(
                condition=~models.Q(stance=AgencyStance.DISSENT) | ~models.Q(note=""),
                name="%(app_label)s_%(class)s_dissent_needs_note",
                violation_error_message="A dissent says why.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.agency.code} {self.get_stance_display().lower()}"


class RefugeeReferral(models.Model):
    """A person declined defector status, referred as a refugee (``2f``), with the reason."""

    case = models.ForeignKey(
        Case,
        on_delete=models.CASCADE,
        related_name="refugee_referrals",
    )
    determination = models.ForeignKey(
        StatusDetermination,
        on_delete=models.PROTECT,
        related_name="refugee_referrals",
        help_text="The declining status determination.",
    )
    reason = models.TextField(
        help_text="Why the person is referred as a refugee (2f). Not sealed: never a name.",
    )
    referred_to = models.CharField(
        max_length=300,
        blank=True,
        help_text="The office or organization the person is referred to.",
    )
    referred_at = models.DateTimeField(
        default=timezone.now,
    )
    referred_by = models.ForeignKey(
        "directory.Official",
        on_delete=models.PROTECT,
        related_name="refugee_referrals",
    )

    class Meta:
        ordering = ["case", "-referred_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(reason=""),
                name="%(app_label)s_%(class)s_reason_required",
                violation_error_message="A referral states its reason.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.case.cryptonym}: referred as a refugee"


class RecruitmentConsideration(models.Model):
    """A recorded consideration (``5a(1)``) of whether recruitment in place would better
    serve the interests of the US than inducing defection. Every one is kept; the latest
    stands."""

    case = models.ForeignKey(
        Case,
        on_delete=models.CASCADE,
        related_name="recruitment_considerations",
    )
    conclusion = models.CharField(
        max_length=20,
        choices=RecruitmentConclusion.choices,
    )
    reasoning = models.TextField(
        help_text="Not sealed: call the person by the cryptonym, never by name.",
    )
    considered_at = models.DateTimeField(
        default=timezone.now,
    )
    considered_by = models.ForeignKey(
        "directory.Official",
        on_delete=models.PROTECT,
        related_name="recruitment_considerations",
    )

    class Meta:
        ordering = ["case", "-considered_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(conclusion__in=RecruitmentConclusion.values),
                name="%(app_label)s_%(class)s_conclusion_valid",
                violation_error_message="The conclusion is not one of the choices.",
            ),
            models.CheckConstraint(
                condition=~models.Q(reasoning=""),
                name="%(app_label)s_%(class)s_reasoning_required",
                violation_error_message="A consideration states its reasoning.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.case.cryptonym}: {self.get_conclusion_display().lower()}"


class InducementPlan(models.Model):
    """A plan to induce a defection (``2b``), recorded only after recruitment in place was
    considered (``5a(1)``) and the political risk of inducement determined (``7a``), and never
    aimed at a group larger than the installation allows (``5a(4)``)."""

    case = models.ForeignKey(
        Case,
        on_delete=models.CASCADE,
        related_name="inducement_plans",
    )
    description = models.TextField(
        help_text="The approach planned. Not sealed: call people by cryptonyms, never by name.",
    )
    group_size = models.PositiveIntegerField(
        help_text="How many persons the plan aims to induce to defect (5a(4)).",
    )
    consideration = models.ForeignKey(
        RecruitmentConsideration,
        on_delete=models.PROTECT,
        related_name="plans",
        help_text="The consideration of recruitment in place it rests on (5a(1)).",
    )
    risk_determination = models.ForeignKey(
        PoliticalRiskDetermination,
        on_delete=models.PROTECT,
        related_name="inducement_plans",
        help_text="The 7a determination it rests on: for inducement, or for the case.",
    )
    recorded_at = models.DateTimeField(
        default=timezone.now,
    )
    recorded_by = models.ForeignKey(
        "directory.Official",
        on_delete=models.PROTECT,
        related_name="inducement_plans",
    )

    class Meta:
        ordering = ["case", "-recorded_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(group_size__gte=1),
                name="%(app_label)s_%(class)s_group_size_positive",
                violation_error_message="A plan aims at one person at least.",
            ),
            models.CheckConstraint(
                condition=~models.Q(description=""),
                name="%(app_label)s_%(class)s_description_required",
                violation_error_message="A plan says what is planned.",
            ),
        ]

    def __str__(self) -> str:
        return f"inducement plan {self.pk} on {self.case.cryptonym}"


class InducementAct(models.Model):
    """An act of inducement (``2b``): committed, or manifestly instigated, by a US official,
    under a plan — recorded because the US Government might be called upon to account for it."""

    case = models.ForeignKey(
        Case,
        on_delete=models.CASCADE,
        related_name="inducement_acts",
    )
    plan = models.ForeignKey(
        InducementPlan,
        on_delete=models.PROTECT,
        related_name="acts",
    )
    committed_by = models.ForeignKey(
        "directory.Official",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="inducement_acts_committed",
    )
    instigated_by = models.ForeignKey(
        "directory.Official",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="inducement_acts_instigated",
    )
    at = models.DateTimeField(
        help_text="When the act was committed.",
    )
    description = models.TextField(
        help_text="What was done. Not sealed: call people by cryptonyms, never by name.",
    )
    recorded_at = models.DateTimeField(
        default=timezone.now,
    )
    recorded_by = models.ForeignKey(
        "directory.Official",
        on_delete=models.PROTECT,
        related_name="inducement_acts_recorded",
    )

    class Meta:
        ordering = ["case", "at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(committed_by__isnull=False)
                | models.Q(instigated_by__isnull=False),
                name="%(app_label)s_%(class)s_official_named",
                violation_error_message="An act names the official who committed or instigated it.",
            ),
            models.CheckConstraint(
                condition=~models.Q(description=""),
                name="%(app_label)s_%(class)s_description_required",
                violation_error_message="An act says what was done.",
            ),
        ]

    def __str__(self) -> str:
        return f"inducement act {self.pk} on {self.case.cryptonym}"
