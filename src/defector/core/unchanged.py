"""Reads kept while the database is unchanged: a read's answer kept by the process that read
it, and given again, without the read, for as long as nothing in the database has changed
since — whoever changed it, whatever table, by whatever path (an action, a command, a
migration, another process, ``psql``).

What says "unchanged", read before the answer is (one small statement, each time):

- **SQLite** (a database file): the ``data_version`` pragma read through a connection of the
  process's own that does nothing else (the *watch*, one per process and file): it changes
  whenever any other connection — this process's threads', another process's — has committed
  to the database since the watch last looked; and the ``schema_version`` (any change of a
  table, an index or a view). Two equal readings: no commit by anyone between them.
- **PostgreSQL**: the current snapshot (``pg_current_snapshot()``: the oldest transaction
  still running, the first not yet ended, and those running between), read through the
  asking connection. Two equal snapshots see the same transactions committed, and so the same
  rows of every table, whichever connection took them; any transaction that ends anywhere on
  the server, this connection's own included, changes it.
- **SQLite in memory** (the test runner's database, which no other process can open): the
  asking connection's own ``data_version`` and ``schema_version`` and its ``total_changes``
  (the rows it has inserted, updated or deleted since it was opened), so an answer is given
  only on the connection that read it.

So an answer is kept for the process, not for a thread or a connection: read by one of the
server's threads, it is given to the others too while the database is unchanged (kept for
each thread's connection, a write anywhere made each of them read again once, the first
time it asked; ``docs/benchmarks.md``, the eleventh session). Inside a transaction (an
atomic block, or autocommit off) nothing is kept or given: there the transaction's own
writes are not yet committed, and no reading sees them (SQLite's in memory counts them as
they are made, and a rollback undoes them; a snapshot or the watch shows none). The reading
is taken before the read: an answer kept is at least as new as the reading it is kept under,
so a commit between the two makes the next reading differ (a read again), never an old
answer given. (On SQLite the read must not run inside the iteration of another read of the
same connection, ``QuerySet.iterator()``, whose unfinished statement holds that connection's
snapshot where it was: none of the reads kept does.)

The price: any write misses every kept answer (as the audit chain's head would, which every
action moves, but which a write outside the actions would not). For reads whose answer does
not depend on the clock or on anything outside the database: the key says everything else
the answer depends on (for an SQL statement: its text and its values).
"""

from __future__ import annotations

import os
import sqlite3
import threading
from collections.abc import Callable, Hashable
from pathlib import Path
from typing import Any, Final, TypeVar, cast

from django.db.backends.base.base import BaseDatabaseWrapper

from defector.core.cursors import cursor

#: The answers the process keeps (by key) under one reading; beyond it, the oldest goes.
KEPT: Final = 1024

_T = TypeVar("_T")
_SNAPSHOT: Final = {
    "sqlite": (
        "SELECT d.data_version, s.schema_version "
        "FROM pragma_data_version() d, pragma_schema_version() s"
    ),
    "postgresql": "SELECT pg_current_snapshot()::text",
}

#: The process's answers, by database alias: the reading they were read under, and them.
_kept: dict[str, tuple[tuple[Any, ...], dict[Hashable, Any]]] = {}
_lock = threading.Lock()
_NONE: Final = object()


class _Watch:
    """The process's own connection to a SQLite file, for :func:`reading` alone (never a read
    of data, never a write: ``query_only``), asked under a lock by every thread. Opened
    again in a process forked from the one that opened it (SQLite's connections must not
    cross a fork); the old one is left as it is, never closed there."""

    def __init__(self, path: Path) -> None:
        self.pid = os.getpid()
        self.lock = threading.Lock()
        self.raw = sqlite3.connect(
            f"{path.as_uri()}?mode=rw", uri=True, check_same_thread=False, isolation_level=None
        )
        self.raw.execute("PRAGMA query_only = 1")

    def read(self) -> tuple[Any, ...]:
        with self.lock:
            row = self.raw.execute(_SNAPSHOT["sqlite"]).fetchone()
        return (self, *row)


_watches: dict[str, _Watch] = {}
_left: list[_Watch] = []  # the watches of a parent process, kept from being closed here


def _watch(name: str) -> _Watch:
    watch = _watches.get(name)
    if watch is None or watch.pid != os.getpid():
        with _lock:
            watch = _watches.get(name)
            if watch is None or watch.pid != os.getpid():
                if watch is not None:
                    _left.append(watch)
                watch = _watches[name] = _Watch(Path(name).resolve())
    return watch


def _in_memory(name: str) -> bool:
    return not name or name == ":memory:" or "mode=memory" in name or name.startswith("file:")


def reading(connection: BaseDatabaseWrapper) -> tuple[Any, ...] | None:
    """What the database looks like now, as a value equal to an earlier one only when nothing
    has been committed since (on SQLite in memory: and on the same connection); ``None``
    inside a transaction, or on a database that cannot tell."""
    statement = _SNAPSHOT.get(connection.vendor)
    if statement is None or connection.in_atomic_block or not connection.get_autocommit():
        return None
    if connection.vendor == "sqlite":
        name = str(connection.settings_dict.get("NAME") or "")
        if not _in_memory(name):
            return _watch(name).read()
    with cursor(connection) as read:
        read.execute(statement)
        row = read.fetchone()
    if connection.vendor == "sqlite":
        raw = connection.connection
        return (raw, *row, raw.total_changes)
    return tuple(row)


def kept(
    connection: BaseDatabaseWrapper,
    key: Hashable,
    read: Callable[[], _T],
    still: Callable[[_T], bool] | None = None,
) -> _T:
    """``read()``'s answer, kept for ``key`` by the process and given again, on any of its
    connections to the database, while the database is unchanged (:func:`reading`) and, if
    given, ``still(answer)`` holds (an answer that depends on the clock too: until when it
    holds); read every time inside a transaction. ``key`` names the read and every value its
    answer depends on; the answer must not be changed by whoever is given it (a tuple, a
    frozen dataclass): threads share it."""
    now = reading(connection)
    if now is None:
        return read()
    alias = connection.alias
    held = _kept.get(alias)
    if held is not None and held[0] == now:
        found = held[1].get(key, _NONE)  # one look: another thread may change the dict
        if found is not _NONE and (still is None or still(found)):
            return cast("_T", found)
    answer = read()
    with _lock:
        held = _kept.get(alias)
        if held is None or held[0] != now:
            held = _kept[alias] = (now, {})
        answers = held[1]
        answers.pop(key, None)
        if len(answers) >= KEPT:
            del answers[next(iter(answers))]
        answers[key] = answer
    return answer
