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
from, and on SQLite the trace's search itself, as far as it goes when nothing shares a digest
with the names (most intakes): the highest index row and whether any row holds one of the
digests, read in one statement. Inside the transaction the trace then only asks whether a
row holding one of them came since (one probe of the digests' index); none came, it finds
what a search there would find (nothing: rows gone since cannot add any), else it searches
there as before. The search is the same either way.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass
from typing import Final

from django.db import DatabaseError, connections, router, transaction
from django.db.backends.base.base import BaseDatabaseWrapper
from django.utils import timezone
from django.views.decorators.debug import sensitive_variables

from defector.cases.models import Case, Subject
from defector.core import audit, prepared
from defector.core.inserts import Insert
from defector.core.sealing import open_sealed
from defector.core.users import AnyUser
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
from defector.traces.search import Found, remember_digests, subject_names

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
    trace's search ahead (``last_term``: the highest index row when it was made; ``clear``:
    no row held one of the digests then)."""

    key_id: str
    digests: list[str]
    identity: Identity | None
    last_term: int | None = None
    clear: bool = False


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
    if digests and writers_take_turns() and blind.known_key_ids() == {key_id}:
        found.last_term, held = _probe(key_id, digests)
        found.clear = not held
    subject.__dict__[_AHEAD] = found


def ahead_of(subject: Subject) -> Ahead | None:
    """What :func:`prepare_at_intake` kept on ``subject``, if its key is still the primary."""
    found: Ahead | None = subject.__dict__.get(_AHEAD)
    if found is None or found.key_id != blind.primary_key_id():
        return None
    return found


#: The probes of the index by number of digests (:func:`_probe`, :func:`_came_since`).
_PROBES: dict[tuple[str, int], str] = {}


def _sql(kind: str, count: int) -> str:
    sql = _PROBES.get((kind, count))
    if sql is None:
        quote = connections[router.db_for_read(IndexTerm)].ops.quote_name
        table = quote(IndexTerm._meta.db_table)
        key, digest, subject = quote("key_id"), quote("digest"), quote("subject_id")
        where = f"{key} = %s AND {digest} IN ({', '.join(['%s'] * count)})"
        if kind == "ahead":
            sql = (
                f"SELECT (SELECT MAX({quote('id')}) FROM {table}), "  # noqa: S608 (constants)
                f"EXISTS (SELECT 1 FROM {table} WHERE {where})"
            )
        else:
            sql = (
                f"SELECT EXISTS (SELECT 1 FROM {table} WHERE {where} "  # noqa: S608 (constants)
                f"AND {quote('id')} > %s AND ({subject} IS NULL OR {subject} <> %s))"
            )
        _PROBES[(kind, count)] = sql
    return sql


def _connection() -> BaseDatabaseWrapper:
    return connections[router.db_for_read(IndexTerm)]


def _probe(key_id: str, digests: list[str]) -> tuple[int, bool]:
    """The highest index row, and whether a row holds one of ``digests`` under ``key_id``: in
    one statement (one snapshot)."""
    with prepared.cursor(_connection()) as cursor:
        cursor.execute(_sql("ahead", len(digests)), [key_id, *digests])
        last, held = cursor.fetchone()
    return int(last or 0), bool(held)


def _came_since(found: Ahead, subject: Subject) -> bool:
    """Whether an index row holding one of the digests came after the search ahead (but the
    subject's own, written in this transaction)."""
    with prepared.cursor(_connection()) as cursor:
        cursor.execute(
            _sql("since", len(found.digests)),
            [found.key_id, *found.digests, found.last_term, subject.pk],
        )
        return bool(cursor.fetchone()[0])


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

    With a search ahead that found nothing and no row come since (:func:`prepare_at_intake`),
    nothing is searched and the trace (no hit) is written in no savepoint: its one statement
    is undone alone should SQLite refuse it (as ``notifications.receivers.on_case_changed``'s
    notices)."""
    found_ahead = subject.__dict__.pop(_AHEAD, None)
    if (
        found_ahead is not None
        and found_ahead.clear
        and found_ahead.identity is not None
        and found_ahead.key_id == blind.primary_key_id()
        and blind.known_key_ids() == {found_ahead.key_id}
    ):
        connection = transaction.get_connection()
        try:
            came = _came_since(found_ahead, subject)
        except Exception as error:  # a trace that fails must not undo the intake
            if isinstance(error, DatabaseError) and not connection.connection.in_transaction:
                raise  # SQLite rolled the whole transaction back: the intake must stop
            logger.exception("the name trace at intake failed for case %s", case.pk)
            return None
        if not came:
            return _keep_nothing_found(case, found_ahead.identity, acting_user)
    identity = found_ahead.identity if found_ahead is not None else None
    try:
        with transaction.atomic():
            if identity is None:
                identity = subject_identity(case, subject, nationality)
            if identity is None:
                return []
            found = find(case, identity, subject)
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
