"""Writing the blind index (``traces.blind``): a subject's names at intake, a watch list's
entries at import, and the whole index again under the primary key (``reindex-traces``)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any, Final

from django.db import connections, router, transaction
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import Field
from django.views.decorators.debug import sensitive_variables

from defector.cases.models import Subject
from defector.core import audit, prepared
from defector.core.users import AnyUser
from defector.traces import blind
from defector.traces.choices import IndexedKind
from defector.traces.models import IndexTerm, WatchlistEntry
from defector.traces.search import remember_digests, subject_names

#: Rows re-indexed per transaction unless told otherwise.
DEFAULT_BATCH_SIZE: Final = 500


@sensitive_variables("names")
def subject_terms(subject: Subject, key_id: str) -> list[IndexTerm]:
    """The index rows of a subject's names (opened in memory, hashed, forgotten)."""
    names = subject_names(subject)
    return [
        IndexTerm(kind=IndexedKind.SUBJECT, subject=subject, key_id=key_id, digest=value)
        for value in sorted(blind.digests_of(names, key_id))
    ]


def entry_terms(entry: WatchlistEntry, key_id: str) -> list[IndexTerm]:
    return [
        IndexTerm(kind=IndexedKind.ENTRY, entry=entry, key_id=key_id, digest=value)
        for value in sorted(blind.digests_of(entry.names, key_id))
    ]


@sensitive_variables("names")
def index_subject(
    subject: Subject, *, created: bool = False, digests: list[str] | None = None
) -> int:
    """(Re)index one subject under the primary key, in the caller's transaction (``created``:
    the subject is new in it, and has no index rows to replace): the rows of
    :func:`subject_terms`, in its order, written as values (:func:`_write_terms`).
    ``digests``: those of its names under the primary key, sorted, made before (an intake's:
    ``traces.actions.intake.prepare_at_intake``, which remembered them)."""
    if not created:
        IndexTerm.objects.filter(subject=subject).delete()
    key_id = blind.primary_key_id()
    if digests is None:
        names = subject_names(subject)
        digests = sorted(blind.digests_of(names, key_id))
        remember_digests(subject, key_id, names, digests)
    return _write_terms(subject.pk, key_id, digests)


#: The columns an index row is written with (its key is the database's).
_TERM_COLUMNS: Final = ("kind", "subject_id", "entry_id", "key_id", "digest")
#: The ``INSERT`` of a number of a subject's index rows, by database and number: built once.
_TERM_INSERTS: dict[tuple[str, int], str] = {}


def _write_terms(subject_id: int, key_id: str, digests: list[str]) -> int:
    """Insert a subject's index rows, one per digest in order: the rows ``bulk_create`` of
    :func:`subject_terms`'s objects writes (the same columns and values, ``bulk_create``'s
    batches), without making a model object of each or asking for their keys back."""
    if not digests:
        return 0
    alias = router.db_for_write(IndexTerm)
    connection = connections[alias]
    fields = _term_fields()
    step = max(connection.ops.bulk_batch_size(fields, digests), 1)
    kind = str(IndexedKind.SUBJECT)
    for start in range(0, len(digests), step):
        chunk = digests[start : start + step]
        params: list[Any] = []
        for value in chunk:
            params += (kind, subject_id, None, key_id, value)
        with prepared.cursor(connection) as cursor:
            cursor.execute(_term_insert(connection, len(chunk)), params)
    return len(digests)


def _term_fields() -> list[Field[Any, Any]]:
    by_name = {field.attname: field for field in IndexTerm._meta.concrete_fields}
    return [by_name[name] for name in _TERM_COLUMNS]


def _term_insert(connection: BaseDatabaseWrapper, count: int) -> str:
    sql = _TERM_INSERTS.get((connection.vendor, count))
    if sql is None:
        ops, quote = connection.ops, connection.ops.quote_name
        fields = _term_fields()
        row = ["%s"] * len(fields)
        sql = _TERM_INSERTS[(connection.vendor, count)] = " ".join(
            (
                f"{ops.insert_statement()} {quote(IndexTerm._meta.db_table)}",
                f"({', '.join(quote(field.column) for field in fields)})",
                ops.bulk_insert_sql(fields, [row] * count),  # type: ignore[list-item]
            )
        )
    return sql


def index_entries(entries: Iterable[WatchlistEntry]) -> int:
    """Index new watch-list entries under the primary key, in the caller's transaction."""
    key_id = blind.primary_key_id()
    rows = [term for entry in entries for term in entry_terms(entry, key_id)]
    return len(IndexTerm.objects.bulk_create(rows, batch_size=1000))


def count_stale() -> int:
    """Index rows not under the primary key (after ``rotate-keys --new-key``)."""
    return IndexTerm.objects.exclude(key_id=blind.primary_key_id()).count()


def reindex(
    *,
    acting_user: AnyUser | None = None,
    batch_size: int = DEFAULT_BATCH_SIZE,
    on_batch: Callable[[int], None] | None = None,
) -> dict[str, int]:
    """Rebuild the whole index under the primary key: every subject and every entry, batch by
    batch, each batch in one transaction with one audit record. Answers the rows indexed."""
    key_id = blind.primary_key_id()
    done = {"subjects": 0, "entries": 0, "terms": 0}
    subject_ids = list(Subject.objects.order_by("pk").values_list("pk", flat=True))
    for start in range(0, len(subject_ids), batch_size):
        chunk = subject_ids[start : start + batch_size]
        with transaction.atomic():
            subjects = list(Subject.objects.filter(pk__in=chunk))
            IndexTerm.objects.filter(subject_id__in=chunk).delete()
            rows = [term for subject in subjects for term in subject_terms(subject, key_id)]
            IndexTerm.objects.bulk_create(rows, batch_size=1000)
            _audit(acting_user, key_id, "subjects", len(subjects), len(rows))
        done["subjects"] += len(subjects)
        done["terms"] += len(rows)
        if on_batch is not None:
            on_batch(len(subjects))
    entry_ids = list(WatchlistEntry.objects.order_by("pk").values_list("pk", flat=True))
    for start in range(0, len(entry_ids), batch_size):
        chunk = entry_ids[start : start + batch_size]
        with transaction.atomic():
            entries = list(WatchlistEntry.objects.filter(pk__in=chunk))
            IndexTerm.objects.filter(entry_id__in=chunk).delete()
            rows = [term for entry in entries for term in entry_terms(entry, key_id)]
            IndexTerm.objects.bulk_create(rows, batch_size=1000)
            _audit(acting_user, key_id, "entries", len(entries), len(rows))
        done["entries"] += len(entries)
        done["terms"] += len(rows)
        if on_batch is not None:
            on_batch(len(entries))
    with transaction.atomic():
        # Rows of a subject or entry gone meanwhile, or under a key no longer used.
        left = IndexTerm.objects.exclude(key_id=key_id).delete()[0]
        if left:
            _audit(acting_user, key_id, "stale rows removed", left, 0)
    return done


def _audit(actor: AnyUser | None, key_id: str, what: str, count: int, terms: int) -> None:
    audit.record(
        actor=actor,
        action="traces.index.rebuild",
        object_type="traces.indexterm",
        after={"key_id": key_id, "of": what, "count": count, "terms": terms},
    )
