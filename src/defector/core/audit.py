"""Writing the audit chain: every action records what it did in its own transaction.

``record(...)`` appends one :class:`~defector.core.models.AuditEvent`, linked by hash to the
event before it (``core.chain``). It must be called inside the action's transaction, so a
change and its audit record commit together or not at all.
"""

from __future__ import annotations

import datetime as dt
import decimal
import time
import uuid
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any, Final

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from django.db import models, transaction
from django.utils import timezone

from defector.core import chain, signing
from defector.core.context import current_request_id
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


def _locked_head() -> AuditHead:
    head = AuditHead.objects.select_for_update().filter(pk=1).first()
    if head is None:
        # Only on a database emptied by tests: start from the last event, or the genesis.
        last = AuditEvent.objects.order_by("-seq").first()
        head = AuditHead.objects.create(
            pk=1,
            seq=last.seq if last else 0,
            hash=last.hash if last else chain.GENESIS,
        )
    return head


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
    head = _locked_head()
    user_id = actor.pk if actor is not None and actor.is_authenticated else None
    fields: dict[str, Any] = {
        "seq": head.seq + 1,
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
        "prev_hash": head.hash,
    }
    digest = chain.event_hash(fields)
    event = AuditEvent.objects.create(**fields, hash=digest)
    head.seq = event.seq
    head.hash = digest
    head.save(update_fields=["seq", "hash"])
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
    """The whole chain in storage order, streamed (``core.chain.verify`` reads these)."""
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

    ``public_keys`` default to this deployment's own (``core.signing``). The head row is
    checked too: an event count short of it, or another hash at its position, is a fault (a
    tail deleted without rewriting the head). ``progress`` is called with the number of
    events read every ``progress_every`` events.
    """
    keys = signing.verification_keys() if public_keys is None else public_keys
    kept = list(kept)
    stored = stored_checkpoints()
    head = AuditHead.objects.filter(pk=1).values("seq", "hash").first()
    at_head: list[str] = []

    def stream() -> Iterator[dict[str, Any]]:
        for count, event in enumerate(stored_events(chunk_size), start=1):
            if head is not None and count == head["seq"]:
                at_head.append(str(event.get("hash")))
            if progress is not None and count % progress_every == 0:
                progress(count)
            yield event

    start = time.perf_counter()
    report = chain.verify(stream(), [*stored, *kept], keys, max_faults=max_faults)
    seconds = time.perf_counter() - start
    if report.complete and head is not None and head["seq"] > 0:
        if report.events < head["seq"]:
            report.faults.append(
                chain.Fault(
                    0,
                    "truncated",
                    f"the chain's head row says it has {head['seq']} events; "
                    f"it has {report.events}",
                )
            )
        elif at_head and at_head[0] != head["hash"]:
            report.faults.append(
                chain.Fault(
                    head["seq"],
                    "head mismatch",
                    f"the chain's head row names another hash ({head['hash'][:12]}…) "
                    "for this event",
                    head["seq"],
                )
            )
    return Verification(
        report=report,
        seconds=seconds,
        stored_checkpoints=len(stored),
        kept_checkpoints=len(kept),
    )
