"""PostgreSQL specifics, loaded only when a database is PostgreSQL (``CoreConfig.ready``, and
``defector.cli`` for ``defector audit verify``)."""

import datetime as dt
import functools
from collections.abc import Iterator, Mapping, Sequence
from itertools import repeat
from typing import Any, Final

import psycopg
from psycopg import pq
from psycopg.types.datetime import DatetimeBinaryDumper, DatetimeDumper

from defector.core.sources import Source

#: The engine :func:`postgres_source` opens.
ENGINE: Final = "django.db.backends.postgresql"
#: Keys of a database's ``OPTIONS`` that are Django's own, not the driver's.
_DJANGO_OPTIONS: Final = frozenset(
    {"isolation_level", "server_side_binding", "assume_role", "pool"}
)
#: The results :func:`stream` takes rows from (a chunk of them, then the last, possibly empty).
_ROWS: Final = frozenset({pq.ExecStatus.TUPLES_CHUNK, pq.ExecStatus.TUPLES_OK})


def register_utc_datetime_dumpers() -> None:
    """Send every aware datetime to PostgreSQL in UTC.

    PostgreSQL accepts UTC offsets up to ±15:59, while ISO 8601 input may carry any offset up
    to ±23:59; converting first stores the same instant and never fails on the offset.
    """

    class UtcDatetimeDumper(DatetimeDumper):
        def dump(self, obj: Any) -> Any:
            return super().dump(_utc(obj))

    class UtcDatetimeBinaryDumper(DatetimeBinaryDumper):
        def dump(self, obj: Any) -> Any:
            return super().dump(_utc(obj))

    psycopg.adapters.register_dumper(dt.datetime, UtcDatetimeDumper)
    psycopg.adapters.register_dumper(dt.datetime, UtcDatetimeBinaryDumper)


def _utc(moment: dt.datetime) -> dt.datetime:
    if moment.tzinfo is None:
        return moment
    try:
        return moment.astimezone(dt.UTC)
    except OverflowError:  # an instant outside the years 1-9999 once in UTC
        return moment


def postgres_source(database: Mapping[str, Any]) -> Source | None:
    """A PostgreSQL database (``DATABASES["default"]``) opened with psycopg alone, as Django
    would connect to it, in a read-only REPEATABLE READ transaction (one snapshot for every
    query of the verification); None when it is not PostgreSQL."""
    if database.get("ENGINE") != ENGINE:
        return None
    params: dict[str, Any] = {
        "dbname": database.get("NAME") or "postgres",
        "user": database.get("USER"),
        "password": database.get("PASSWORD"),
        "host": database.get("HOST"),
        "port": database.get("PORT"),
        "client_encoding": "UTF8",
    }
    params = {key: value for key, value in params.items() if value}
    options = database.get("OPTIONS") or {}
    params.update({key: value for key, value in options.items() if key not in _DJANGO_OPTIONS})
    opener = functools.partial(psycopg.connect, **params)
    raw = opener()
    raw.isolation_level = psycopg.IsolationLevel.REPEATABLE_READ
    raw.read_only = True
    streamed = stream if psycopg.capabilities.has_stream_chunked() else None
    return Source("postgresql", raw, opener, streamed)


def stream(
    raw: psycopg.Connection[Any], sql: str, params: Sequence[int], size: int
) -> Iterator[list[Any]]:
    """The first column of every row of ``sql`` (``$1``, ``$2``… its integer ``params``) in
    binary, ``size`` rows at a time, in the connection's transaction (begun here if it is not
    yet, as a cursor's first query would). The server sends the rows as it reads them, through
    libpq's chunked rows mode (libpq 17 or later): no ``FETCH`` to wait for between batches,
    as a server-side cursor has, and each value straight from libpq's result, no row object.
    While it streams, the connection takes no other query: closed before its end (the
    generator closed), it reads the rest of the rows and drops them, then the connection is
    free again in the same transaction."""
    if raw.info.transaction_status == pq.TransactionStatus.IDLE:
        raw.execute("SELECT 1")  # psycopg's BEGIN (with the connection's isolation)
    pgconn = raw.pgconn
    nonblocking = pgconn.nonblocking
    pgconn.nonblocking = 0  # the query sent at once; each result waited for
    try:
        values = [str(value).encode() for value in params]
        pgconn.send_query_params(sql.encode(), values, result_format=pq.Format.BINARY)
        pgconn.set_chunked_rows_mode(size)
        while (result := pgconn.get_result()) is not None:
            if result.status not in _ROWS:
                message = (result.error_message or b"").decode("utf-8", "replace").strip()
                raise psycopg.DatabaseError(message or f"result {result.status!r}")
            count = result.ntuples
            if count:
                yield list(map(result.get_value, range(count), repeat(0, count)))
    finally:
        if not raw.closed:  # the rest, if any, read: the connection free again
            while pgconn.get_result() is not None:
                pass
            pgconn.nonblocking = nonblocking
