"""Reads kept while the database is unchanged: a read's answer kept by the connection that
read it, and given again, without the read, for as long as nothing in the database has
changed since — whoever changed it, whatever table, by whatever path (an action, a command, a
migration, another process, ``psql``).

What says "unchanged", read before the answer is (one small statement, each time):

- **SQLite**: the ``data_version`` pragma, which changes whenever another connection (of this
  process or any other) has committed to the database since this connection last looked; the
  ``schema_version`` (any change of a table, an index or a view, this connection's too); and
  the connection's own ``total_changes`` (the rows it has inserted, updated or deleted since
  it was opened, triggers' included). Two equal readings: no commit by anyone between them.
- **PostgreSQL**: the current snapshot (``pg_current_snapshot()``: the oldest transaction
  still running, the first not yet ended, and those running between). Two equal snapshots
  see the same transactions committed, and so the same rows of every table; any transaction
  that ends anywhere on the server, this connection's own included, changes it.

Inside a transaction (an atomic block, or autocommit off) nothing is kept or given: there
the transaction's own writes are not yet committed, and neither test sees them (SQLite counts
them as they are made, and a rollback undoes them; a snapshot shows none). Nor is anything
given on another connection than the one that read it (a thread's, or after the connection
was closed and opened again). The reading is taken before the read: an answer kept is at
least as new as the reading it is kept under, so a commit between the two makes the next
reading differ (a read again), never an old answer given.

The price: any write misses every kept answer (as the audit chain's head would, which every
action moves, but which a write outside the actions would not). For reads whose answer does
not depend on the clock or on anything outside the database: the key says everything else
the answer depends on (for an SQL statement: its text and its values).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Hashable
from typing import Any, Final, TypeVar

from django.db.backends.base.base import BaseDatabaseWrapper

from defector.core.cursors import cursor

#: The answers a connection keeps (by key) under one reading; beyond it, the oldest goes.
KEPT: Final = 256

_T = TypeVar("_T")
_SNAPSHOT: Final = {
    "sqlite": (
        "SELECT d.data_version, s.schema_version "
        "FROM pragma_data_version() d, pragma_schema_version() s"
    ),
    "postgresql": "SELECT pg_current_snapshot()::text",
}


class _Kept(threading.local):
    """Each thread's answers, by database alias: the reading they were read under, and them."""

    def __init__(self) -> None:
        self.by_alias: dict[str, tuple[tuple[Any, ...], dict[Hashable, Any]]] = {}


_kept = _Kept()


def reading(connection: BaseDatabaseWrapper) -> tuple[Any, ...] | None:
    """What the database looks like to ``connection`` now, as a value equal to an earlier one
    only when nothing has been committed since (and on the same connection); ``None`` inside
    a transaction, or on a database that cannot tell."""
    statement = _SNAPSHOT.get(connection.vendor)
    if statement is None or connection.in_atomic_block or not connection.get_autocommit():
        return None
    with cursor(connection) as read:
        read.execute(statement)
        row = read.fetchone()
    raw = connection.connection
    if connection.vendor == "sqlite":
        return (raw, *row, raw.total_changes)
    return (raw, *row)


def kept(
    connection: BaseDatabaseWrapper,
    key: Hashable,
    read: Callable[[], _T],
    still: Callable[[_T], bool] | None = None,
) -> _T:
    """``read()``'s answer, kept for ``key`` on ``connection`` and given again while the
    database is unchanged (:func:`reading`) and, if given, ``still(answer)`` holds (an answer
    that depends on the clock too: until when it holds); read every time inside a
    transaction. ``key`` names the read and every value its answer depends on; the answer must
    not be changed by whoever is given it (a tuple, a frozen dataclass)."""
    now = reading(connection)
    if now is None:
        return read()
    alias = connection.alias
    held = _kept.by_alias.get(alias)
    if held is None or held[0] != now:
        held = (now, {})
        _kept.by_alias[alias] = held
    answers = held[1]
    if key in answers:
        answer: _T = answers[key]
        if still is None or still(answer):
            return answer
        del answers[key]
    answer = read()
    if len(answers) >= KEPT:
        del answers[next(iter(answers))]
    answers[key] = answer
    return answer
