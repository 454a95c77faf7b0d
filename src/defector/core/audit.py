"""Writing the audit chain: every action records what it did in its own transaction.

``record(...)`` appends one :class:`~defector.core.models.AuditEvent`, linked by hash to the
event before it (``core.chain``). It must be called inside the action's transaction, so a
change and its audit record commit together or not at all.
"""

from __future__ import annotations

import datetime as dt
import decimal
import re
import time
import uuid
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from dataclasses import field as dataclass_field
from typing import Any, Final

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from django.db import IntegrityError, connection, models, transaction
from django.utils import timezone

from defector.core import chain, heads, rows, signing
from defector.core.context import current_request_id
from defector.core.errors import AuditChainFault
from defector.core.models import AuditCheckpoint, AuditEvent, AuditHead
from defector.core.users import AnyUser
from defector.policy import POLICY_VERSION, Decision

#: How a sealed value appears in an audit record: never in clear.
SEALED_MARK = "[sealed]"


class MaskedValue:
    """A value no audit record shows (a sealed value, ``core.sealing.Sealed``): snapshots
    write :data:`SEALED_MARK` instead."""

    __slots__ = ()


class MaskedField:
    """A model field whose values no audit record shows (``core.sealing.SealedField``):
    snapshots write :data:`SEALED_MARK` when it holds one, null when it is empty."""


def actor_name(user: AnyUser | None) -> str:
    if user is None or not user.is_authenticated:
        return "system"
    return f"{user.get_full_name() or user.get_username()} ({user.get_username()})"


def jsonable(value: Any) -> Any:
    """A JSON-safe copy of ``value`` for before/after snapshots (sealed values masked)."""
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, MaskedValue):
        return SEALED_MARK
    if isinstance(value, dt.datetime):
        return chain.format_time(value) if value.tzinfo else value.isoformat()
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal | uuid.UUID):
        return str(value)
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, Mapping):
        return {str(key): jsonable(item) for key, item in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        items = [jsonable(item) for item in value]
        return sorted(items, key=repr) if isinstance(value, set | frozenset) else items
    return str(value)


def snapshot(instance: models.Model, fields: list[str] | None = None) -> dict[str, Any]:
    """The named fields of ``instance`` (default: all concrete fields) as a JSON-safe dict.

    Sealed fields appear as ``"[sealed]"`` whatever they hold.
    """
    out: dict[str, Any] = {}
    for field in instance._meta.concrete_fields:
        if fields is not None and field.name not in fields:
            continue
        if isinstance(field, MaskedField):
            out[field.name] = SEALED_MARK if getattr(instance, field.attname) else None
        else:
            out[field.name] = jsonable(getattr(instance, field.attname))
    return out


#: The PostgreSQL trigger's refusal (``core/migrations/0005``): which event the chain ends at.
_NOT_EXTENDING: Final = re.compile(r"event \d+ does not extend event (\d+)")


def _chain_fault(head_seq: int, error: IntegrityError) -> AuditChainFault:
    """The fault that stopped an append after the head row's event ``head_seq``: the chain
    holds an event past it (a forged append), or — as PostgreSQL's trigger says — ends before
    it or at another hash (a truncation or an edit)."""
    found = _NOT_EXTENDING.search(str(error))
    last = int(found[1]) if found else None
    if last is not None and last <= head_seq:
        return AuditChainFault(
            f"audit chain fault: the head row names event {head_seq}, which is missing or has "
            f"another hash (the stored chain ends at event {last}). Writes are refused until "
            "an operator runs `defector audit verify`.",
            data={
                "fault": "truncated" if last < head_seq else "head mismatch",
                "head_seq": head_seq,
            },
        )
    return AuditChainFault(
        f"audit chain fault: event {head_seq + 1} cannot be appended after the head row "
        f"(event {head_seq}); the chain holds an event the head does not know (a forged "
        "append?). Writes are refused until an operator runs `defector audit verify`.",
        data={"fault": "past the head", "head_seq": head_seq},
    )


def record(
    *,
    actor: AnyUser | None,
    action: str,
    obj: models.Model | None = None,
    object_type: str = "",
    object_id: str | int = "",
    cryptonym: str = "",
    before: Mapping[str, Any] | None = None,
    after: Mapping[str, Any] | None = None,
    decision: Decision | None = None,
    reason: str = "",
) -> AuditEvent:
    """Append one event to the audit chain, inside the caller's transaction."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("audit.record must run inside the action's transaction")
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or str(obj.pk)
    user_id = actor.pk if actor is not None and actor.is_authenticated else None
    fields: dict[str, Any] = {
        "seq": 0,
        "at": timezone.now(),
        "actor_id": user_id,
        "actor_name": actor_name(actor),
        "action": action,
        "object_type": object_type,
        "object_id": str(object_id),
        "cryptonym": cryptonym,
        "before": jsonable(before) if before is not None else None,
        "after": jsonable(after) if after is not None else None,
        "decision": decision.to_dict() if decision is not None else None,
        "policy_version": POLICY_VERSION if decision is not None else "",
        "reason": reason,
        "request_id": current_request_id(),
        "prev_hash": "",
    }
    # The head this connection appended last (no read: a transaction's later appends hold its
    # lock already), else the head read under its lock; see ``core.heads``.
    head = heads.guess()
    for attempt in range(2):
        if head is None:
            head = heads.locked_head()
        fields["seq"], fields["prev_hash"] = head[0] + 1, head[1]
        fields["hash"] = chain.event_hash(fields)
        try:
            new_id = heads.append(fields, head)
        except IntegrityError as error:
            # The next position is taken, or, on PostgreSQL, the trigger refused an event that
            # does not extend the chain. No query here: the transaction is broken, and the
            # caller's transaction rolls back with this error.
            heads.forget()
            raise _chain_fault(head[0], error) from None
        if new_id is not None:
            break
        if attempt:  # read under the lock, yet moved: nothing may move it meanwhile
            heads.forget()
            raise heads.HeadMoved("the audit head moved while its lock was held")
        head = None
    event = AuditEvent(pk=new_id, **fields)
    event._state.adding = False
    event._state.db = "default"
    return event


def event_fields(event: AuditEvent) -> dict[str, Any]:
    """An event as the plain mapping ``core.chain.verify`` reads (hashed fields and hash)."""
    data = {name: getattr(event, name) for name in chain.HASHED_FIELDS}
    data["hash"] = event.hash
    return data


# --- verifying the stored chain -------------------------------------------------------------

#: The columns a verification reads: the hashed fields and the stored hash.
STREAM_FIELDS: Final = (*chain.HASHED_FIELDS, "hash")
#: Rows fetched per round trip while streaming the chain.
CHUNK_SIZE: Final = 2000


@dataclass(slots=True)
class Verification:
    """A verification of the stored chain: the chain's report, and how long it took."""

    report: chain.Report
    seconds: float
    stored_checkpoints: int
    kept_checkpoints: int

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
            "first_bad": first_bad.to_dict() if first_bad is not None else None,
            "faults": [fault.to_dict() for fault in self.report.faults],
        }


def checkpoint_of(row: AuditCheckpoint) -> chain.Checkpoint:
    return chain.Checkpoint(
        size=row.size, head=row.head, time=row.time, key_id=row.key_id, signature=row.signature
    )


def stored_checkpoints() -> list[chain.Checkpoint]:
    """Every checkpoint kept in the database, smallest first."""
    return [checkpoint_of(row) for row in AuditCheckpoint.objects.order_by("size", "pk")]


def stored_events(chunk_size: int = CHUNK_SIZE) -> Iterator[dict[str, Any]]:
    """The whole chain in storage order, streamed, as mappings (exports read these)."""
    rows: Iterator[dict[str, Any]] = (
        AuditEvent.objects.order_by("seq").values(*STREAM_FIELDS).iterator(chunk_size=chunk_size)
    )
    return rows


def verify_stored(
    *,
    kept: Iterable[chain.Checkpoint] = (),
    public_keys: Mapping[str, Ed25519PublicKey] | None = None,
    progress: Callable[[int], None] | None = None,
    progress_every: int = 100_000,
    chunk_size: int = CHUNK_SIZE,
    max_faults: int = 100,
) -> Verification:
    """Verify every stored event, every stored checkpoint and the ``kept`` ones.

    ``public_keys`` default to this deployment's own (``core.signing``). Beyond the links and
    signatures (``core.chain.verify``), the database's own records must agree with the chain:

    - the head row names the last event, exactly: an event past it is a forged append, a
      chain shorter than it a truncation, another hash at its position a rewrite;
    - each ``audit.checkpoint`` event has its checkpoint row (same size, same key), and each
      checkpoint row its event: a deleted or forged checkpoint row shows.

    ``progress`` is called with the number of events read every ``progress_every`` events.
    The events are read as rows through a raw cursor (``stored_rows``) and hashed without
    building a mapping each (``core.chain.verify_rows``).
    """
    keys = signing.verification_keys() if public_keys is None else public_keys
    kept = list(kept)
    checkpoint_rows = list(AuditCheckpoint.objects.order_by("size", "pk"))
    stored = [checkpoint_of(row) for row in checkpoint_rows]
    head = AuditHead.objects.filter(pk=1).values("seq", "hash").first()
    seen = _Seen(head_seq=head["seq"] if head is not None else None)
    sqlite = connection.vendor == "sqlite"

    def stream() -> Iterator[tuple[Any, ...]]:
        count = 0
        for count, row in enumerate(rows.stored_rows(chunk_size), start=1):
            if count == seen.head_seq:
                seen.at_head = str(row[chain.HASH])
            if row[chain.ACTION] == CHECKPOINT_ACTION:
                seen.checkpoint(count, rows.decoded(row))
            if progress is not None and count % progress_every == 0:
                progress(count)
            yield row
        seen.last_seq = row[chain.SEQ] if count else None

    start = time.perf_counter()
    report = chain.verify_rows(
        stream(),
        [*stored, *kept],
        keys,
        max_faults=max_faults,
        hash_row=rows.sqlite_row_hash if sqlite else rows.decoded_row_hash,
    )
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
    )


@dataclass(slots=True)
class _Seen:
    """What a verification notes while the events stream past, for the checks after it."""

    head_seq: int | None
    at_head: str | None = None
    last_seq: Any = None
    #: The ``audit.checkpoint`` events: position → (seq, the key id the event names).
    checkpoint_events: dict[int, tuple[int, str]] = dataclass_field(default_factory=dict)

    def checkpoint(self, position: int, row: tuple[Any, ...]) -> None:
        after = row[chain.AFTER]
        key = after.get("key_id", "") if isinstance(after, Mapping) else ""
        self.checkpoint_events[position] = (_int(row[chain.SEQ]), str(key))


#: The action of the event each checkpoint row belongs to.
CHECKPOINT_ACTION: Final = "audit.checkpoint"


def _int(value: Any) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) else 0


def head_faults(head: Mapping[str, Any] | None, events: int, seen: _Seen) -> list[chain.Fault]:
    """The head row against the chain: it must name the last event, in either direction."""
    if head is None:
        if events == 0:
            return []
        return [
            chain.Fault(
                0,
                "no head row",
                f"the chain has {events} events but no head row (it was deleted)",
            )
        ]
    head_seq, head_hash = int(head["seq"]), str(head["hash"])
    if events < head_seq:
        return [
            chain.Fault(
                0,
                "truncated",
                f"the chain's head row says it has {head_seq} events; it has {events}",
            )
        ]
    if events > head_seq:
        following = (
            f"event {events} follows it"
            if events == head_seq + 1
            else f"{events - head_seq} events follow it ({head_seq + 1}–{events})"
        )
        return [
            chain.Fault(
                head_seq + 1,
                "past the head",
                f"the head row ends the chain at event {head_seq}, but {following}: "
                "appended without moving the head, as a forged append would be",
                head_seq + 1,
            )
        ]
    if head_seq > 0 and seen.at_head != head_hash:
        return [
            chain.Fault(
                _int(seen.last_seq),
                "head mismatch",
                f"the chain's head row names another hash ({head_hash[:12]}…) for this event",
                head_seq,
            )
        ]
    if head_seq == 0 and head_hash != chain.GENESIS:
        return [chain.Fault(0, "head mismatch", "the head row of the empty chain names a hash")]
    return []


def checkpoint_row_faults(
    rows: list[AuditCheckpoint], events: Mapping[int, tuple[int, str]], total: int
) -> list[chain.Fault]:
    """Each ``audit.checkpoint`` event must have its checkpoint row and each row its event.

    A checkpoint covers its own event (``actions.create_audit_checkpoint``), so the row of the
    event at position *n* has size *n* and the key id the event names.
    """
    faults: list[chain.Fault] = []
    by_size: dict[int, list[AuditCheckpoint]] = {}
    for row in rows:
        by_size.setdefault(row.size, []).append(row)
    for position, (seq, key_id) in sorted(events.items()):
        found = by_size.get(position, [])
        if not found:
            faults.append(
                chain.Fault(
                    seq,
                    "checkpoint row missing",
                    "this audit.checkpoint event has no checkpoint row of its size "
                    f"({position}): the row was deleted",
                    position,
                )
            )
        elif all(row.key_id != key_id for row in found):
            faults.append(
                chain.Fault(
                    seq,
                    "checkpoint mismatch",
                    f"the checkpoint row of size {position} is signed by key "
                    f"{found[0].key_id}, but its event names key {key_id or '(none)'}",
                    position,
                )
            )
    for size, found in sorted(by_size.items()):
        # A row past the end is a truncation, which ``chain.verify`` reports already.
        if size not in events and 0 < size <= total:
            faults.append(
                chain.Fault(
                    0,
                    "checkpoint without its event",
                    f"{len(found)} checkpoint row{'s' if len(found) != 1 else ''} of size "
                    f"{size}, but event {size} is not an audit.checkpoint event",
                )
            )
    return faults
