"""The stored audit chain read as rows, for verification (``core.audit.verify_stored``).

Rows come through a raw cursor (server-side on PostgreSQL) in the canonical key order
(``core.chain.ROW_FIELDS``), each value as the database driver gives it; the hash functions here
turn a stored row into the event's hash. ``core.heads`` stores the JSON fields in the canonical
encoding, so on SQLite their text is spliced into ``core.chain.TEMPLATE`` as it is; any other
row (one stored before, or edited) is decoded and hashed the general way.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterator
from typing import Any, Final

from django.db import connection, transaction

from defector.core import chain

#: Rows fetched per round trip while streaming the chain.
CHUNK_SIZE: Final = 2000

#: The stored chain's columns in the order ``core.chain.verify_rows`` reads them.
_ROW_SQL: Final = f"SELECT {', '.join(chain.ROW_FIELDS)} FROM core_auditevent ORDER BY seq"  # noqa: S608
_JSON_AT: Final = (
    chain.ROW_FIELDS.index("before"),
    chain.AFTER,
    chain.ROW_FIELDS.index("decision"),
)


def stored_rows(chunk_size: int = CHUNK_SIZE) -> Iterator[tuple[Any, ...]]:
    """The whole chain in storage order as rows of ``chain.ROW_FIELDS``, streamed through a
    raw cursor (server-side on PostgreSQL), each value as the database driver gives it: on
    SQLite the JSON fields are their stored text and ``at`` the stored UTC text."""
    with transaction.atomic():  # PostgreSQL's server-side cursor lives in a transaction
        cursor = connection.chunked_cursor()
        try:
            cursor.execute(_ROW_SQL)
            while batch := cursor.fetchmany(chunk_size):
                yield from batch
        finally:
            cursor.close()


def sqlite_time(value: Any) -> Any:
    """A time as SQLite's driver gives it (a naive UTC datetime, or the stored text
    ``YYYY-MM-DD HH:MM:SS[.ffffff]``) as the chain writes it (``core.chain.format_time``)."""
    if isinstance(value, dt.datetime):
        return chain.format_time(value if value.tzinfo else value.replace(tzinfo=dt.UTC))
    if isinstance(value, str):
        text = value + ".000000" if len(value) == 19 else value
        return f"{text[:10]}T{text[11:]}+00:00"
    return value


def decoded(row: tuple[Any, ...]) -> tuple[Any, ...]:
    """A stored row with its JSON text decoded and its time in the chain's form."""
    out = list(row)
    for index in _JSON_AT:
        if isinstance(out[index], str):
            out[index] = json.loads(out[index])
    out[chain.AT] = sqlite_time(out[chain.AT])
    return tuple(out)


def decoded_row_hash(row: tuple[Any, ...]) -> str:
    """``chain.row_hash`` of a stored row whose JSON fields come as text (PostgreSQL's
    ``jsonb`` text is not the canonical encoding: it is decoded and encoded again)."""
    return chain.row_hash(decoded(row))


def sqlite_row_hash(row: tuple[Any, ...]) -> str:
    """``chain.row_hash`` of a SQLite row as stored. ``core.heads`` stores the JSON fields in
    the canonical encoding, so they are spliced into the canonical template as they are
    (no decoding, no re-encoding); when that does not give the stored hash (a row written
    before, or one edited), the row is decoded and hashed the slow, general way."""
    if any(isinstance(row[index], str) and '": ' in row[index] for index in _JSON_AT):
        return chain.row_hash(decoded(row))  # Django's own JSON text: not canonical
    try:
        cells = list(row[: chain.WIDTH])
        cells[chain.AT] = sqlite_time(cells[chain.AT])
        json_cells = [cells[index] for index in _JSON_AT]
        for index in _JSON_AT:
            cells[index] = None
        values = list(map(chain.encode_value, cells))
        for index, cell in zip(_JSON_AT, json_cells, strict=True):
            if cell is not None:
                values[index] = cell
        fast = hashlib.sha256((chain.TEMPLATE % tuple(values)).encode("utf-8")).hexdigest()
    except (TypeError, ValueError):
        fast = ""
    if fast == row[chain.HASH]:
        return fast
    return chain.row_hash(decoded(row))
