"""Appending to the stored audit chain: the head row taken once per transaction.

``core.audit.record`` builds an event; this module stores it. The head row (``AuditHead``)
names the chain's last event. An append moves it with a **compare-and-set**:

    UPDATE core_audithead SET seq = <new>, hash = <new>
    WHERE id = 1 AND seq = <old> AND hash = <old>

which, on PostgreSQL, also takes the row's lock (held to the end of the transaction), and
inserts the event in the same statement (a data-modifying ``WITH``: one round trip). The
``<old>`` values come from what this connection last appended, so a transaction's second and
later appends never read the head again: they hold its lock already. When the guess is wrong
(another process appended since, or a transaction rolled back) the update matches no row and
changes nothing; the head is then read under its lock (``SELECT … FOR UPDATE``) and the
compare-and-set done again, which cannot miss while the lock is held. SQLite serialises writers
by its immediate transactions; the same two statements run there in-process. On PostgreSQL
each statement is a prepared statement of the connection (``core.prepared.cursor``): the server
parses and plans it once per connection, not on every append.

The guarantees are unchanged: an event is only stored if it extends the head the database
holds, in the same transaction as the change it records; the unique ``seq`` and, on
PostgreSQL, the triggers of ``core/migrations/0005`` still refuse anything else.

Before a transaction's first statement on the head, ``core.durable.commit_later``: within a
request on PostgreSQL, the transaction's commit then releases the head without waiting for
the log's flush, which the request waits for before its answer (``core.durable``).
"""

from __future__ import annotations

import weakref
from typing import Any, Final

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.backends.base.base import BaseDatabaseWrapper

from defector.core import chain, durable, prepared
from defector.core.models import AuditEvent, AuditHead

#: The columns of an insert, in this order.
COLUMNS: Final = (*chain.HASHED_FIELDS, "hash", "body")
_JSON: Final = frozenset({"before", "after", "decision"})
_CASTS: Final = {
    "seq": "::bigint",
    "at": "::timestamptz",
    "actor_id": "::bigint",
    "body": "::bytea",
}

_CAS: Final = (
    "UPDATE core_audithead SET seq = %s, hash = %s WHERE id = 1 AND seq = %s AND hash = %s"
)
_INSERT_SQLITE: Final = (
    f"INSERT INTO core_auditevent ({', '.join(COLUMNS)}) "  # noqa: S608 (constant)
    f"VALUES ({', '.join(['%s'] * len(COLUMNS))})"
)
_INSERT_POSTGRES: Final = (
    f"WITH moved AS ({_CAS} RETURNING id) "  # noqa: S608 (constant)
    f"INSERT INTO core_auditevent ({', '.join(COLUMNS)}) SELECT "
    + ", ".join(f"%s{'::jsonb' if name in _JSON else _CASTS.get(name, '')}" for name in COLUMNS)
    + " FROM moved RETURNING id"
)

_INSERT_HEAD: Final = f"INSERT INTO core_auditevent ({', '.join(COLUMNS)})"
_ROW_SQLITE: Final = f"({', '.join(['%s'] * len(COLUMNS))})"
_ROW_POSTGRES: Final = (
    "("
    + ", ".join(f"%s{'::jsonb' if name in _JSON else _CASTS.get(name, '')}" for name in COLUMNS)
    + ")"
)

_INSERT_MANY_POSTGRES: Final = (
    f"INSERT INTO core_auditevent ({', '.join(COLUMNS)}) VALUES ("  # noqa: S608 (constant)
    + ", ".join(f"%s{'::jsonb' if name in _JSON else _CASTS.get(name, '')}" for name in COLUMNS)
    + ")"
)

#: What each connection last appended: (seq, hash), its guess of the head.
_last: weakref.WeakKeyDictionary[BaseDatabaseWrapper, tuple[int, str]] = weakref.WeakKeyDictionary()


class HeadMoved(RuntimeError):
    """The head moved while this transaction held its lock: nothing else may move it."""


def locked_head(connection: BaseDatabaseWrapper | None = None) -> tuple[int, str]:
    """The head as the database holds it, locked to the end of the transaction."""
    connection = connection or connections[DEFAULT_DB_ALIAS]
    durable.commit_later(connection)
    lock = " FOR UPDATE" if connection.features.has_select_for_update else ""
    with prepared.cursor(connection) as cursor:
        cursor.execute(f"SELECT seq, hash FROM core_audithead WHERE id = 1{lock}")  # noqa: S608
        row = cursor.fetchone()
    if row is not None:
        return int(row[0]), str(row[1])
    # Only on a database emptied by tests: start from the last event, or the genesis.
    last = AuditEvent.objects.order_by("-seq").values_list("seq", "hash").first()
    seq, digest = (int(last[0]), str(last[1])) if last else (0, chain.GENESIS)
    AuditHead.objects.create(pk=1, seq=seq, hash=digest)
    return seq, digest


def guess(connection: BaseDatabaseWrapper | None = None) -> tuple[int, str] | None:
    """What this connection believes the head is (unchecked), if anything."""
    connection = connection or connections[DEFAULT_DB_ALIAS]
    return _last.get(connection)


def remember(seq: int, digest: str, connection: BaseDatabaseWrapper | None = None) -> None:
    """Take (seq, digest) as this connection's guess of the head (it is checked on use)."""
    connection = connection or connections[DEFAULT_DB_ALIAS]
    _last[connection] = (seq, digest)


def forget(connection: BaseDatabaseWrapper | None = None) -> None:
    connection = connection or connections[DEFAULT_DB_ALIAS]
    _last.pop(connection, None)


def _values(fields: dict[str, Any], connection: BaseDatabaseWrapper) -> list[Any]:
    """The insert's values. A format-2 event (``body`` given) leaves its JSON columns empty
    (NULL): its bytes hold them, and nothing filters or sorts on them (the model reads them
    from the bytes, ``AuditEvent.from_db``), so that a row is about half the size to write and
    to read past when verifying."""
    get = fields.get
    out = [get(name) for name in COLUMNS]
    stored_json = get("body") is None
    for position in _JSON_POSITIONS:
        value = out[position]
        out[position] = None if value is None or not stored_json else chain.canonical_text(value)
    if connection.vendor != "postgresql":
        out[_AT] = connection.ops.adapt_datetimefield_value(out[_AT])
    return out


#: Where :func:`_values` holds the JSON columns and the time.
_JSON_POSITIONS: Final = tuple(n for n, name in enumerate(COLUMNS) if name in _JSON)
_AT: Final = COLUMNS.index("at")


def append(
    fields: dict[str, Any],
    head: tuple[int, str],
    connection: BaseDatabaseWrapper | None = None,
) -> int | None:
    """Store ``fields`` (with ``seq``, ``prev_hash`` and ``hash`` computed from ``head``) if
    the database's head is still ``head``, moving the head over it; the new row's id, or None
    when the head is elsewhere (nothing was written). Raises ``IntegrityError`` when the
    database refuses the event (the chain holds an event the head does not know)."""
    connection = connection or connections[DEFAULT_DB_ALIAS]
    durable.commit_later(connection)
    seq, digest = fields["seq"], fields["hash"]
    values = _values(fields, connection)
    with prepared.cursor(connection) as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(_INSERT_POSTGRES, [seq, digest, head[0], head[1], *values])
            row = cursor.fetchone()
            if row is None:
                return None
            new_id = int(row[0])
        else:
            cursor.execute(_CAS, [seq, digest, head[0], head[1]])
            if cursor.rowcount != 1:
                return None
            cursor.execute(_INSERT_SQLITE, values)
            new_id = int(cursor.lastrowid)
    _last[connection] = (seq, digest)
    return new_id


#: Events inserted per statement by :func:`append_many` (SQLite's limit of bound values).
MANY_PER_STATEMENT: Final = 500


def append_many(
    rows: list[dict[str, Any]],
    head: tuple[int, str],
    connection: BaseDatabaseWrapper | None = None,
) -> list[int] | None:
    """Store ``rows``, chained one after the other from ``head``, if the database's head is
    still ``head``, moving the head once over the last of them: one compare-and-set and one
    multi-row insert (a statement per :data:`MANY_PER_STATEMENT` rows). The new rows' ids in
    order, or None when the head is elsewhere (nothing was written). One row is
    :func:`append`; on PostgreSQL up to :data:`MANY_PER_STATEMENT` rows are one statement
    with their compare-and-set, as there (one round trip while the head is held). On
    PostgreSQL the trigger of ``core/migrations/0005`` still checks each row against the one
    before it (a row-level trigger sees the rows the same statement inserted before)."""
    if len(rows) == 1:
        one = append(rows[0], head, connection)
        return None if one is None else [one]
    connection = connection or connections[DEFAULT_DB_ALIAS]
    durable.commit_later(connection)
    seq, digest = rows[-1]["seq"], rows[-1]["hash"]
    postgres = connection.vendor == "postgresql"
    ids: dict[int, int] = {}
    with prepared.cursor(connection) as cursor:
        chunks = [rows[n : n + MANY_PER_STATEMENT] for n in range(0, len(rows), MANY_PER_STATEMENT)]
        if postgres and len(chunks) == 1:
            # The compare-and-set and the insert in one statement, as :func:`append`'s: one
            # round trip while the head is held.
            cursor.execute(
                _many_postgres(len(rows)),
                [seq, digest, head[0], head[1]]
                + [value for fields in rows for value in _values(fields, connection)],
            )
            found = cursor.fetchall()
            if not found:
                return None
            ids.update((int(found_seq), int(new_id)) for new_id, found_seq in found)
            chunks = []
        else:
            cursor.execute(_CAS, [seq, digest, head[0], head[1]])
            if cursor.rowcount != 1:
                return None
        for chunk in chunks:
            row_sql = _ROW_POSTGRES if postgres else _ROW_SQLITE
            cursor.execute(
                f"{_INSERT_HEAD} VALUES {', '.join([row_sql] * len(chunk))} RETURNING id, seq",
                [value for fields in chunk for value in _values(fields, connection)],
            )
            ids.update((int(found_seq), int(new_id)) for new_id, found_seq in cursor.fetchall())
    _last[connection] = (seq, digest)
    return [ids[fields["seq"]] for fields in rows]


def _many_postgres(count: int) -> str:
    """``count`` events inserted only if the compare-and-set moved the head, in one statement
    (a data-modifying ``WITH``; the rows in ``seq`` order, each checked by the trigger)."""
    return (
        f"WITH moved AS ({_CAS} RETURNING id) {_INSERT_HEAD} SELECT given.* FROM (VALUES "  # noqa: S608 (constant)
        + ", ".join([_ROW_POSTGRES] * count)
        + f") AS given ({', '.join(COLUMNS)}) CROSS JOIN moved ORDER BY given.seq "
        "RETURNING id, seq"
    )


def insert_many(rows: list[dict[str, Any]], connection: BaseDatabaseWrapper | None = None) -> None:
    """Insert events already chained (``seq``, ``prev_hash`` and ``hash`` set), as ``append``
    stores them (``body`` the bytes hashed, computed here when not given, and the JSON columns
    empty; format 1's JSON columns in the canonical encoding), without touching the head: for
    bulk writers (``defector seed``) that lock and move the head themselves. An event given
    without ``body`` whose ``hash`` is of the format before (``chain.event_hash``) is stored
    without its bytes (format 1), which ``defector audit verify`` re-hashes the slow way."""
    connection = connection or connections[DEFAULT_DB_ALIAS]
    sql = _INSERT_MANY_POSTGRES if connection.vendor == "postgresql" else _INSERT_SQLITE
    with connection.cursor() as cursor:
        cursor.executemany(sql, [_values(_with_body(fields), connection) for fields in rows])


def _with_body(fields: dict[str, Any]) -> dict[str, Any]:
    """``fields`` with ``body``: the bytes its hash covers (format 2), or None (format 1)."""
    if fields.get("body") is not None:
        return fields
    body = chain.event_body(fields)
    return {**fields, "body": body if chain.body_hash(body) == fields["hash"] else None}
