"""The stored chain's far half verified in a process of its own, beside the near half.

Verifying is independent per event given its stored bytes: a format-2 event states its position
and the hash of the one before (``core.encoding``). With ``processes=2``,
``core.rows.verify_chain`` forks a helper (:func:`start`) over the events after position *m*
(half the chain as the head row gives it, up to the largest ``seq`` in the verifier's own
snapshot), verifies events 1 … *m* itself, and then takes the helper's :class:`Part` only when
it checked out entirely: every event of format 2, the positions *m* + 1 … without a gap, each
linked to the one before (``chain.Walk.batch``), and the first linked to the hash event *m* has
in the verifier's own walk (the boundary, checked there once). Anything else — a batch that
does not check out, an event of format 1, another number of events, a helper that failed — and
the verifier reads the rest itself, as in one process, so every fault is still named at its
event. The helper opens its own connection (never the parent's) and reads nothing else.
"""

from __future__ import annotations

import json
import multiprocessing
import operator
import sys
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from dataclasses import field as dataclass_field
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess
from typing import Any, Final

from defector.core import chain
from defector.core.sources import Stream

#: The action of the event each checkpoint row belongs to.
CHECKPOINT_ACTION: Final = "audit.checkpoint"
#: How a format-2 event of a checkpoint shows, at its place after ``"seq":N,``.
_CHECKPOINT_TAG: Final = f'"action":"{CHECKPOINT_ACTION}",'.encode()
#: The first value of a row.
FIRST: Final = operator.itemgetter(0)
#: On PostgreSQL the far half's read is compiled (JIT) as the near half's is: the near half's
#: query reads the whole table and its plan's cost passes ``jit_above_cost``, the far half's
#: (half the rows) does not, and it would interpret each row's 17 columns before the bytes,
#: the 18th. Compiled, the two backends of 1,000,000 events spent 0.12–0.22 s less CPU
#: (docs/benchmarks.md, "`audit verify` on PostgreSQL: the far half compiled too"). Only how
#: the plan runs changes: the same query, the same rows, each hashed here as before.
COMPILED: Final = "SET LOCAL jit_above_cost = 0"
#: The far half streamed (``core.postgres.stream``; not compiled: streamed, its backend
#: spent as little or less without JIT, docs/benchmarks.md, seventh session).
_FAR_STREAM_SQL: Final = "SELECT body FROM core_auditevent WHERE seq BETWEEN $1 AND $2 ORDER BY seq"


@dataclass(slots=True)
class Seen:
    """What a verification notes while the events stream past, for the checks after it."""

    head_seq: int | None
    at_head: str | None = None
    last_seq: Any = None
    #: The ``audit.checkpoint`` events: position → (seq, the key id the event names).
    checkpoint_events: dict[int, tuple[int, str]] = dataclass_field(default_factory=dict)

    def checkpoint(self, position: int, seq: Any, after: Any) -> None:
        if isinstance(after, str):
            try:
                after = json.loads(after)
            except ValueError:
                after = None
        key = after.get("key_id", "") if isinstance(after, Mapping) else ""
        self.checkpoint_events[position] = (as_int(seq), str(key))


def as_int(value: Any) -> int:
    """A seq as stated, or 0 when it is not an integer."""
    return value if isinstance(value, int) and not isinstance(value, bool) else 0


def note(
    seen: Seen,
    first: int,
    bodies: list[bytes | None],
    hashes: Sequence[Any],
    full: list[tuple[Any, ...]] | None,
) -> None:
    """What the checks after the walk need from a batch: the hash at the head row's position,
    the ``audit.checkpoint`` events and the last seq."""
    count = len(bodies)
    if seen.head_seq is not None and first <= seen.head_seq < first + count:
        seen.at_head = str(hashes[seen.head_seq - first])
    seen.last_seq = full[-1][0] if full else first + count - 1
    # Checkpoint events are rare: find them by their bytes at their fixed place (format 2),
    # then read each; format 1's are found by their action column.
    digits = len(str(first))
    tag = operator.itemgetter(
        slice(chain.SEQ_AT + digits + 1, chain.SEQ_AT + digits + 1 + len(_CHECKPOINT_TAG))
    )
    indices: Iterable[int] = range(count)
    if len(str(first + count - 1)) == digits:
        try:
            tags = list(map(tag, bodies))  # type: ignore[arg-type]
        except TypeError:  # an event of format 1 (None): each is looked at below
            tags = None
        if tags is not None:
            if _CHECKPOINT_TAG not in tags:
                return
            indices = [index for index, found in enumerate(tags) if found == _CHECKPOINT_TAG]
    for index in indices:
        body = bodies[index]
        data: Any
        if body is not None:
            if _CHECKPOINT_TAG not in body:
                continue
            try:
                data = json.loads(body)
            except ValueError:
                continue
        elif full is not None:
            data = dict(zip(chain.ROW_FIELDS, full[index][3:], strict=True))
        else:
            continue
        if isinstance(data, dict) and data.get("action") == CHECKPOINT_ACTION:
            seen.checkpoint(first + index, data.get("seq"), data.get("after"))


@dataclass(slots=True)
class Part:
    """What the helper found over the events it read, from position ``first`` on."""

    first: int
    count: int
    #: Every event was of format 2 and every batch checked out (positions and links).
    sound: bool
    #: The previous hash the first event states (the boundary, checked by the verifier).
    prev: str
    #: The hash at each position asked for that it read, and at its last.
    hashes: dict[int, str]
    seen: Seen


def far_part(
    vendor: str,
    opener: Callable[[], Any],
    first: int,
    last: int,
    wanted: Iterable[int],
    head_seq: int,
    size: int,
    stream: Stream | None = None,
) -> Part:
    """Events ``first`` … ``last`` (by seq) checked as stored bytes, a batch at a time, through
    a connection of their own (``opener()``): streamed where ``stream`` is given
    (``core.postgres.stream``), otherwise through a cursor."""
    wanted = sorted(wanted)
    raw = opener()
    seen = Seen(head_seq=head_seq)
    walk = chain.Walk([], {})
    walk.position = first - 1
    prev: str | None = None
    hashes: dict[int, str] = {}
    try:
        for bodies in _far_bodies(vendor, raw, first, last, size, stream):
            if prev is None:  # (an event of format 1, None, is a TypeError here or in the batch)
                prev = walk.previous = bodies[0][chain.PREV_AT : chain.PREV_AT + 64].decode()
            start = walk.position + 1
            found = walk.batch(bodies)
            if found is None:
                return Part(first, 0, False, "", {}, seen)
            note(seen, start, bodies, found, None)
            hashes.update((at, found[at - start]) for at in wanted if start <= at <= walk.position)
    except (UnicodeDecodeError, TypeError, ValueError):
        return Part(first, 0, False, "", {}, seen)
    finally:
        raw.close()
    hashes[walk.position] = walk.previous
    return Part(first, walk.position - first + 1, prev is not None, prev or "", hashes, seen)


def _far_bodies(
    vendor: str, raw: Any, first: int, last: int, size: int, stream: Stream | None
) -> Iterator[list[Any]]:
    """The stored bytes of events ``first`` … ``last`` (by seq), a batch at a time."""
    if stream is not None:
        yield from stream(raw, _FAR_STREAM_SQL, [first, last], size)
        return
    if vendor == "postgresql":
        raw.execute(COMPILED)  # in the read's transaction
        cursor = raw.cursor(name="audit_verify_far", binary=True)
        cursor.itersize = size
        sql = "SELECT body FROM core_auditevent WHERE seq BETWEEN %s AND %s ORDER BY seq"
    else:
        cursor = raw.cursor()
        sql = "SELECT body FROM core_auditevent WHERE seq BETWEEN ? AND ? ORDER BY seq"
    cursor.execute(sql, [first, last])
    while batch := cursor.fetchmany(size):
        yield list(map(FIRST, batch))


def _run(sender: Connection, *args: Any) -> None:  # in the helper process
    try:
        part: Part | None = far_part(*args)
    except Exception:  # any failure: the verifier reads the rest itself
        part = None
    sender.send(part)
    sender.close()


@dataclass(slots=True)
class Helper:
    """A helper process at work over positions ``first`` … ``last``."""

    process: BaseProcess
    receiver: Connection
    first: int
    last: int

    def part(self) -> Part | None:
        """The helper's part once it is done (None: it failed)."""
        try:
            found: Part | None = self.receiver.recv()
        except (EOFError, OSError):
            found = None
        self.process.join(timeout=10)
        self.stop()
        return found

    def stop(self) -> None:
        """End the helper (its part is not needed)."""
        if self.process.is_alive():
            self.process.terminate()
            self.process.join()
        self.receiver.close()


def start(
    vendor: str,
    opener: Callable[[], Any],
    first: int,
    last: int,
    wanted: Iterable[int],
    head_seq: int,
    size: int,
    stream: Stream | None = None,
) -> Helper:
    """Fork a helper over positions ``first`` … ``last``, reading through ``opener()``
    (streamed with ``stream``)."""
    # What this process has buffered would otherwise be written again by the helper at its end.
    sys.stdout.flush()
    sys.stderr.flush()
    context = multiprocessing.get_context("fork")
    receiver, sender = context.Pipe(duplex=False)
    process = context.Process(
        target=_run,
        args=(sender, vendor, opener, first, last, tuple(wanted), head_seq, size, stream),
        daemon=True,
    )
    process.start()
    sender.close()
    return Helper(process, receiver, first, last)
