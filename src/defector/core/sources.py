"""Where ``core.rows`` reads the stored chain from: a DB-API connection inside one read
transaction, and how to open another one to the same database (``core.split``'s helper).

Inside the application (the pages, the API, ``call_command``) it is Django's connection
(:func:`django_source`). ``defector audit verify`` run from the shell (``defector.cli``) opens the
database with its driver alone (:func:`sqlite_source`, ``core.postgres.postgres_source``):
setting up Django's database backend imports most of Django (its models, serializers, forms)
and took about a tenth of a second of a verification of 1,000,000 events, before reading one.
"""

from __future__ import annotations

import functools
import sqlite3
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

from django.db import connection

#: The engines :func:`sqlite_source` opens (``core.config.sqlite_database`` and Django's own).
SQLITE_ENGINES: Final = frozenset({"defector.core.sqlite", "django.db.backends.sqlite3"})


#: Streams a query's first column in batches through a connection: ``(raw, sql, params,
#: size)``, the SQL with ``$1``… placeholders (``core.postgres.stream``).
Stream = Callable[[Any, str, Sequence[int], int], Iterator[list[Any]]]


@dataclass(slots=True)
class Source:
    """A database the chain is read from: ``vendor`` (``"sqlite"`` or ``"postgresql"``),
    ``raw`` (a DB-API connection, in the read transaction of the verification), ``opener``
    (opens another connection to the same database; None where none can be, in memory) and
    ``stream`` (reads the stored bytes streamed, without a cursor; None: through a cursor)."""

    vendor: str
    raw: Any
    opener: Callable[[], Any] | None = None
    stream: Stream | None = None

    def rows(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        """The rows of ``sql`` (``%s`` placeholders, as Django's cursors take them)."""
        if self.vendor != "postgresql":
            sql = sql.replace("%s", "?")
        cursor = self.raw.cursor()
        try:
            cursor.execute(sql, list(params))
            return list(cursor.fetchall())
        finally:
            cursor.close()


def in_memory(name: str) -> bool:
    return name == ":memory:" or "mode=memory" in name


def django_source() -> Source:
    """Django's default connection, as it is (the caller holds the transaction)."""
    connection.ensure_connection()
    name = str(connection.settings_dict["NAME"])
    opener: Callable[[], Any] | None = None
    if not (connection.vendor == "sqlite" and in_memory(name)):
        opener = functools.partial(
            connection.get_new_connection, connection.get_connection_params()
        )
    return Source(connection.vendor, connection.connection, opener)


def _sqlite_connect(path: Path, timeout: float) -> sqlite3.Connection:
    # mode=rw: a database that is not there is an error, never a new empty file.
    return sqlite3.connect(
        f"{path.as_uri()}?mode=rw", uri=True, timeout=timeout, isolation_level=None
    )


def sqlite_source(database: Mapping[str, Any]) -> Source | None:
    """A SQLite database (``DATABASES["default"]``) opened with ``sqlite3`` alone, in a read
    transaction (under WAL, one snapshot that holds no writer back); None when it is not a
    SQLite file."""
    name = str(database.get("NAME") or "")
    if database.get("ENGINE") not in SQLITE_ENGINES or not name or in_memory(name):
        return None
    options = database.get("OPTIONS") or {}
    opener = functools.partial(
        _sqlite_connect, Path(name).resolve(), float(options.get("timeout", 5))
    )
    raw = opener()
    try:
        raw.execute("BEGIN")
    except BaseException:
        raw.close()
        raise
    return Source("sqlite", raw, opener)
