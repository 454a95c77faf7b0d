"""Django's SQLite backend, with write transactions queued on a blocking lock.

SQLite lets one writer in at a time. A transaction begins ``IMMEDIATE`` (it takes the
database's write lock at ``BEGIN``), and a connection that finds the lock taken waits in
SQLite's busy handler, which **sleeps** — 1, 2, 5, 10 … 100 ms — and tries again: it is not
woken when the lock is freed. Under many concurrent writers most of a writer's wait is sleep
past the moment the lock was free, and who gets in next is luck (a late comer polling at 1 ms
beats one polling at 100 ms).

Here a transaction first takes a lock that blocks and wakes its waiter as soon as it is free:

- a :class:`threading.Lock` per database file within the process (its threads),
- then an ``fcntl.flock`` on a lock file beside the database (``<name>.lock``, mode 0600)
  across processes (the server's processes, the worker, commands),

taken when the outermost transaction begins (``BEGIN IMMEDIATE``) and released at its commit or
rollback, or when the connection closes. Only transactions queue: a read outside a transaction
never takes it and, under WAL, proceeds while a writer works. SQLite's own lock still guards
the database (the busy timeout stays); this lock only puts writers in a queue in front of it,
so correctness never depends on it. A process killed holding it releases it (the kernel drops
the flock with the process's files).

An in-memory database (the test runner's) takes the thread lock only.

The write-ahead log is checkpointed (copied into the database file, both synced) after a
writer's turn, not within it: SQLite's own automatic checkpoint runs inside the ``COMMIT``
that crosses its threshold, so that writer, holding its turn, kept every other one waiting
through the copy and two syncs (tens of milliseconds every few dozen commits). Here each
connection runs a passive checkpoint (:data:`CHECKPOINT_EVERY`) once its turn is given back,
while the next writer works; SQLite's own stays as a bound (:data:`CHECKPOINT_BOUND` pages)
should these fall behind.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import sqlite3
import threading
from pathlib import Path
from typing import Any

from django.db import OperationalError
from django.db.backends.sqlite3 import base as sqlite3_base

from defector.core.sqlite.operations import DatabaseOperations

#: The file beside the database whose flock queues writers across processes.
LOCK_SUFFIX = ".lock"
#: A connection's commits after which it checkpoints the write-ahead log, its turn given back.
CHECKPOINT_EVERY = 20
#: The log's pages at which SQLite checkpoints within a commit (its default is 1000): a bound
#: only, if the checkpoints after the turns fall behind.
CHECKPOINT_BOUND = 4000

_registry_guard = threading.Lock()
_thread_locks: dict[str, threading.Lock] = {}
#: The lock file open in this process, by database file: (pid, file descriptor). A child
#: process (a forked server worker) opens its own: a flock is shared by a description's
#: every holder, and a description inherited over fork would be shared with the parent.
_lock_files: dict[str, tuple[int, int]] = {}


def _forget_after_fork() -> None:
    """In a forked child (a server worker), start from fresh locks: a lock some thread of the
    parent held at the fork would stay held in the child, with no thread to release it; and
    the lock files inherited are closed (their flock is the parent's)."""
    global _registry_guard
    _registry_guard = threading.Lock()
    _thread_locks.clear()
    for _, fd in _lock_files.values():
        with contextlib.suppress(OSError):
            os.close(fd)
    _lock_files.clear()


os.register_at_fork(after_in_child=_forget_after_fork)


def _thread_lock(name: str) -> threading.Lock:
    with _registry_guard:
        return _thread_locks.setdefault(name, threading.Lock())


def _lock_file(name: str) -> int:
    """This process's descriptor of the lock file of the database ``name`` (opened once)."""
    pid = os.getpid()
    with _registry_guard:
        found = _lock_files.get(name)
        if found is not None and found[0] == pid:
            return found[1]
        fd = os.open(name + LOCK_SUFFIX, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
        _lock_files[name] = (pid, fd)
        return fd


class WriteQueue:
    """The blocking lock of one database file: the thread lock, then the flock."""

    def __init__(self, name: str, *, timeout: float) -> None:
        self.name = name
        self.timeout = timeout
        self.file_backed = bool(name) and not _in_memory(name)
        self.key = str(Path(name).resolve()) if self.file_backed else name
        self.thread_lock = _thread_lock(self.key)
        self.held = False

    def take(self) -> None:
        if self.held:
            return
        if not self.thread_lock.acquire(timeout=self.timeout):
            raise OperationalError("database is locked (no write turn within the timeout)")
        try:
            if self.file_backed:
                fcntl.flock(_lock_file(self.key), fcntl.LOCK_EX)
        except BaseException:
            self.thread_lock.release()
            raise
        self.held = True

    def give_back(self) -> None:
        if not self.held:
            return
        self.held = False
        try:
            if self.file_backed:
                fcntl.flock(_lock_file(self.key), fcntl.LOCK_UN)
        finally:
            self.thread_lock.release()


def _in_memory(name: str) -> bool:
    return name == ":memory:" or "mode=memory" in name


class DatabaseWrapper(sqlite3_base.DatabaseWrapper):
    """Django's SQLite wrapper; a transaction holds its database's :class:`WriteQueue` turn
    from ``BEGIN`` to its commit or rollback; a read's date-times converted without a read of
    the settings for each (:mod:`defector.core.sqlite.operations`)."""

    ops_class = DatabaseOperations

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._write_queue: WriteQueue | None = None
        self._commits = 0

    def get_new_connection(self, conn_params: Any) -> Any:
        connection = super().get_new_connection(conn_params)
        if not _in_memory(str(self.settings_dict.get("NAME") or "")):
            connection.execute(f"PRAGMA wal_autocheckpoint={CHECKPOINT_BOUND}")
        return connection

    def write_queue(self) -> WriteQueue:
        name = str(self.settings_dict.get("NAME") or "")
        queue = self._write_queue
        if queue is None or queue.name != name:
            timeout = float(self.settings_dict.get("OPTIONS", {}).get("timeout", 5))
            queue = self._write_queue = WriteQueue(name, timeout=timeout)
        return queue

    def _start_transaction_under_autocommit(self) -> None:
        queue = self.write_queue()
        queue.take()
        try:
            super()._start_transaction_under_autocommit()  # type: ignore[misc]
        except BaseException:
            queue.give_back()
            raise

    def _commit(self) -> Any:
        try:
            result = super()._commit()  # type: ignore[misc]
        finally:
            self._give_back()
        self._commits += 1
        if self._commits >= CHECKPOINT_EVERY and self.connection is not None:
            self._commits = 0
            if self.write_queue().file_backed and not self.connection.in_transaction:
                # Passive: it waits for nobody, and copies what no reader still needs.
                with contextlib.suppress(OperationalError, sqlite3.Error):
                    self.connection.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchall()
        return result

    def _rollback(self) -> Any:
        try:
            return super()._rollback()  # type: ignore[misc]
        finally:
            self._give_back()

    def _close(self) -> Any:
        try:
            return super()._close()  # type: ignore[misc]
        finally:
            self._give_back()

    def _give_back(self) -> None:
        if self._write_queue is not None:
            self._write_queue.give_back()
