"""Policy guidance of the senior US representative (``7c``), and every member's
acknowledgement of procedures and guidance (``6e``)."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils import timezone

from defector.committees.choices import AcknowledgedKind
from defector.committees.models.committees import CRYPTONYMS_ONLY, Committee
from defector.committees.models.procedures import ProceduresVersion


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
