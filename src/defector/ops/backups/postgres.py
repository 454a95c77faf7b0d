"""Backup and restore on PostgreSQL with ``pg_dump`` and ``pg_restore`` (custom format).

The backup runs in a ``REPEATABLE READ`` transaction that exports its snapshot: the content
hash is computed in that transaction and ``pg_dump --snapshot`` dumps the very same state,
while the server and the worker go on writing. The archive is compressed, written under a
temporary name, mode 0600, then renamed. A restore runs ``pg_restore --clean --if-exists
--no-owner --no-privileges --single-transaction --exit-on-error``: all or nothing.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

from django.db import transaction

from defector.ops.backups.content import ContentDigest, digest_tables

MAGIC = b"PGDMP"


class PostgresBackupError(Exception):
    """``pg_dump`` or ``pg_restore`` is missing or failed."""


def is_archive(path: Path) -> bool:
    try:
        with path.open("rb") as handle:
            return handle.read(len(MAGIC)) == MAGIC
    except OSError:
        return False


def _tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise PostgresBackupError(
            f"{name} is not installed (Debian: apt-get install postgresql-client)"
        )
    return found


def _connection_arguments(settings_dict: dict[str, Any]) -> tuple[list[str], dict[str, str]]:
    """The tools' connection options and environment (the password never on the command
    line, where ``ps`` would show it)."""
    arguments: list[str] = []
    env = dict(os.environ)
    if settings_dict.get("HOST"):
        arguments += ["--host", str(settings_dict["HOST"])]
    if settings_dict.get("PORT"):
        arguments += ["--port", str(settings_dict["PORT"])]
    if settings_dict.get("USER"):
        arguments += ["--username", str(settings_dict["USER"])]
    if settings_dict.get("PASSWORD"):
        env["PGPASSWORD"] = str(settings_dict["PASSWORD"])
    options = settings_dict.get("OPTIONS") or {}
    for option, variable in (("sslmode", "PGSSLMODE"), ("sslrootcert", "PGSSLROOTCERT")):
        if options.get(option):
            env[variable] = str(options[option])
    return [*arguments, "--no-password"], env


def _run(command: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    # The tools found on PATH, with arguments of our own making.
    result = subprocess.run(  # noqa: S603
        command, env=env, capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        tool = Path(command[0]).name
        raise PostgresBackupError(f"{tool} failed: {result.stderr.strip()[-2000:]}")
    return result


def live_digest(connection: Any) -> ContentDigest:
    """The content hash of the live database, in one snapshot."""
    with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
        cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        return digest_tables(cursor, connection.introspection.table_names(cursor))


def backup(connection: Any, destination: Path) -> ContentDigest:
    """Dump the database to ``destination`` (custom format); the content hash of exactly the
    state dumped."""
    pg_dump = _tool("pg_dump")
    arguments, env = _connection_arguments(connection.settings_dict)
    destination.parent.mkdir(parents=True, exist_ok=True)
    temporary = destination.with_name(f".{destination.name}.{os.getpid()}.partial")
    temporary.unlink(missing_ok=True)
    os.close(os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    try:
        with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            cursor.execute("SELECT pg_export_snapshot()")
            snapshot = str(cursor.fetchone()[0])
            digest = digest_tables(cursor, connection.introspection.table_names(cursor))
            _run(
                [
                    pg_dump,
                    *arguments,
                    "--format=custom",
                    f"--snapshot={snapshot}",
                    f"--file={temporary}",
                    f"--dbname={connection.settings_dict['NAME']}",
                ],
                env,
            )
        os.replace(temporary, destination)
    finally:
        temporary.unlink(missing_ok=True)
    return digest


def archive_entries(path: Path) -> int:
    """How many entries the archive's table of contents lists (it reads, or this fails)."""
    if not is_archive(path):
        raise PostgresBackupError(f"{path} is not a pg_dump archive (custom format)")
    result = _run([_tool("pg_restore"), "--list", str(path)], dict(os.environ))
    return sum(1 for line in result.stdout.splitlines() if line and not line.startswith(";"))


def restore(connection: Any, source: Path) -> None:
    """Replace the database's content with the archive's, in one transaction."""
    archive_entries(source)
    pg_restore = _tool("pg_restore")
    arguments, env = _connection_arguments(connection.settings_dict)
    connection.close()  # its locks would hold up the DROP of every table
    _run(
        [
            pg_restore,
            *arguments,
            "--clean",
            "--if-exists",
            "--no-owner",
            "--no-privileges",
            "--single-transaction",
            "--exit-on-error",
            f"--dbname={connection.settings_dict['NAME']}",
            str(source),
        ],
        env,
    )
