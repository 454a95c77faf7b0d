"""Finding candidates through the blind index and scoring them (``6b(3)(b)``). Writes nothing.

The query's names are cut into blocking keys and hashed under every key the index uses; the
rows sharing most digests with the query are the candidates. A watch-list entry is scored as
stored; a case subject is opened in memory (``core.sealing.open_sealed``) to be scored and
then forgotten: nothing opened is stored, returned or logged, and a reason that would name the
subject is dropped. Access is not decided here: the callers (``traces.actions``) decide what
each user is shown.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final

from django.db import router
from django.db.models import Count, Model, OuterRef, QuerySet, Subquery
from django.views.decorators.debug import sensitive_variables

from defector.cases.models import Assessment, Case, Subject
from defector.core.prepared import Param, Prepared
from defector.core.sealing import open_sealed
from defector.directory.models import Post
from defector.policy.gates import free_text as names_gate
from defector.traces import blind
from defector.traces.choices import HitKind, IndexedKind
from defector.traces.matching import THRESHOLD, Identity, Score, score
from defector.traces.models import IndexTerm, WatchlistEntry

#: The most candidates scored for one query (those sharing most blocking keys with it).
MAX_CANDIDATES: Final = 2000


@dataclass(frozen=True, slots=True)
class Found:
    """One candidate that scored at least the matcher's threshold."""

    kind: HitKind
    score: Score
    entry: WatchlistEntry | None = None
    case: Case | None = None


#: The digests of one prepared candidates' read: a query's digests are asked in the
#: smallest of these that holds them (the last repeated: ``IN`` is a set), more at once as
#: Django compiles them.
DIGEST_BUCKETS: Final = (8, 16, 32, 64, 128)


def _candidates_read(column: str, size: int) -> QuerySet[Any]:
    found: QuerySet[Any] = (
        IndexTerm.objects.filter(
            kind=Param("kind"),
            key_id=Param("key"),
            digest__in=[Param(f"d{i}") for i in range(size)],
        )
        .values(column)
        .annotate(shared=Count("id"))
        .order_by("-shared", column)
    )
    return found


#: The candidates' reads (``core.prepared``), by column and number of digests.
_CANDIDATES: Final[dict[tuple[str, int], Prepared]] = {
    (column, size): Prepared(functools.partial(_candidates_read, column, size))
    for column in ("entry_id", "subject_id")
    for size in DIGEST_BUCKETS
}


def _sharing(kind: IndexedKind, column: str, key_id: str, digests: list[str]) -> list[Any]:
    """The rows (``column``, ``shared``) of the index under ``key_id`` sharing ``digests``,
    most shared first, at most :data:`MAX_CANDIDATES`."""
    size = next((size for size in DIGEST_BUCKETS if size >= len(digests)), None)
    if size is None:
        return list(
            IndexTerm.objects.filter(kind=kind, key_id=key_id, digest__in=digests)
            .values(column)
            .annotate(shared=Count("id"))
            .order_by("-shared", column)[:MAX_CANDIDATES]
        )
    padded = digests + [digests[-1]] * (size - len(digests))
    return _CANDIDATES[(column, size)].slice(
        0,
        MAX_CANDIDATES,
        kind=str(kind),
        key=key_id,
        **{f"d{i}": value for i, value in enumerate(padded)},
    )


#: A query's digests under each key the keyring holds (:func:`query_digests`).
Digests = Mapping[str, list[str]]


def query_digests(names: Sequence[str], subject: Subject | None = None) -> Digests:
    """The digests of ``names`` under each key the keyring holds, sorted: what
    :func:`candidate_ids` asks the index for (computed once for the watch lists' and the
    subjects' searches of one trace). ``subject``: one whose names the caller may be tracing,
    as indexed just before (:func:`remember_digests`): its digests when the names are those
    it was indexed under and the keyring holds that key only."""
    kept = _remembered(subject, names) if subject is not None else None
    if kept is not None:
        return kept
    return {key_id: sorted(blind.digests_of(names, key_id)) for key_id in blind.known_key_ids()}


#: Where a subject in hand keeps the digests it was just indexed under (:func:`remember_digests`).
_INDEXED: Final = "_defector_indexed_digests"


def _names_mark(key_id: str, names: Sequence[str]) -> str:
    """A keyed hash of the names as a whole (under the index key, as the index's rows): they
    are recognised without being kept."""
    return blind.digest(blind.index_key(key_id), json.dumps(list(names)))


@sensitive_variables("names")
def remember_digests(
    subject: Subject, key_id: str, names: Sequence[str], digests: list[str]
) -> None:
    """Keep on ``subject`` (this object only) that ``names`` have the sorted ``digests`` under
    ``key_id``, as its index rows were just written: its trace at intake then need not hash
    them again (:func:`query_digests`). Only keyed hashes are kept, as in the index."""
    subject.__dict__[_INDEXED] = (key_id, _names_mark(key_id, names), list(digests))


@sensitive_variables("names")
def _remembered(subject: Subject, names: Sequence[str]) -> Digests | None:
    kept = subject.__dict__.get(_INDEXED)
    if kept is None:
        return None
    key_id, mark, digests = kept
    if blind.known_key_ids() != {key_id} or _names_mark(key_id, names) != mark:
        return None
    return {key_id: list(digests)}


def candidate_ids(
    kind: IndexedKind, names: Sequence[str], digests: Digests | None = None
) -> list[int]:
    """The ids (entries' or subjects') sharing most blocking keys with ``names``: asked under
    each key the keyring holds (one lookup of the digests' index each; a key no row of the
    index uses finds nothing), never by listing the keys the index uses, which reads every
    row of the index. ``digests``: :func:`query_digests` of ``names``, computed already."""
    column = "entry_id" if kind == IndexedKind.ENTRY else "subject_id"
    ranked: dict[int, int] = {}
    by_key = query_digests(names) if digests is None else digests
    for key_id in sorted(by_key):
        digests_under = by_key[key_id]
        if not digests_under:
            continue
        for row in _sharing(kind, column, key_id, digests_under):
            ranked[row[column]] = max(ranked.get(row[column], 0), row["shared"])
    ordered = sorted(ranked, key=lambda pk: (-ranked[pk], pk))
    return ordered[:MAX_CANDIDATES]


def _ranked(found: Iterable[Found], limit: int) -> list[Found]:
    kept = [hit for hit in found if hit.score.score >= THRESHOLD]
    kept.sort(key=lambda hit: -hit.score.score)
    return kept[:limit]


def _bounded(result: Score) -> Score:
    value = min(max(float(result.score), 0.0), 1.0)
    reasons = tuple(reason for reason in result.reasons if reason) or ("similar name",)
    return Score(value, result.matched, reasons)


def search_watchlists(
    query: Identity, *, limit: int, digests: Digests | None = None
) -> list[Found]:
    """The watch-list entries matching ``query``, best first, at most ``limit``
    (``digests``: :func:`query_digests` of its names, computed already)."""
    ids = candidate_ids(IndexedKind.ENTRY, query.names, digests)
    if not ids:
        return []
    found = []
    for entry in WatchlistEntry.objects.filter(pk__in=ids).select_related("source"):
        candidate = Identity(
            names=entry.names,
            dob=entry.date_of_birth or None,
            nationality=entry.nationality or None,
        )
        found.append(Found(HitKind.WATCHLIST, _bounded(score(query, candidate)), entry=entry))
    return _ranked(found, limit)


def _first_nationality(facts: Any) -> str:
    codes: Any = facts.get("nationalities") if isinstance(facts, dict) else None
    return codes[0] if isinstance(codes, list) and codes else ""


def _latest(case: str, column: str) -> Subquery:
    """The ``column`` of the latest assessment of the case whose key is the outer row's
    ``case`` (one probe of the assessments' ``(case, number)`` index, from its end)."""
    latest = Assessment.objects.filter(case_id=OuterRef(case)).order_by("-number")
    return Subquery(latest.values(column)[:1])


def nationalities_of(case_ids: list[int]) -> dict[int, str]:
    """Each case's first nationality, from its latest assessment (that one alone is read, not
    every assessment of the case; a case with none is left out)."""
    if not case_ids:
        return {}
    rows = Assessment.objects.filter(
        case_id__in=case_ids, number=_latest("case_id", "number")
    ).values_list("case_id", "facts")
    return {case_id: _first_nationality(facts) for case_id, facts in rows}


#: A case's latest assessment's facts: a prepared read (``core.prepared``), compiled once.
_LATEST_FACTS: Final = Prepared(
    lambda: Assessment.objects.filter(case_id=Param("case")).order_by("-number").values("facts")
)


def nationality_of(case_id: int) -> str:
    """:func:`nationalities_of` for one case ("" when it has no assessment)."""
    found = _LATEST_FACTS.slice(0, 1, case=case_id)
    return _first_nationality(found[0]["facts"]) if found else ""


#: What is read of a candidate subject (``_CANDIDATE_SUBJECTS``), by model: the subject's
#: own fields that the scoring opens (a sealed value opens with its row's ``seal_uid``) and the
#: case's and its post's that the callers of :func:`search_subjects` use (a hit's case, its
#: cryptonym, its post's code in the IDC's notice). Each instance is made with these alone,
#: the other fields deferred (read on first use, as ``only`` leaves them).
_SUBJECT_FIELDS: Final = ("id", "case_id", "seal_uid", "true_name", "aliases", "birth_date")
_CASE_FIELDS: Final = ("id", "cryptonym", "post_id")
_POST_FIELDS: Final = ("id", "code")

#: The candidates of one prepared read: their ids are asked in the smallest of these that
#: holds them (the last repeated), as the digests are (:data:`DIGEST_BUCKETS`).
SUBJECT_BUCKETS: Final = (4, 16, 64, 256, MAX_CANDIDATES)


def _subjects_read(size: int) -> QuerySet[Any]:
    found: QuerySet[Any] = (
        Subject.objects.filter(pk__in=[Param(f"s{i}") for i in range(size)])
        .order_by("id")
        .values(
            *_SUBJECT_FIELDS,
            *(f"case__{name}" for name in _CASE_FIELDS),
            *(f"case__post__{name}" for name in _POST_FIELDS),
            latest_facts=_latest("case_id", "facts"),
        )
    )
    return found


#: The candidate subjects' reads (``core.prepared``), by number of ids: each subject with its
#: case, its case's post and its case's latest assessment's facts, in one statement.
_CANDIDATE_SUBJECTS: Final[dict[int, Prepared]] = {
    size: Prepared(functools.partial(_subjects_read, size)) for size in SUBJECT_BUCKETS
}


def _made(model: type[Model], alias: str, row: dict[str, Any], path: str, fields: Any) -> Any:
    """The instance of ``model`` with ``fields`` (read under ``path`` in ``row``) alone, as
    loaded from ``alias``: the others deferred."""
    return model.from_db(alias, fields, [row[f"{path}{name}"] for name in fields])


@sensitive_variables("rows")
def _candidates(ids: list[int]) -> list[tuple[Subject, Case, str]]:
    """The subjects ``ids``, by key, each with its case (its post in place) and its case's
    first nationality from its latest assessment (``""``: none)."""
    alias = router.db_for_read(Subject)
    post_field = Case._meta.get_field("post")
    found = []
    top = SUBJECT_BUCKETS[-1]
    for start in range(0, len(ids), top):
        chunk = ids[start : start + top]
        size = next(size for size in SUBJECT_BUCKETS if size >= len(chunk))
        padded = chunk + [chunk[-1]] * (size - len(chunk))
        rows = _CANDIDATE_SUBJECTS[size].rows(
            using=alias, **{f"s{i}": pk for i, pk in enumerate(padded)}
        )
        for row in rows:
            subject = _made(Subject, alias, row, "", _SUBJECT_FIELDS)
            case = _made(Case, alias, row, "case__", _CASE_FIELDS)
            post_field.set_cached_value(case, _made(Post, alias, row, "case__post__", _POST_FIELDS))
            found.append((subject, case, _first_nationality(row["latest_facts"])))
    found.sort(key=lambda item: item[0].pk)
    return found


@sensitive_variables("names", "candidate", "terms")
def subject_names(subject: Subject) -> tuple[str, ...]:
    names: list[str] = []
    true_name = open_sealed(subject, "true_name")
    if true_name:
        names.append(" ".join(true_name.split()))
    aliases = open_sealed(subject, "aliases")
    if aliases:
        names += [" ".join(alias.split()) for alias in names_gate.split_names(aliases)]
    return tuple(names)


@sensitive_variables("names", "candidate", "terms", "result")
def search_subjects(
    query: Identity,
    *,
    limit: int,
    exclude_case_id: int | None = None,
    exclude_subject_id: int | None = None,
    digests: Digests | None = None,
) -> list[Found]:
    """The case subjects matching ``query`` (every post's: the caller filters by access),
    best first, at most ``limit``, but those of case ``exclude_case_id`` (``exclude_subject_id``:
    its subject, known to the caller: left out of the candidates before they are read). Their
    names are opened in memory only. ``digests``: :func:`query_digests` of its names, computed
    already."""
    ids = candidate_ids(IndexedKind.SUBJECT, query.names, digests)
    if exclude_subject_id is not None:
        ids = [pk for pk in ids if pk != exclude_subject_id]
    if not ids:
        return []
    found = []
    for subject, case, nationality in _candidates(ids):
        if case.pk == exclude_case_id:
            continue
        names = subject_names(subject)
        if not names:
            continue
        candidate = Identity(
            names=names,
            dob=open_sealed(subject, "birth_date") or None,
            nationality=nationality or None,
        )
        result = _bounded(score(query, candidate))
        terms = names_gate.name_terms(names)
        field = "the true name" if result.matched == names[0] else "an alias"
        reasons = tuple(
            reason for reason in result.reasons if not names_gate.names_in(reason, terms)
        )
        safe = Score(result.score, "", (*reasons, f"matched {field} of the subject"))
        found.append(Found(HitKind.SUBJECT, safe, case=case))
    return _ranked(found, limit)
