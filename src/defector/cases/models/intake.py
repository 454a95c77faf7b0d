"""The case and its subject, whose identity is sealed (``core.sealing``)."""

from __future__ import annotations

import uuid

from django.db import models
from django.utils import timezone

from defector.cases.choices import CaseOutcome, IntakeKind, Stage
from defector.core.sealing import SealedField


class Case(models.Model):
    """One person's case at one post, known everywhere by its cryptonym.

    Visible to the post's committee, its assigned officers, the post's senior representative
    and Washington, to those cleared for its sensitivity and all of its compartments
    (``core.access``).
    """

    cryptonym = models.CharField(
        max_length=40,
        help_text="Assigned at intake from the word list; never derived from the name.",
    )
    post = models.ForeignKey(
        "directory.Post",
        on_delete=models.PROTECT,
        related_name="cases",
    )
    in_washington = models.BooleanField(
        default=False,
        help_text=(
            "In Washington's custody (the IDC's), moved there from its post (cases.transfers): "
            "the post keeps its record but no longer sees the case."
        ),
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
        db_index=False,  # nothing reads by it: officials are deactivated, never deleted
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
        db_index=False,  # nothing reads by it: officials are deactivated, never deleted
        null=True,
        blank=True,
        related_name="changed_cases",
        help_text="Who last changed the case (empty: the system).",
    )

    class Meta:
        ordering = ["-opened_at"]
        indexes = [
            # The case list, newest first: a post's cases, and Washington's of every post.
            models.Index(fields=["post", "-opened_at", "-id"], name="cases_case_post_newest"),
            models.Index(fields=["-opened_at", "-id"], name="cases_case_newest"),
        ]
        constraints = [
            # Unique (cases.cryptonyms), as a constraint rather than ``unique=True``, which on
            # PostgreSQL also made a pattern index nothing reads (the list's search is
            # case-blind, ``icontains``).
            models.UniqueConstraint(
                fields=["cryptonym"], name="%(app_label)s_%(class)s_cryptonym_unique"
            ),
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
