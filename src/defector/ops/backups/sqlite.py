"""Backup and restore of the embedded default (SQLite) with SQLite's online backup API.

The backup API copies the database page by page through its own connection while the server
and the worker keep running: the copy is one consistent snapshot (committed transactions
only), WAL included. The backup is a plain SQLite file in rollback-journal mode (one file, no
``-wal`` beside it), written under a temporary name, mode 0600, synced, then renamed.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from defector.ops.backups.content import ContentDigest, sqlite_digest

MAGIC = b"SQLite format 3\x00"


class SqliteBackupError(Exception):
    """A SQLite backup could not be written, read or restored."""


def is_sqlite_file(path: Path) -> bool:
    try:
        with path.open("rb") as handle:
            return handle.read(len(MAGIC)) == MAGIC
    except OSError:
        return False


def _raw(connection: Any) -> sqlite3.Connection:
    """The ``sqlite3`` connection under Django's."""
    connection.ensure_connection()
    raw = connection.connection
    if not isinstance(raw, sqlite3.Connection):
        raise SqliteBackupError("the database connection is not SQLite's")
    return raw


@contextlib.contextmanager
def read_only(path: Path) -> Iterator[sqlite3.Connection]:
    """A plain read-only connection to a SQLite file (no converters: values as stored)."""
    database = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    try:
        yield database
    finally:
        database.close()


def live_digest(connection: Any) -> ContentDigest:
    """The content hash of the live database: read through a plain read-only connection of
    its file, or, for an in-memory database (the tests'), of a copy made by the backup API."""
    name = str(connection.settings_dict["NAME"])
    if not connection.is_in_memory_db() and Path(name).is_file():
        with read_only(Path(name)) as database:
            return sqlite_digest(database)
    copy = sqlite3.connect(":memory:")
    try:
        _raw(connection).backup(copy)
        return sqlite_digest(copy)
    finally:
        copy.close()


def _sync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def backup(connection: Any, destination: Path) -> ContentDigest:
    """Copy the live database to ``destination`` (replaced atomically); the content hash of
    what was written, read back from the file itself."""
    destination.parent.mkdir(parents=True, exist_ok=True)
    temporary = destination.with_name(f".{destination.name}.{os.getpid()}.partial")
    temporary.unlink(missing_ok=True)
    # Private from its first byte: the copy holds case data (sealed names stay sealed).
    os.close(os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    try:
        target = sqlite3.connect(temporary)
        try:
            _raw(connection).backup(target)
            target.execute("PRAGMA journal_mode=DELETE")  # one self-contained file
        finally:
            target.close()
        check(temporary)
        _sync(temporary)
        os.replace(temporary, destination)
    finally:
        temporary.unlink(missing_ok=True)
    with read_only(destination) as database:
        return sqlite_digest(database)


def check(path: Path) -> None:
    """Refuse a file that is not an intact SQLite database."""
    if not is_sqlite_file(path):
        raise SqliteBackupError(f"{path} is not a SQLite database")
    try:
        with read_only(path) as database:
            result = database.execute("PRAGMA integrity_check").fetchall()
    except sqlite3.DatabaseError as exc:
        raise SqliteBackupError(f"{path} cannot be read: {exc}") from None
    if result != [("ok",)]:
        raise SqliteBackupError(f"{path} fails SQLite's integrity check: {result[:3]}")


def file_digest(path: Path) -> ContentDigest:
    check(path)
    with read_only(path) as database:
        return sqlite_digest(database)


def restore(connection: Any, source: Path) -> None:
    """Replace the live database's content with the backup's, page by page, in one step."""
    check(source)
    with read_only(source) as database:
        database.backup(_raw(connection))
    connection.close()
