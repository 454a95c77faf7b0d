"""The voluntary statement (6b(3)(c))."""

from __future__ import annotations

import uuid
from typing import Any

from django.db import models
from django.utils import timezone

from defector.cases.choices import SignatureMethod
from defector.cases.models.intake import Case
from defector.core.sealing import SealedField


class VoluntaryStatement(models.Model):
    """The person's signed statement that the defection is voluntary and that they request
    political asylum (``6b(3)(c)``): its text in their language and in English, the signature
    (a scanned signed statement, or a signature drawn on screen) stored as a file with its
    SHA-256 hash, the official who witnessed it, and a withdrawal if the person withdraws it.
    It counts while it is witnessed and not withdrawn.

    The texts are sealed (a statement names its maker) and so is the file: it is stored
    encrypted under its own data key, kept sealed in ``file_key`` (``core.sealing.files``);
    ``sha256`` and ``size`` are those of the clear file."""

    case = models.ForeignKey(
        Case,
        on_delete=models.CASCADE,
        related_name="statements",
    )
    number = models.PositiveIntegerField(
        help_text="The statement's number within its case: the first of a case is 1.",
    )
    language_code = models.CharField(
        max_length=35,
        help_text="The language of the original text, as a language tag: ru, zh, pl, cs …",
    )
    language_name = models.CharField(
        max_length=100,
        help_text="The language's name in English: Russian, Chinese, Polish …",
    )
    seal_uid = models.UUIDField(
        default=uuid.uuid4,
        unique=True,
        editable=False,
        help_text="Binds the sealed texts and the sealed file to this row.",
    )
    text_original = SealedField(
        null=True,
        help_text="The statement in the person's language (sealed).",
    )
    text_english = SealedField(
        null=True,
        help_text="The statement in English (sealed).",
    )
    signature_method = models.CharField(
        max_length=20,
        choices=SignatureMethod.choices,
    )
    file_path = models.CharField(
        max_length=300,
        help_text="Where the sealed signature file is, under MEDIA_ROOT/statements (a random "
        "name); served only through an access-checked view.",
    )
    file_key = SealedField(
        null=True,
        help_text="The data key the signature file is encrypted with (sealed).",
    )
    content_type = models.CharField(
        max_length=40,
        help_text="The file's type, from its content: application/pdf, image/png, image/jpeg.",
    )
    size = models.PositiveIntegerField(
        help_text="The clear file's size in bytes.",
    )
    sha256 = models.CharField(
        max_length=64,
        help_text="The SHA-256 hash of the clear file, hex.",
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
            models.UniqueConstraint(
                fields=["case", "number"],
                name="%(app_label)s_%(class)s_one_number_per_case",
                violation_error_message="A case numbers its statements once each.",
            ),
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
        return f"voluntary statement {self.number} on {self.case.cryptonym}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        """A new statement without its number takes the next of its case (the recording
        action numbers it itself, with the case's row claimed)."""
        if not self.number:
            latest = VoluntaryStatement.objects.filter(case_id=self.case_id).aggregate(
                latest=models.Max("number")
            )["latest"]
            self.number = (latest or 0) + 1
        super().save(*args, **kwargs)

    @property
    def counts(self) -> bool:
        """Signed (it has its file), witnessed, and not withdrawn."""
        return bool(self.sha256) and self.witnessed_at is not None and self.withdrawn_at is None
