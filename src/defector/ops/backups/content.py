"""The content hash of a database: what a backup and its restore must agree on.

Per table, the rows in a fixed order (every column, ascending) are each written as canonical
JSON and hashed together (SHA-256), with their count; the database's hash is the SHA-256 of
the tables' lines (``name<TAB>rows<TAB>hash``), by name. Two databases with the same rows in
every table have the same hash, whatever their files' layout (pages, free space, WAL), so a
restore is checked by its content, not by its bytes. Hashes compare databases of one engine:
SQLite and PostgreSQL return the same values in different types.

What is hashed is every table of the schema (Django's, the project's, SQLite's full-text
tables), less SQLite's own bookkeeping (``sqlite_*``).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import sqlite3
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

#: Rows fetched at a time while hashing.
BATCH = 2000


@dataclass(frozen=True)
class TableDigest:
    name: str
    rows: int
    sha256: str


@dataclass(frozen=True)
class ContentDigest:
    """The content hash of a database, table by table."""

    tables: tuple[TableDigest, ...]

    @property
    def sha256(self) -> str:
        whole = hashlib.sha256()
        for table in self.tables:
            whole.update(f"{table.name}\t{table.rows}\t{table.sha256}\n".encode())
        return whole.hexdigest()

    @property
    def rows(self) -> int:
        return sum(table.rows for table in self.tables)

    def to_dict(self) -> dict[str, Any]:
        return {
            "sha256": self.sha256,
            "rows": self.rows,
            "tables": {t.name: {"rows": t.rows, "sha256": t.sha256} for t in self.tables},
        }

    def differences(self, other: ContentDigest) -> list[str]:
        """The tables whose content differs (or that only one side has), by name."""
        mine = {t.name: t for t in self.tables}
        theirs = {t.name: t for t in other.tables}
        return sorted(
            name for name in mine.keys() | theirs.keys() if mine.get(name) != theirs.get(name)
        )


def _plain(value: Any) -> Any:
    """A value as canonical JSON can hold it, the same for the same stored value."""
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, bytes | bytearray | memoryview):
        return {"bytes": bytes(value).hex()}
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, dict | list):
        return value
    return str(value)  # Decimal, UUID, timedelta …


def quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def table_digest(cursor: Any, table: str) -> TableDigest:
    """Hash one table's rows read through a DB-API ``cursor``."""
    cursor.execute(f"SELECT * FROM {quote(table)} LIMIT 0")  # noqa: S608  (a quoted name)
    columns = len(cursor.description)
    order = ", ".join(str(position) for position in range(1, columns + 1))
    cursor.execute(f"SELECT * FROM {quote(table)} ORDER BY {order}")  # noqa: S608
    digest = hashlib.sha256()
    count = 0
    while True:
        rows: Sequence[Sequence[Any]] = cursor.fetchmany(BATCH)
        if not rows:
            break
        for row in rows:
            line = json.dumps(
                [_plain(value) for value in row],
                sort_keys=True,
                separators=(",", ":"),
                default=str,
                ensure_ascii=False,
            )
            digest.update(line.encode("utf-8") + b"\n")
            count += 1
    return TableDigest(name=table, rows=count, sha256=digest.hexdigest())


def digest_tables(cursor: Any, tables: Iterable[str]) -> ContentDigest:
    return ContentDigest(tuple(table_digest(cursor, name) for name in sorted(tables)))


def sqlite_tables(database: sqlite3.Connection) -> list[str]:
    rows = database.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' "
        "ESCAPE '\\' ORDER BY name"
    ).fetchall()
    return [str(name) for (name,) in rows]


def sqlite_digest(database: sqlite3.Connection) -> ContentDigest:
    """The content hash of a SQLite database opened with the plain ``sqlite3`` module (no
    type converters), in one read transaction (one snapshot)."""
    cursor = database.cursor()
    try:
        cursor.execute("BEGIN")
        digest = digest_tables(cursor, sqlite_tables(database))
        cursor.execute("COMMIT")
    finally:
        cursor.close()
    return digest
