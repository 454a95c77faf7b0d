"""Backups of the database (and of the sealed files beside it), and their restore.

- SQLite (the embedded default): SQLite's online backup API (:mod:`.sqlite`);
- PostgreSQL: ``pg_dump``/``pg_restore``, custom format (:mod:`.postgres`).

A backup is the database at one moment, and, when there are any, the sealed signature files
of voluntary statements (``MEDIA_ROOT``) in ``<PATH>.files.tar``. It never holds a key: the
sealing keyring and the audit signing key live in the environment or in key files outside the
database, and are kept apart (``docs/operations.md``): a stolen backup shows no true name.

Each backup comes with its content hash (:mod:`.content`); a restore is checked against it. A
restore over a database that holds data (:func:`tables_with_data`) is refused unless forced.
"""

from __future__ import annotations

import os
import tarfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.apps import apps
from django.conf import settings
from django.db import connections

from defector.ops.backups import postgres, sqlite
from defector.ops.backups.content import ContentDigest, TableDigest, quote

__all__ = [
    "BackupError",
    "BackupResult",
    "ContentDigest",
    "TableDigest",
    "backup",
    "content_digest",
    "files_archive",
    "restore",
    "tables_with_data",
    "verify",
]

#: Tables that ``migrate`` itself fills: a database holding rows only there is empty.
MIGRATE_FILLS = frozenset({"django_content_type", "auth_permission", "core_audithead"})


#: What a backup or restore may fail with, below :class:`BackupError`.
FAILURES = (sqlite.SqliteBackupError, postgres.PostgresBackupError, OSError)


class BackupError(Exception):
    """A backup or restore that could not be made, or was refused; the message says why."""


@dataclass(frozen=True)
class BackupResult:
    engine: str
    path: Path
    size: int
    digest: ContentDigest | None
    files: int
    #: For a PostgreSQL archive checked by :func:`verify`: its table of contents' entries.
    entries: int = 0


def files_archive(path: Path) -> Path:
    """Where the sealed files of the backup at ``path`` go."""
    return path.with_name(path.name + ".files.tar")


def _connection(using: str) -> Any:
    connection = connections[using]
    if connection.vendor not in {"sqlite", "postgresql"}:
        raise BackupError(f"no backup for a {connection.vendor} database")
    return connection


def content_digest(using: str = "default") -> ContentDigest:
    """The content hash of the live database."""
    connection = _connection(using)
    if connection.vendor == "sqlite":
        return sqlite.live_digest(connection)
    return postgres.live_digest(connection)


def tables_with_data(using: str = "default") -> list[str]:
    """The tables of the project's models that hold a row (less those ``migrate`` fills)."""
    connection = _connection(using)
    with connection.cursor() as cursor:
        existing = set(connection.introspection.table_names(cursor))
        names = {model._meta.db_table for model in apps.get_models(include_auto_created=True)}
        found = []
        for table in sorted((names & existing) - MIGRATE_FILLS):
            cursor.execute(f"SELECT 1 FROM {quote(table)} LIMIT 1")  # noqa: S608
            if cursor.fetchone() is not None:
                found.append(table)
    return found


def _archive_files(path: Path) -> int:
    media = Path(settings.MEDIA_ROOT)
    files = sorted(p for p in media.rglob("*") if p.is_file()) if media.is_dir() else []
    target = files_archive(path)
    if not files:
        target.unlink(missing_ok=True)
        return 0
    temporary = target.with_name(f".{target.name}.{os.getpid()}.partial")
    os.close(os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600))
    try:
        with tarfile.open(temporary, "w") as archive:
            for file in files:
                archive.add(file, arcname=str(file.relative_to(media)), recursive=False)
        os.replace(temporary, target)
    finally:
        temporary.unlink(missing_ok=True)
    return len(files)


def _restore_files(path: Path) -> int:
    source = files_archive(path)
    if not source.is_file():
        return 0
    media = Path(settings.MEDIA_ROOT)
    media.mkdir(mode=0o700, parents=True, exist_ok=True)
    with tarfile.open(source, "r") as archive:
        members = [member for member in archive.getmembers() if member.isfile()]
        # The "data" filter refuses absolute paths, links out of the directory and devices.
        archive.extractall(media, members=members, filter="data")
    for member in members:
        (media / member.name).chmod(0o600)
    return len(members)


def backup(path: Path, using: str = "default") -> BackupResult:
    """Back the database up to ``path`` (and the sealed files to ``<path>.files.tar``)."""
    connection = _connection(using)
    try:
        if connection.vendor == "sqlite":
            digest = sqlite.backup(connection, path)
        else:
            digest = postgres.backup(connection, path)
        files = _archive_files(path)
    except FAILURES as exc:
        raise BackupError(str(exc)) from None
    return BackupResult(connection.vendor, path, path.stat().st_size, digest, files)


def verify(path: Path) -> BackupResult:
    """Read a backup back: a SQLite file is checked and hashed; a PostgreSQL archive's table
    of contents is read (its content hash shows only once restored)."""
    if not path.is_file():
        raise BackupError(f"there is no backup at {path}")
    try:
        if sqlite.is_sqlite_file(path):
            digest = sqlite.file_digest(path)
            return BackupResult("sqlite", path, path.stat().st_size, digest, 0)
        entries = postgres.archive_entries(path)
    except (sqlite.SqliteBackupError, postgres.PostgresBackupError) as exc:
        raise BackupError(str(exc)) from None
    return BackupResult("postgresql", path, path.stat().st_size, None, 0, entries)


def restore(path: Path, *, force: bool = False, using: str = "default") -> BackupResult:
    """Restore the backup at ``path`` over the database: refused over one that holds data,
    unless ``force``. The engine of the backup must be the database's."""
    connection = _connection(using)
    if not path.is_file():
        raise BackupError(f"there is no backup at {path}")
    kind = "sqlite" if sqlite.is_sqlite_file(path) else "postgresql"
    if kind == "postgresql" and not postgres.is_archive(path):
        raise BackupError(f"{path} is neither a SQLite backup nor a pg_dump archive")
    if kind != connection.vendor:
        raise BackupError(
            f"{path} is a {kind} backup and the database is {connection.vendor}: restore it "
            f"into a {kind} database"
        )
    if not force:
        holding = tables_with_data(using)
        if holding:
            shown = ", ".join(holding[:5]) + (
                f" and {len(holding) - 5} more" if len(holding) > 5 else ""
            )
            raise BackupError(
                f"the database holds data ({shown}): restoring would replace it; "
                "give --force to replace it"
            )
    try:
        if kind == "sqlite":
            sqlite.restore(connection, path)
        else:
            postgres.restore(connection, path)
        files = _restore_files(path)
    except (
        sqlite.SqliteBackupError,
        postgres.PostgresBackupError,
        OSError,
        tarfile.TarError,
    ) as exc:
        raise BackupError(str(exc)) from None
    digest = content_digest(using)
    return BackupResult(kind, path, path.stat().st_size, digest, files)
