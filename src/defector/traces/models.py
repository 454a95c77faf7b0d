"""Name traces (``6b(3)(b)``): watch lists, the blind index, and the traces run on cases.

Watch-list entries come from outside sources (liaison services, published lists); their names
are kept in clear, since they are not the program's subjects and are shown to whoever runs a
trace. The names of case subjects stay sealed in ``cases.Subject``: the blind index
(:class:`IndexTerm`) keeps only keyed hashes of their blocking keys, never a name. Only
``traces.actions`` writes these.
"""

from __future__ import annotations

import uuid

from django.db import models
from django.db.models import Q
from django.utils import timezone

from defector.core.sealing import SealedField
from defector.traces.choices import (
    NAME_MAX_LENGTH,
    REFERENCE_MAX_LENGTH,
    SOURCE_NAME_MAX_LENGTH,
    HitKind,
    HitMark,
    IndexedKind,
    TraceKind,
)


class WatchlistSource(models.Model):
    """One imported watch list, replaced as a whole by each import of the same name."""

    name = models.CharField(
        max_length=SOURCE_NAME_MAX_LENGTH,
        unique=True,
        help_text="The list's name (by default the imported file's name without extension).",
    )
    imported_at = models.DateTimeField(
        default=timezone.now,
        help_text="When its entries were last imported.",
    )
    imported_by = models.ForeignKey(
        "directory.Official",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="Who imported it (empty: an operator's command).",
    )
    entry_count = models.PositiveIntegerField(
        default=0,
    )
    name_count = models.PositiveIntegerField(
        default=0,
        help_text="Entries' names and aliases together.",
    )

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class WatchlistEntry(models.Model):
    """A person on a watch list: a name in any script, aliases, a (partial) date of birth
    and a nationality, as the source gives them."""

    source = models.ForeignKey(
        WatchlistSource,
        on_delete=models.CASCADE,
        related_name="entries",
    )
    reference = models.CharField(
        max_length=REFERENCE_MAX_LENGTH,
        help_text="The entry's identifier in its source.",
    )
    name = models.CharField(
        max_length=NAME_MAX_LENGTH,
    )
    aliases = models.JSONField(
        default=list,
        blank=True,
        help_text="Other names, as a list.",
    )
    date_of_birth = models.CharField(
        max_length=10,
        blank=True,
        help_text="YYYY-MM-DD, YYYY-MM or YYYY.",
    )
    nationality = models.CharField(
        max_length=8,
        blank=True,
        help_text="A country code as in the assessment contract.",
    )

    class Meta:
        ordering = ["source", "reference"]
        constraints = [
            models.UniqueConstraint(
                fields=["source", "reference"],
                name="%(app_label)s_%(class)s_reference_unique_in_source",
                violation_error_message="A reference appears once in its source.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.source.name} {self.reference}"

    @property
    def names(self) -> tuple[str, ...]:
        return (self.name, *self.aliases)


class IndexTerm(models.Model):
    """One row of the blind index: a keyed hash (HMAC-SHA256 under a key derived from the
    sealing key ``key_id``) of one blocking key of a subject's or an entry's names. Never a
    name, never a blocking key in clear."""

    kind = models.CharField(
        max_length=10,
        choices=IndexedKind.choices,
    )
    subject = models.ForeignKey(
        "cases.Subject",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
    )
    entry = models.ForeignKey(
        WatchlistEntry,
        on_delete=models.CASCADE,
        db_index=False,  # traces_indexterm_entry: the entries' rows alone
        null=True,
        blank=True,
        related_name="index_terms",
    )
    key_id = models.CharField(
        max_length=32,
        help_text="The sealing key the index key was derived from.",
    )
    digest = models.CharField(
        max_length=64,
        help_text="HMAC-SHA256 of a blocking key, truncated, in hex.",
    )

    class Meta:
        indexes = [
            models.Index(fields=["digest", "key_id"], name="traces_indexterm_digest"),
            # An entry's rows, for its removal and reindexing (a subject's row has none: a
            # walk-in's rows are not written to it).
            models.Index(
                fields=["entry"],
                condition=Q(entry__isnull=False),
                name="traces_indexterm_entry",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(kind=IndexedKind.SUBJECT, subject__isnull=False, entry__isnull=True)
                    | Q(kind=IndexedKind.ENTRY, entry__isnull=False, subject__isnull=True)
                ),
                name="%(app_label)s_%(class)s_points_to_one",
                violation_error_message="An index row points to a subject or to an entry.",
            ),
        ]

    def __str__(self) -> str:
        return f"index term {self.pk} ({self.kind}, {self.key_id})"


class Trace(models.Model):
    """A name trace run on a case (``6b(3)(b)``): the query (sealed: it is the subject's name),
    who ran it, and its hits. Concluding it records a name-traces check on the case's bona
    fides checklist."""

    case = models.ForeignKey(
        "cases.Case",
        on_delete=models.CASCADE,
        related_name="traces",
    )
    seal_uid = models.UUIDField(
        default=uuid.uuid4,
        unique=True,
        editable=False,
        help_text="Binds the sealed query to this row.",
    )
    kind = models.CharField(
        max_length=10,
        choices=TraceKind.choices,
        default=TraceKind.MANUAL,
    )
    query_names = SealedField(
        null=True,
        blank=True,
        help_text="The names traced, one a line (sealed).",
    )
    query_dob = SealedField(
        null=True,
        blank=True,
        help_text="The date of birth traced with them (sealed).",
    )
    query_nationality = models.CharField(
        max_length=8,
        blank=True,
    )
    run_at = models.DateTimeField(
        default=timezone.now,
    )
    run_by = models.ForeignKey(
        "directory.Official",
        on_delete=models.PROTECT,
        db_index=False,  # nothing reads by it: officials are deactivated, never deleted
        null=True,
        blank=True,
        related_name="+",
        help_text="Who ran it (empty: intake, by itself).",
    )
    concluded_at = models.DateTimeField(
        null=True,
        blank=True,
    )
    check_record = models.ForeignKey(
        "cases.BonaFidesCheck",
        on_delete=models.SET_NULL,
        db_index=False,  # nothing reads by it: checks are never deleted
        null=True,
        blank=True,
        related_name="+",
        help_text="The name-traces check its conclusion recorded.",
    )

    class Meta:
        ordering = ["-run_at", "-pk"]

    def __str__(self) -> str:
        return f"name trace {self.pk} on {self.case.cryptonym}"


class Hit(models.Model):
    """One candidate a trace found, with its score and reasons, and the analyst's mark. A hit
    on a watch-list entry keeps the entry as it stood; a hit on a case subject keeps only the
    case (its names stay sealed there)."""

    trace = models.ForeignKey(
        Trace,
        on_delete=models.CASCADE,
        related_name="hits",
    )
    rank = models.PositiveIntegerField(
        help_text="1 for the best score.",
    )
    kind = models.CharField(
        max_length=10,
        choices=HitKind.choices,
    )
    score = models.FloatField()
    reasons = models.JSONField(
        default=list,
    )
    entry = models.ForeignKey(
        WatchlistEntry,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    source_name = models.CharField(
        max_length=SOURCE_NAME_MAX_LENGTH,
        blank=True,
    )
    reference = models.CharField(
        max_length=REFERENCE_MAX_LENGTH,
        blank=True,
    )
    entry_name = models.CharField(
        max_length=NAME_MAX_LENGTH,
        blank=True,
        help_text="The watch-list entry's name (watch-list names are kept in clear).",
    )
    matched = models.CharField(
        max_length=NAME_MAX_LENGTH,
        blank=True,
        help_text="The entry's name or alias that scored best (empty for a case subject).",
    )
    subject_case = models.ForeignKey(
        "cases.Case",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        help_text="The case whose subject matched (its names stay sealed).",
    )
    mark = models.CharField(
        max_length=10,
        choices=HitMark.choices,
        default=HitMark.PENDING,
    )
    marked_at = models.DateTimeField(
        null=True,
        blank=True,
    )
    marked_by = models.ForeignKey(
        "directory.Official",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ["trace", "rank"]
        constraints = [
            models.CheckConstraint(
                condition=Q(score__gte=0) & Q(score__lte=1),
                name="%(app_label)s_%(class)s_score_in_range",
                violation_error_message="A score is between 0 and 1.",
            ),
            models.CheckConstraint(
                condition=Q(mark__in=HitMark.values),
                name="%(app_label)s_%(class)s_mark_valid",
                violation_error_message="The mark is not one of the choices.",
            ),
            models.CheckConstraint(
                condition=Q(kind=HitKind.WATCHLIST, subject_case__isnull=True)
                | Q(kind=HitKind.SUBJECT, entry__isnull=True, entry_name=""),
                name="%(app_label)s_%(class)s_kind_matches_target",
                violation_error_message="A subject hit names no entry; an entry hit no case.",
            ),
        ]

    def __str__(self) -> str:
        return f"hit {self.rank} of trace {self.trace_id}"
