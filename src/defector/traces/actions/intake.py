"""The trace at intake (``6b(3)(b)``) inside the intake's own transaction, where that keeps its
guarantee: two walk-ins of one name received at once find each other (the later one's trace
finds the earlier one's subject).

It holds after the commit on every database: each trace searches after its own intake
committed, so the later of two searches sees the other intake. On SQLite it holds inside the
transaction too: the database lets one writer in at a time, from the ``BEGIN IMMEDIATE`` to
the commit, so an intake's search there sees every intake committed before it, and none can
commit meanwhile. There the trace is written in the intake's transaction (one commit instead
of two, its audit record appended with the case's: one move of the audit head). On PostgreSQL
two transactions do not see each other's rows until they commit: the trace stays after the
commit (``trace_at_intake``).

What needs no write lock is done before the transaction (:func:`prepare_at_intake`, when the
intake's subject is about to be named): the names' digests, which the index rows are written
from, and on SQLite the trace's search itself (``find``), in one read transaction (one
snapshot of the database, taken without the write turn). Inside the transaction the trace
keeps that search's result only if a search there would find exactly the same, which one
statement tells (:func:`_still_found`); else it searches there as before. A search's result
is made of:

- the index rows holding one of the digests (under the one key the keyring holds: a keyring
  that changed keeps nothing): they choose the candidates. Rows are only ever inserted (each
  with a key above every one before, ``AUTOINCREMENT``, writers one at a time) or deleted
  (a subject or entry re-indexed or removed): the rows are the same when none holding a
  digest came after the snapshot's highest (but the intake's own subject's, which its search
  leaves out) and as many as the snapshot held are left up to it;
- the candidates' rows: watch-list entries and their lists, and subjects, are never changed
  in place (an import replaces its entries, which takes their index rows with them; a
  subject's sealed values are re-sealed by a key rotation, the same values); a case's first
  nationality comes from its latest assessment, and assessments are only ever added: none of
  a candidate's case may have come since the snapshot;
- what the hits keep of their cases (the key, the cryptonym and the post's code, which the
  IDC's notices name): unchanged for each case found;
- the intake's own subject and case, left out of the search in the transaction and not yet
  written before it: nothing is left out either way, but where the own subject, sharing
  every digest, takes the place of the last candidate (``search.MAX_CANDIDATES``): with that
  many subjects sharing a digest nothing is searched ahead.

With no row holding a digest in the snapshot (most intakes) the search ahead reads nothing
more, and the statement is only whether one came since.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, Final

from django.db import DatabaseError, connections, router, transaction
from django.db.backends.base.base import BaseDatabaseWrapper
from django.utils import timezone
from django.views.decorators.debug import sensitive_variables

from defector.cases.models import Assessment, Case, Subject
from defector.core import audit, prepared
from defector.core.inserts import Insert
from defector.core.sealing import open_sealed
from defector.core.users import AnyUser
from defector.directory.models import Post
from defector.traces import blind
from defector.traces.actions.traces import (
    _to_tell,
    find,
    keep_at_intake,
    keep_trace,
    subject_identity,
    trace_after,
    trace_row,
)
from defector.traces.choices import TraceKind
from defector.traces.matching import Identity
from defector.traces.models import IndexTerm, Trace
from defector.traces.search import MAX_CANDIDATES, Found, remember_digests, subject_names

logger = logging.getLogger(__name__)


def writers_take_turns() -> bool:
    """Whether the cases' database lets one writer in at a time (SQLite): an intake's trace
    may then run in its transaction."""
    return connections[router.db_for_write(Case)].vendor == "sqlite"


#: Where the subject of an intake keeps what :func:`prepare_at_intake` prepared.
_AHEAD: Final = "_defector_trace_ahead"


@dataclass(slots=True)
class Ahead:
    """What an intake's subject's naming prepared before the transaction: the digests of its
    names under ``key_id`` (sorted: the index rows), its trace's identity, and on SQLite the
    trace's search ahead, in one snapshot: ``last_term``, the highest index row then;
    ``held``, the rows holding one of the digests; ``last_assessment``, the highest
    assessment; ``found``, what ``find`` found (``None``: not searched ahead)."""

    key_id: str
    digests: list[str]
    identity: Identity | None
    last_term: int | None = None
    held: int = 0
    last_assessment: int = 0
    found: list[Found] | None = None


@sensitive_variables("names", "identity")
def prepare_at_intake(subject: Subject, nationality: str | None) -> None:
    """Before an intake's transaction (``cases.signals.subject_to_name``), with its subject's
    names in clear: their digests under the primary key, remembered for the trace's search
    (``search.remember_digests``), and, where writers take turns and the keyring holds that
    key only, the search ahead (:class:`Ahead`). Kept on the subject (this object only)."""
    names = subject_names(subject)
    key_id = blind.primary_key_id()
    digests = sorted(blind.digests_of(names, key_id))
    remember_digests(subject, key_id, names, digests)
    identity = (
        Identity(
            names=names,
            dob=open_sealed(subject, "birth_date") or None,
            nationality=nationality or None,
        )
        if names
        else None
    )
    found = Ahead(key_id, digests, identity)
    if identity is not None and digests and _searches_ahead(key_id):
        _search_ahead(found, identity, subject)
    subject.__dict__[_AHEAD] = found


def _searches_ahead(key_id: str) -> bool:
    """Whether the trace searches ahead: where writers take turns, the keyring holding the
    index's key only."""
    return writers_take_turns() and blind.known_key_ids() == {key_id}


@sensitive_variables("identity")
def _search_ahead(found: Ahead, identity: Identity, subject: Subject) -> None:
    """The trace's search, in one snapshot with the index's and the assessments' highest rows
    (:class:`Ahead`), unless more subjects share a digest than a search's candidates (the
    intake's own would push one out in the transaction). With no row holding a digest (most
    intakes: one statement, its own snapshot) nothing is searched. A search that fails here is
    made again in the transaction."""
    connection = _connection()
    try:
        with prepared.cursor(connection) as cursor:
            _probe(cursor, found)
        if not found.held:
            found.found = []
            return
        with _one_snapshot(connection) as cursor:
            _probe(cursor, found)  # again, in the search's snapshot
            if found.held >= MAX_CANDIDATES:
                cursor.execute(_sql("subjects", len(found.digests)), [found.key_id, *found.digests])
                if int(cursor.fetchone()[0]) >= MAX_CANDIDATES:
                    return
            found.found = find(_unwritten_case(), identity, subject) if found.held else []
    except Exception:  # the search in the transaction stands in for it
        logger.exception("the name trace's search ahead of the intake failed")
        found.last_term, found.found = None, None


def _probe(cursor: Any, found: Ahead) -> None:
    """The index's highest row, the rows holding one of the digests, the highest assessment
    (:class:`Ahead`): in one statement."""
    cursor.execute(_sql("ahead", len(found.digests)), [found.key_id, *found.digests])
    last, held, assessed = cursor.fetchone()
    found.last_term, found.held, found.last_assessment = (
        int(last or 0),
        int(held),
        int(assessed or 0),
    )


def _unwritten_case() -> Case:
    """The intake's case as the search ahead sees it: not written yet, so that nothing of it
    is left out (nor its subject, with no key either). Made without its fields' defaults,
    which read the clock: the intake's own reads of it stay as they were."""
    return Case.from_db(None, [Case._meta.pk.attname], [None])


@contextlib.contextmanager
def _one_snapshot(connection: BaseDatabaseWrapper) -> Iterator[Any]:
    """A cursor in a read transaction (SQLite's ``BEGIN``, deferred: it takes no write lock,
    nor the write turn of ``core.sqlite``), so that every read in it sees one snapshot; within
    a transaction already, that one's."""
    with prepared.cursor(connection) as cursor:
        raw = connection.connection
        began = not raw.in_transaction
        if began:
            cursor.execute("BEGIN")
        try:
            yield cursor
        finally:
            if began and raw.in_transaction:
                cursor.execute("COMMIT")


def ahead_of(subject: Subject) -> Ahead | None:
    """What :func:`prepare_at_intake` kept on ``subject``, if its key is still the primary."""
    found: Ahead | None = subject.__dict__.get(_AHEAD)
    if found is None or found.key_id != blind.primary_key_id():
        return None
    return found


#: The statements of the search ahead and of its check, by kind and number of digests
#: (:func:`_sql`).
_PROBES: dict[tuple[str, int, int], str] = {}


def _sql(kind: str, count: int, cases: int = 0) -> str:
    """``ahead``: the index's highest row, the rows holding one of ``count`` digests, the
    highest assessment. ``subjects``: the subjects holding them. ``since``: whether a row
    holding one came after the search ahead (but the intake's own subject's); ``still``: and
    the rows held up to it, whether an assessment of a case whose subject holds one came
    since, and how many of ``cases`` cases found are as they were."""
    sql = _PROBES.get((kind, count, cases))
    if sql is None:
        quote = connections[router.db_for_read(IndexTerm)].ops.quote_name
        table = quote(IndexTerm._meta.db_table)
        key, digest, subject, pk = (
            quote(name) for name in ("key_id", "digest", "subject_id", "id")
        )
        holds = f"{key} = %s AND {digest} IN ({', '.join(['%s'] * count)})"
        if kind == "ahead":
            sql = (
                f"SELECT (SELECT MAX({pk}) FROM {table}), "  # noqa: S608 (constants)
                f"(SELECT COUNT(*) FROM {table} WHERE {holds}), "
                f"(SELECT MAX({pk}) FROM {quote(Assessment._meta.db_table)})"
            )
        elif kind == "subjects":
            sql = f"SELECT COUNT(DISTINCT {subject}) FROM {table} WHERE {holds}"  # noqa: S608
        else:
            since = (
                f"EXISTS (SELECT 1 FROM {table} WHERE {holds} "  # noqa: S608 (constants)
                f"AND {pk} > %s AND ({subject} IS NULL OR {subject} <> %s))"
            )
            sql = f"SELECT {since}" if kind == "since" else _still_sql(since, holds, cases)
        _PROBES[(kind, count, cases)] = sql
    return sql


def _still_sql(since: str, holds: str, cases: int) -> str:
    """The ``still`` statement (:func:`_still_found`): ``since``, then the rows held up to the
    search ahead's highest, whether an assessment came since to a case whose subject holds a
    digest (but the intake's own), and how many of ``cases`` cases found keep their key,
    cryptonym and post's code."""
    quote = connections[router.db_for_read(IndexTerm)].ops.quote_name
    terms, assessments = quote(IndexTerm._meta.db_table), quote(Assessment._meta.db_table)
    subjects, case_table = quote(Subject._meta.db_table), quote(Case._meta.db_table)
    pk, case_id = quote("id"), quote("case_id")
    held = f"(SELECT COUNT(*) FROM {terms} WHERE {holds} AND {pk} <= %s)"  # noqa: S608
    assessed = (
        f"EXISTS (SELECT 1 FROM {assessments} a WHERE a.{pk} > %s AND a.{case_id} <> %s "  # noqa: S608
        f"AND EXISTS (SELECT 1 FROM {subjects} s JOIN {terms} ON {terms}.{quote('subject_id')}"
        f" = s.{pk} WHERE s.{case_id} = a.{case_id} AND {holds}))"
    )
    found = "0"
    if cases:
        same = " OR ".join(
            [f"(c.{pk} = %s AND c.{quote('cryptonym')} = %s AND p.{quote('code')} = %s)"] * cases
        )
        found = (
            f"(SELECT COUNT(*) FROM {case_table} c JOIN {quote(Post._meta.db_table)} p "  # noqa: S608
            f"ON p.{pk} = c.{quote('post_id')} WHERE c.{pk} IN ({', '.join(['%s'] * cases)}) "
            f"AND ({same}))"
        )
    return f"SELECT {since}, {held}, {assessed}, {found}"


def _connection() -> BaseDatabaseWrapper:
    return connections[router.db_for_read(IndexTerm)]


def _still_found(found: Ahead, case: Case, subject: Subject) -> bool:
    """Whether a search in the transaction would find what the search ahead found, in one
    statement (module docstring): no row holding one of the digests came since (but the
    subject's own, written in this transaction); when some were held, as many are left, no
    assessment came since to the case of a subject holding one, and every case found is as
    it was."""
    digests = [found.key_id, *found.digests]
    with prepared.cursor(_connection()) as cursor:
        if not found.held:
            cursor.execute(
                _sql("since", len(found.digests)), [*digests, found.last_term, subject.pk]
            )
            return not cursor.fetchone()[0]
        cases = {hit.case.pk: hit.case for hit in found.found or () if hit.case is not None}
        params: list[Any] = [*digests, found.last_term, subject.pk, *digests, found.last_term]
        params += [found.last_assessment, case.pk, *digests, *cases]
        for pk, other in cases.items():
            params += [pk, other.cryptonym, other.post.code]
        cursor.execute(_sql("still", len(found.digests), len(cases)), params)
        came, held, assessed, same = cursor.fetchone()
    return not came and int(held) == found.held and not assessed and int(same) == len(cases)


@sensitive_variables("identity")
def trace_in_intake(
    *,
    case: Case,
    subject: Subject,
    nationality: str | None,
    acting_user: AnyUser | None,
) -> list[audit.Event] | None:
    """Trace the intake's subject in its transaction (on SQLite: :func:`writers_take_turns`),
    in a savepoint: the trace written, its audit record handed back for the intake to append
    after its own. When the IDC is to be told of a hit, the trace is kept after the commit
    as before (its notices and their records after the case's), from this search. ``None``
    when it failed (logged, the savepoint rolled back, the intake untouched): the trace after
    the commit is then run instead.

    With a search ahead that a search here would find again (:func:`_still_found`), nothing
    is searched: with no hit the trace is written in no savepoint (its one statement is undone
    alone should SQLite refuse it, as ``notifications.receivers.on_case_changed``'s notices);
    with hits to tell the IDC of, nothing is written here."""
    found_ahead: Ahead | None = subject.__dict__.pop(_AHEAD, None)
    kept: list[Found] | None = None
    if (
        found_ahead is not None
        and found_ahead.found is not None
        and found_ahead.identity is not None
        and found_ahead.key_id == blind.primary_key_id()
        and blind.known_key_ids() == {found_ahead.key_id}
    ):
        connection = transaction.get_connection()
        try:
            still = _still_found(found_ahead, case, subject)
        except Exception as error:  # a trace that fails must not undo the intake
            if isinstance(error, DatabaseError) and not connection.connection.in_transaction:
                raise  # SQLite rolled the whole transaction back: the intake must stop
            logger.exception("the name trace at intake failed for case %s", case.pk)
            return None
        kept = found_ahead.found if still else None
    identity = found_ahead.identity if found_ahead is not None else None
    if kept is not None and identity is not None:
        if not kept:
            return _keep_nothing_found(case, identity, acting_user)
        if _to_tell(kept, acting_user, TraceKind.INTAKE):
            told = identity
            transaction.on_commit(
                lambda: _keep_after_commit(case, told, kept, acting_user), robust=True
            )
            return []
    try:
        with transaction.atomic():
            if identity is None:
                identity = subject_identity(case, subject, nationality)
            if identity is None:
                return []
            found = kept if kept is not None else find(case, identity, subject)
            if _to_tell(found, acting_user, TraceKind.INTAKE):
                transaction.on_commit(
                    lambda: _keep_after_commit(case, identity, found, acting_user), robust=True
                )
                return []
            events: list[audit.Event] = []
            keep_trace(
                case,
                identity,
                found,
                kind=TraceKind.INTAKE,
                acting_user=acting_user,
                moment=timezone.now(),
                events=events,
            )
            return events
    except Exception:  # a trace that fails must not undo the intake
        logger.exception("the name trace at intake failed for case %s", case.pk)
        return None


@sensitive_variables("identity")
def _keep_after_commit(
    case: Case, identity: Identity, found: list[Found], acting_user: AnyUser | None
) -> None:
    try:
        keep_at_intake(case, identity, found, acting_user)
    except Exception:  # the case is committed; a trace that fails must not undo the answer
        logger.exception("the name trace at intake failed for case %s", case.pk)


@sensitive_variables("identity")
def _keep_nothing_found(
    case: Case, identity: Identity, acting_user: AnyUser | None
) -> list[audit.Event] | None:
    """Write the trace that found nothing (no hit, no one to tell) in the intake's
    transaction, its one statement last; its audit record handed back."""
    connection = transaction.get_connection()
    try:
        trace, event = trace_nothing_found(
            case, identity, acting_user=acting_user, moment=timezone.now()
        )
        save_trace(trace)
    except Exception as error:  # a trace that fails must not undo the intake
        if isinstance(error, DatabaseError) and not connection.connection.in_transaction:
            raise  # SQLite rolled the whole transaction back: the intake must stop
        logger.exception("the name trace at intake failed for case %s", case.pk)
        return None
    return [event]


@sensitive_variables("identity")
def trace_nothing_found(
    case: Case, identity: Identity, *, acting_user: AnyUser | None, moment: dt.datetime
) -> tuple[Trace, audit.Event]:
    """An intake's trace that found nothing, as :func:`keep_trace` keeps it (no hit, no one to
    tell), made but not written: the trace (for :func:`save_trace`) and its audit record."""
    trace = trace_row(case, identity, kind=TraceKind.INTAKE, acting_user=acting_user, moment=moment)
    event = audit.Event(
        actor=acting_user,
        action="traces.trace.run",
        obj=trace,
        cryptonym=case.cryptonym,
        after=trace_after(TraceKind.INTAKE, 0, 0, ()),
    )
    return trace, event


def save_trace(trace: Trace) -> None:
    """Write a trace made by :func:`trace_nothing_found` (one statement)."""
    _TRACES.one(trace)


#: The trace's insert, built once (``core.inserts``): the row ``create`` writes.
_TRACES: Final = Insert(Trace)
