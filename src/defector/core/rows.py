"""The stored audit chain verified: raw SQL only, no model, so that ``defector audit verify``
runs without setting up Django's applications (``core.audit.verify_stored`` is the same).

Events of format 2 (appended since issue 15) are read as the bytes their hash covers and their
stored hash, ``SELECT body, hash``, in batches through a raw cursor (server-side and binary on
PostgreSQL), and checked a batch at a time (``core.chain.Walk.batch``): SHA-256 over the stored
bytes, the link and the position at their fixed offsets. A batch that does not check out is
gone through one event at a time to say exactly what is wrong. Events of format 1 (stored
before, ``body`` empty) are read as rows of ``core.chain.ROW_FIELDS`` and re-hashed from their
fields as before: ``core.heads`` stored their JSON fields in the canonical encoding, so on
SQLite that text is spliced into ``core.chain.TEMPLATE`` as it is; any other row (one stored
before that, or edited) is decoded and hashed the general way.

``deep=True`` also checks each format-2 event's columns — what the pages filter and sort on —
against its bytes (``core.chain.event_body`` of the columns must be the stored bytes).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import time
from collections.abc import Callable, Generator, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from django.db import connection, transaction

from defector.core import chain, split
from defector.core.agree import CheckpointRow, checkpoint_row_faults, head_faults
from defector.core.sources import Source, django_source
from defector.core.split import Seen, as_int

#: Rows fetched per round trip while streaming the chain.
CHUNK_SIZE: Final = 2000
#: Events fetched per round trip (and checked per batch) while verifying format 2.
BATCH_SIZE: Final = 1000

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


# --- verifying the stored chain --------------------------------------------------------------

#: The action of the event each checkpoint row belongs to.
CHECKPOINT_ACTION: Final = split.CHECKPOINT_ACTION
#: Verified in two processes (``core.split``) from this many events on, when asked.
SPLIT_FROM: Final = 200_000
_BODY_SQL: Final = "SELECT body FROM core_auditevent ORDER BY seq"
#: Streamed (``core.postgres.stream``): the events up to the helper's part, then the rest.
_STREAM_SQL: Final = f"{_BODY_SQL} LIMIT $1 OFFSET $2"
_STREAM_REST_SQL: Final = f"{_BODY_SQL} OFFSET $1"
#: A batch again, in full: (seq, body, hash) and the row of ``chain.ROW_FIELDS``.
_ROWS_AT_SQL: Final = (
    f"SELECT seq, body, hash, {', '.join(chain.ROW_FIELDS)} FROM core_auditevent "  # noqa: S608
    "ORDER BY seq LIMIT %s OFFSET %s"
)


@dataclass(slots=True)
class Verification:
    """A verification of the stored chain: the chain's report, and how long it took."""

    report: chain.Report
    seconds: float
    stored_checkpoints: int
    kept_checkpoints: int
    #: Whether the events' columns were checked against their bytes too (``--deep``).
    deep: bool = False
    #: How many processes verified the events (``core.split``).
    processes: int = 1

    @property
    def ok(self) -> bool:
        return self.report.ok

    @property
    def events_per_second(self) -> float:
        return self.report.events / self.seconds if self.seconds > 0 else 0.0

    def to_dict(self) -> dict[str, Any]:
        first_bad = self.report.first_bad
        return {
            "ok": self.ok,
            "complete": self.report.complete,
            "events": self.report.events,
            "checkpoints": self.report.checkpoints,
            "stored_checkpoints": self.stored_checkpoints,
            "kept_checkpoints": self.kept_checkpoints,
            "head": self.report.head,
            "seconds": round(self.seconds, 6),
            "events_per_second": round(self.events_per_second, 1),
            "processes": self.processes,
            "first_bad": first_bad.to_dict() if first_bad is not None else None,
            "faults": [fault.to_dict() for fault in self.report.faults],
        }


def stored_head(source: Source) -> tuple[int, str] | None:
    found = source.rows("SELECT seq, hash FROM core_audithead WHERE id = 1")
    return (int(found[0][0]), str(found[0][1])) if found else None


def stored_checkpoint_rows(source: Source) -> list[CheckpointRow]:
    """Every checkpoint kept in the database, smallest first."""
    return [
        CheckpointRow(int(r[0]), str(r[1]), str(r[2]), str(r[3]), str(r[4]))
        for r in source.rows(
            "SELECT size, head, time, key_id, signature FROM core_auditcheckpoint ORDER BY size, id"
        )
    ]


def _bodies(
    source: Source, batch_size: Callable[[], int], after: int, cut: int, streamed: bool
) -> Generator[list[Any], None, None]:
    """The stored bytes of the events after position ``after`` in chain order, a batch at a
    time (None for an event of format 1). Nothing else is read: the rest is needed only for a
    batch that does not check out, or one of format 1 (:func:`_rows_at`).

    ``streamed`` (``source.stream``, PostgreSQL): sent by the server as it reads them, the
    events up to position ``cut`` first (the helper's part begins after it) and then, only if
    asked for, the rest; while it streams, the connection takes no other query, so a batch
    that does not check out ends it (:func:`_verify` closes this and goes on with a cursor).
    Otherwise through a server-side binary cursor on PostgreSQL (the bytes come as they are
    stored), the driver's cursor on SQLite, ``batch_size()`` asked before each batch."""
    if streamed and source.stream is not None:
        size = batch_size()
        if after < cut:
            yield from source.stream(source.raw, _STREAM_SQL, [cut - after, after], size)
            after = cut
        yield from source.stream(source.raw, _STREAM_REST_SQL, [after], size)
        return
    raw = source.raw
    if source.vendor == "postgresql":
        cursor = raw.cursor(name=f"audit_verify_{id(raw):x}", binary=True)
        cursor.itersize = batch_size()
    else:
        cursor = raw.cursor()
    try:
        if after:
            sql = _BODY_SQL + (
                " OFFSET %s" if source.vendor == "postgresql" else " LIMIT -1 OFFSET ?"
            )
            cursor.execute(sql, [after])
        else:
            cursor.execute(_BODY_SQL)
        while batch := cursor.fetchmany(batch_size()):
            yield list(map(split.FIRST, batch))  # per batch, in C
    finally:
        cursor.close()


def _rows_at(source: Source, offset: int, count: int) -> list[tuple[Any, ...]]:
    """The events at positions ``offset + 1`` … ``offset + count``, in full: (seq, body,
    hash, then the row of ``chain.ROW_FIELDS``)."""
    return [
        (row[0], bytes(row[1]) if row[1] is not None else None, *row[2:])
        for row in source.rows(_ROWS_AT_SQL, [count, offset])
    ]


def verify_chain(
    *,
    kept: Iterable[chain.Checkpoint] = (),
    public_keys: Mapping[str, Ed25519PublicKey],
    progress: Callable[[int], None] | None = None,
    progress_every: int = 100_000,
    batch_size: int = BATCH_SIZE,
    max_faults: int = 100,
    deep: bool = False,
    processes: int = 1,
    split_from: int = SPLIT_FROM,
    source: Source | None = None,
) -> Verification:
    """Verify every stored event, every stored checkpoint and the ``kept`` ones; see
    ``core.audit.verify_stored``, which is this. ``processes=2``: the far half of a chain of
    ``split_from`` events or more in a helper process (``core.split``). ``source``: the
    database, in a read transaction of its own (``core.sources``); by default Django's
    connection, in a transaction here."""
    asked = _Asked(list(kept), public_keys, progress, progress_every, batch_size, max_faults, deep)
    processes = 1 if deep else processes
    if source is not None:
        return _verify(source, asked, processes, split_from)
    outermost = not connection.in_atomic_block
    with transaction.atomic():  # PostgreSQL's server-side cursor needs a transaction
        if outermost and connection.vendor == "postgresql":
            _one_snapshot()
        return _verify(django_source(), asked, processes, split_from)


def _one_snapshot() -> None:
    """Make the transaction just begun on PostgreSQL read one snapshot: the head row, the
    checkpoints, the events and any batch read again all as of its first read. Under READ
    COMMITTED, each statement would see what was committed before it: an append committed
    after the head row was read would show as an event past the head, a fault that is not
    there. (SQLite's transaction is one snapshot already; ``defector audit verify`` from the
    shell opens its own, ``core.sources``.) Inside a transaction the caller holds, it is
    the caller's."""
    with connection.cursor() as cursor:
        cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")


@dataclass(slots=True)
class _Asked:
    """What :func:`verify_chain` was asked for."""

    kept: list[chain.Checkpoint]
    public_keys: Mapping[str, Ed25519PublicKey]
    progress: Callable[[int], None] | None
    progress_every: int
    batch_size: int
    max_faults: int
    deep: bool


def _verify(source: Source, asked: _Asked, processes: int, split_from: int) -> Verification:
    kept, progress, progress_every = asked.kept, asked.progress, asked.progress_every
    batch_size, deep = asked.batch_size, asked.deep
    checkpoint_rows = stored_checkpoint_rows(source)
    head = stored_head(source)
    stored = [row.checkpoint() for row in checkpoint_rows]
    seen = Seen(head_seq=head[0] if head is not None else None)
    start = time.perf_counter()
    walk = chain.Walk([*stored, *kept], asked.public_keys, max_faults=asked.max_faults)
    hash_row = sqlite_row_hash if source.vendor == "sqlite" else decoded_row_hash
    next_progress = progress_every
    helper = None if processes < 2 else _helper(source, head, walk, split_from, batch_size)
    cut = helper.first - 1 if helper is not None else 0
    processes_used = 1

    def size() -> int:  # up to the helper's part, then on
        return min(batch_size, cut - walk.position) if walk.position < cut else batch_size

    streamed = source.stream is not None and not deep
    reader = _bodies(source, size, 0, cut, streamed)
    while (bodies := next(reader, None)) is not None:
        first = walk.position + 1
        # An event of format 1 (no bytes, None) is one ``walk.batch`` cannot check: it says so.
        hashes: Sequence[Any] | None = None if deep else walk.batch(bodies)
        full: list[tuple[Any, ...]] | None = None
        if hashes is None:
            if streamed:  # the stream holds the connection: end it, read on through a cursor
                reader.close()
                reader = _bodies(source, size, walk.position + len(bodies), cut, False)
                streamed = False
            full = _rows_at(source, walk.position, len(bodies))
            _boundary(source, walk, full)
            hashes = _one_by_one(walk, full, hash_row, deep)
        split.note(seen, first, bodies, hashes, full)
        if walk.stopped:
            break
        if progress is not None and walk.position >= next_progress:
            progress(walk.position - walk.position % progress_every)
            next_progress = walk.position - walk.position % progress_every + progress_every
        if helper is not None and walk.position == cut:
            if _take(helper.part(), helper, walk, seen):
                processes_used = 2
                break  # the rest was verified by the helper, and linked here
            helper = None  # not taken: read the rest here, as in one process
    reader.close()
    if helper is not None:
        helper.stop()
    report = walk.finish()
    seconds = time.perf_counter() - start
    if report.complete:
        report.faults += head_faults(head, report.events, seen)
        report.faults += checkpoint_row_faults(
            checkpoint_rows, seen.checkpoint_events, report.events
        )
    return Verification(
        report=report,
        seconds=seconds,
        stored_checkpoints=len(stored),
        kept_checkpoints=len(kept),
        deep=deep,
        processes=processes_used,
    )


def _helper(
    source: Source, head: tuple[int, str] | None, walk: chain.Walk, split_from: int, size: int
) -> split.Helper | None:
    """A helper process over the chain's far half, when it is long enough and on a database
    another process can open; it reads up to the largest seq of this snapshot."""
    if head is None or head[0] < split_from or source.opener is None:
        return None  # short, or in memory: another process cannot open it
    last = source.rows("SELECT MAX(seq) FROM core_auditevent")[0][0]
    middle = head[0] // 2
    if last is None or last <= middle:
        return None
    wanted = [*walk.sizes, head[0]]
    return split.start(
        source.vendor, source.opener, middle + 1, int(last), wanted, head[0], size, source.stream
    )


def _take(part: split.Part | None, helper: split.Helper, walk: chain.Walk, seen: Seen) -> bool:
    """Whether the helper's part checked out and follows this walk (its first event names the
    hash of the last one here); if so, the walk and ``seen`` move past it."""
    if part is None or not part.sound or part.count != helper.last - helper.first + 1:
        return False
    if part.first != walk.position + 1 or part.prev != walk.previous:
        return False
    walk.passed(part.count, part.hashes)
    if part.seen.at_head is not None:
        seen.at_head = part.seen.at_head
    seen.last_seq = part.seen.last_seq
    seen.checkpoint_events.update(part.seen.checkpoint_events)
    return True


def _boundary(source: Source, walk: chain.Walk, full: list[tuple[Any, ...]]) -> None:
    """A batch checks each event's bytes against the next one's link, so the last event of a
    batch that checked out is checked by the first link of the next. When that link breaks
    because the event before was altered (its bytes no longer hash to its stored hash, which
    the next event names), say so at it, as the check one event at a time does, and go on
    from its stored hash: the fault is named at the event altered, wherever batches end."""
    if walk.position == 0 or not full or full[0][1] is None:
        return
    stated = chain.body_fields(full[0][1])[1]
    if stated == walk.previous:
        return
    ((_, body, stored, *_),) = _rows_at(source, walk.position - 1, 1)
    if body is None or stored != stated or chain.body_hash(body) == stored:
        return
    walk.faults.append(
        chain.Fault(
            as_int(chain.body_fields(body)[0]),
            "altered",
            "its content does not match its hash",
            walk.position,
        )
    )
    walk.previous = str(stored)


def _one_by_one(
    walk: chain.Walk,
    full: list[tuple[Any, ...]],
    hash_row: Callable[[tuple[Any, ...]], str],
    deep: bool,
) -> list[Any]:
    """A batch one event at a time, read in full (:func:`_rows_at`): format 1 re-hashed from
    its fields, format 2 from its bytes (with ``deep``, its columns checked against them); the
    stored hashes."""
    hashes = []
    for seq, body, stored, *row in full:
        hashes.append(stored)
        if body is None:
            try:
                computed = hash_row(tuple(row))
            except (TypeError, ValueError) as exc:
                walk.unreadable(seq, str(exc))
                computed = None
            go_on = walk.event(row[chain.SEQ], row[chain.PREV], stored, computed)
        else:
            stated_seq, prev, why = chain.body_fields(body)
            if why is not None:
                walk.unreadable(seq, why)
            computed = chain.body_hash(body)
            if deep and why is None and computed == stored and _columns_body(row, body) != body:
                walk.faults.append(
                    chain.Fault(
                        as_int(stated_seq),
                        "columns differ",
                        "the columns the pages read are not the bytes its hash covers",
                        walk.position + 1,
                    )
                )
            go_on = walk.event(stated_seq, prev, stored, computed)
        if not go_on:
            break
    return hashes


def _columns_body(row: list[Any], body: bytes) -> bytes | None:
    """``chain.event_body`` of a row's columns (None: they cannot be encoded), its empty JSON
    columns (``core.heads``) read from its bytes: ``--deep`` compares each that holds a value."""
    try:
        cells = list(decoded(tuple(row)))
        if any(cells[index] is None for index in _JSON_AT):
            data = json.loads(body)  # readable: ``chain.body_fields`` decoded it already
            for index in _JSON_AT:
                if cells[index] is None:
                    cells[index] = data.get(chain.ROW_FIELDS[index])
        return chain.row_body(cells)
    except (TypeError, ValueError):
        return None
