"""Answers given only once the audit head's moves are durable, without the head held through
the disk's flush (PostgreSQL).

A transaction that moves the audit head (``core.heads``) holds the head row's lock to its
end, and with ``synchronous_commit = on`` the end of ``COMMIT`` is a flush of the write-ahead
log to the disk (an ``fdatasync``): every writer of the system waited for the one holding the
head to flush. Within :func:`answering` (a request's handling: :class:`DurableAnswersMiddleware`)
such a transaction instead commits with ``SET LOCAL synchronous_commit = off``: its commit
record is written to the log, its locks are released at once, and the disk's flush is waited
for afterwards, once, before the answer: when the scope ends, one statement in a transaction
of its own, committed as the session commits (``synchronous_commit = on``, PostgreSQL's
default), flushes the log up to past every commit the scope made (:func:`flush`). Waiting
there, outside the lock, the writers of the system share their flushes (one flush writes the
log as far as anyone has written it: PostgreSQL's group commit).

Why the guarantees hold: the log is flushed in order, and a move of the head is written to it
after the move before it (the next writer waits for the head's lock, which is released after
the commit record is written). A crash loses at most the moves whose commit records were not
yet flushed, which are the last ones: a suffix of the chain, each with the change it records
(one transaction), never a link in its middle; and no answer was given for any of them, since
each answer waits for the flush past its own commits. The barrier's own transaction has a
transaction id and writes the log (a transactional ``pg_logical_emit_message``: no table), the
two conditions under which PostgreSQL waits for the flush at a commit; a transaction that
wrote nothing would not wait (``RecordTransactionCommit``). With a synchronous standby
(``synchronous_standby_names``) the barrier's commit waits for the standby too, and so covers
the commits before it there as well.

What it gives up: between a head move's commit and its flush (a few milliseconds, at most
three times ``wal_writer_delay`` if nothing else flushes) another session may read what it
wrote; a crash in that instant loses it with every later move of the head, none of them
answered. Every transaction that does not move the head commits as before, and outside
:func:`answering` (the command line, the worker, tests calling actions) nothing changes.
SQLite is untouched (its ``synchronous = NORMAL`` write-ahead log syncs at checkpoints, not at
commits).
"""

from __future__ import annotations

import logging
import weakref
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Final

from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections
from django.db.backends.base.base import BaseDatabaseWrapper
from django.http import HttpRequest
from django.http.response import HttpResponseBase

logger = logging.getLogger(__name__)

#: A statement in a transaction of its own that writes the log and has a transaction id, so
#: that its commit waits for the log's flush past it (and for a synchronous standby).
BARRIER: Final = "SELECT pg_logical_emit_message(true, 'defector.durable', '')"
#: Said before a transaction's first statement on the head, within :func:`answering`: its
#: commit does not wait for the flush, and the foreign keys' checks, which Django defers to
#: the commit, are made now for the rows written so far (before the head is taken) and then
#: at each statement, instead of all at the ``COMMIT`` while the head is held. The head's own
#: trigger (``core/migrations/0005``) stays at the commit: it holds that the head moved over
#: every event by then, whatever the order of the statements.
LATER: Final = (
    "SET LOCAL synchronous_commit = off; SET CONSTRAINTS ALL IMMEDIATE; "
    "SET CONSTRAINTS core_auditevent_moves_head DEFERRED"
)


class _Scope:
    """An :func:`answering` scope of a connection: whether a commit in it did not wait."""

    __slots__ = ("pending",)

    def __init__(self) -> None:
        self.pending = False


_scopes: weakref.WeakKeyDictionary[BaseDatabaseWrapper, _Scope] = weakref.WeakKeyDictionary()


def _said_later() -> None:
    """The mark that this transaction said :data:`LATER` (an ``on_commit`` hook that does
    nothing: Django drops it with the transaction, or with the savepoint that said it, as
    PostgreSQL drops the setting)."""


def commit_later(connection: BaseDatabaseWrapper) -> None:
    """Before a transaction's first statement on the audit head (``core.heads``): within an
    :func:`answering` scope of ``connection``, let its commit not wait for the log's flush,
    which the scope's end waits for. Elsewhere (SQLite, the command line, the worker, a
    transaction begun before the scope) nothing: the commit waits, as it always did."""
    scope = _scopes.get(connection)
    if scope is None or not connection.in_atomic_block:
        return
    if any(hook[1] is _said_later for hook in connection.run_on_commit):
        return
    # Marked before it is said: a scope that believes it must flush when nothing is pending
    # costs a flush; the other way round would answer before one.
    scope.pending = True
    with connection.cursor() as cursor:
        cursor.execute(LATER)
    connection.on_commit(_said_later)


def flush(connection: BaseDatabaseWrapper) -> None:
    """Wait until the log is flushed past every commit ``connection``'s session has made (and
    every commit it has seen): :data:`BARRIER` in a transaction of its own."""
    if connection.in_atomic_block:
        raise RuntimeError("durable.flush must run outside a transaction")
    with connection.cursor() as cursor:
        cursor.execute(BARRIER)


@contextmanager
def answering(using: str = DEFAULT_DB_ALIAS) -> Iterator[None]:
    """A request's handling, up to its answer: the head's moves within it commit without
    waiting for the log's flush, and the scope's end waits for the flush past them (a
    :class:`DatabaseError` then propagates: the answer must not be given). Only on PostgreSQL,
    and only when entered outside a transaction (a transaction begun before cannot be flushed
    by its end); otherwise nothing changes. Not reentrant: an inner scope is a no-op."""
    connection = connections[using]
    if connection.vendor != "postgresql" or connection.in_atomic_block or connection in _scopes:
        yield
        return
    scope = _scopes[connection] = _Scope()
    try:
        yield
    except BaseException:
        _scopes.pop(connection, None)
        if scope.pending and not connection.in_atomic_block:
            try:
                flush(connection)
            except DatabaseError:
                logger.exception("the log's flush after a failed request failed")
        raise
    _scopes.pop(connection, None)
    if scope.pending:
        flush(connection)


class DurableAnswersMiddleware:
    """Every request handled in :func:`answering`: its answer leaves once what it wrote to the
    audit chain is on the disk. Outside every middleware that may write (the session's, the
    second factor's) but the request's latency's, which counts the wait."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        with answering():
            return self.get_response(request)
