"""Writing the audit chain: every action records what it did in its own transaction.

``record(...)`` appends one :class:`~defector.core.models.AuditEvent`, linked by hash to the
event before it (``core.chain``). It must be called inside the action's transaction, so a
change and its audit record commit together or not at all.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import decimal
import json
import re
import uuid
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from django.db import IntegrityError, models, transaction
from django.utils import timezone

from defector.core import chain, heads, rows, signing
from defector.core.context import current_request_id
from defector.core.errors import AuditChainFault
from defector.core.inserts import new
from defector.core.models import AuditCheckpoint, AuditEvent
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


#: The kinds :func:`jsonable` gives back as they are (exactly these: not their subclasses).
_PLAIN: Final = frozenset({str, int, bool, type(None)})


def jsonable(value: Any) -> Any:
    """A JSON-safe copy of ``value`` for before/after snapshots (sealed values masked)."""
    kind = type(value)
    if kind in _PLAIN:
        return value
    if kind is dict:  # what the ``Mapping`` case below gives, a plain item not copied again
        return {
            key if type(key) is str else str(key): item if type(item) in _PLAIN else jsonable(item)
            for key, item in value.items()
        }
    if kind is list:  # as the case of a list below
        return [item if type(item) in _PLAIN else jsonable(item) for item in value]
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
    model = type(instance)
    key = (model, None if fields is None else tuple(fields))
    shown = _SHOWN.get(key)
    if shown is None:
        shown = _SHOWN[key] = tuple(
            (field.name, field.attname, isinstance(field, MaskedField))
            for field in instance._meta.concrete_fields
            if fields is None or field.name in fields
        )
    out: dict[str, Any] = {}
    for name, attname, masked in shown:
        if masked:
            out[name] = SEALED_MARK if getattr(instance, attname) else None
        else:
            out[name] = jsonable(getattr(instance, attname))
    return out


#: The fields :func:`snapshot` shows of a model, given its names (all: ``None``), in the
#: model's order: (name, attribute, whether masked), listed once.
_SHOWN: dict[tuple[type[models.Model], tuple[str, ...] | None], tuple[tuple[str, str, bool], ...]]
_SHOWN = {}


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
    return record_many(
        [
            Event(
                actor=actor,
                action=action,
                obj=obj,
                object_type=object_type,
                object_id=object_id,
                cryptonym=cryptonym,
                before=before,
                after=after,
                decision=decision,
                reason=reason,
            )
        ]
    )[0]


@dataclass(frozen=True, slots=True)
class Event:
    """One event of :func:`record_many`: the arguments of :func:`record`."""

    actor: AnyUser | None
    action: str
    obj: models.Model | None = None
    object_type: str = ""
    object_id: str | int = ""
    cryptonym: str = ""
    before: Mapping[str, Any] | None = None
    after: Mapping[str, Any] | None = None
    decision: Decision | None = None
    reason: str = ""

    def fields(self, at: dt.datetime, request_id: str) -> dict[str, Any]:
        """The event's hashed fields but its place in the chain (``seq``, ``prev_hash``)."""
        object_type, object_id = self.object_type, self.object_id
        if self.obj is not None:
            object_type = object_type or self.obj._meta.label_lower
            object_id = object_id or str(self.obj.pk)
        actor = self.actor
        decision = self.decision
        return {
            "seq": 0,
            "at": at,
            "actor_id": actor.pk if actor is not None and actor.is_authenticated else None,
            "actor_name": actor_name(actor),
            "action": self.action,
            "object_type": object_type,
            "object_id": str(object_id),
            "cryptonym": self.cryptonym,
            "before": jsonable(self.before) if self.before is not None else None,
            "after": jsonable(self.after) if self.after is not None else None,
            "decision": decision.to_dict() if decision is not None else None,
            "policy_version": POLICY_VERSION if decision is not None else "",
            "reason": self.reason,
            "request_id": request_id,
            "prev_hash": "",
        }

    def body(self, fields: dict[str, Any]) -> bytes:
        """The bytes stored and hashed of the event as ``fields`` (:meth:`fields`, placed in the
        chain) hold it: format 2 (``core.chain.event_body``)."""
        return chain.event_body(fields)


#: What a :class:`Draft` leaves to the transaction of the fields of an event.
_DRAFT_LATER: Final = ("after", "at", "cryptonym", "object_id", "request_id")
#: A moment a :class:`Draft` fills its fields with before it is given ``at``.
_EPOCH: Final = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)


class Draft:
    """An event encoded before the transaction that records it (on SQLite, before the
    writers' turn) but for what only that transaction knows: its object's key, its cryptonym,
    the values of ``after``'s keys named ``later``, and what :func:`record_many` gives (``at``,
    ``request_id``, its place in the chain). :meth:`event` gives the event to record, whose
    fields and bytes are those of an :class:`Event` of the same values
    (``tests/core/test_audit_drafts.py`` holds them equal)."""

    __slots__ = ("actor", "after", "after_sketch", "fields", "later", "rest_sketch")

    def __init__(
        self,
        *,
        actor: AnyUser | None,
        action: str,
        object_type: str,
        after: Mapping[str, Any],
        later: Sequence[str],
    ) -> None:
        self.actor = actor
        #: ``after`` as recorded, but the later keys' values.
        self.after: dict[str, Any] = jsonable({k: v for k, v in after.items() if k not in later})
        self.later = tuple(later)
        self.fields = Event(actor=actor, action=action, object_type=object_type).fields(_EPOCH, "")
        self.after_sketch = chain.Sketch(self.after, self.later)
        rest = {name: self.fields[name] for name in chain.REST_FIELDS}
        self.rest_sketch = chain.Sketch(rest, _DRAFT_LATER)

    def event(self, *, object_id: str, cryptonym: str, after: Mapping[str, Any]) -> Drafted:
        """The event of this draft, given the values only the transaction knows (``after``:
        those of the later keys, each of them)."""
        if set(after) != set(self.later):
            raise ValueError(f"a draft's event is given exactly {sorted(self.later)}")
        return Drafted(
            actor=self.actor,
            action=str(self.fields["action"]),
            object_id=object_id,
            cryptonym=cryptonym,
            after=after,
            draft=self,
        )


@dataclass(frozen=True, slots=True)
class Drafted(Event):
    """The event of a :class:`Draft`, given what only its transaction knows."""

    draft: Draft | None = None

    def fields(self, at: dt.datetime, request_id: str) -> dict[str, Any]:
        """What :meth:`Event.fields` gives for the draft's values and these."""
        draft = self.draft
        assert draft is not None  # noqa: S101 (made by ``Draft.event``)
        later = jsonable(dict(self.after or {}))
        return {
            **draft.fields,
            "at": at,
            "object_id": str(self.object_id),
            "cryptonym": self.cryptonym,
            "after": {**draft.after, **later},
            "request_id": request_id,
        }

    def body(self, fields: dict[str, Any]) -> bytes:
        """What :meth:`Event.body` gives: the draft's encoding, the later values slotted in."""
        draft = self.draft
        assert draft is not None  # noqa: S101 (made by ``Draft.event``)
        after = fields["after"]
        rest = draft.rest_sketch.fill(
            {
                "after": draft.after_sketch.fill(
                    {key: chain.encode_value(after[key]) for key in draft.later}
                ),
                "at": chain.encode_value(chain.format_time(fields["at"])),
                "cryptonym": chain.encode_value(fields["cryptonym"]),
                "object_id": chain.encode_value(fields["object_id"]),
                "request_id": chain.encode_value(fields["request_id"]),
            }
        )
        return chain.body_of(rest, fields["prev_hash"], fields["seq"])


def record_many(events: Sequence[Event]) -> list[AuditEvent]:
    """Append ``events`` to the audit chain, in order, inside the caller's transaction, with
    one move of the head: one compare-and-set from the head to the last of them and one insert
    of every row (``core.heads.append_many``). Each event is linked to the one before it as
    :func:`record` links it; the chain is the same as with one ``record`` call each."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("audit.record must run inside the action's transaction")
    if not events:
        return []
    now, request_id = timezone.now(), current_request_id()
    rows = [event.fields(now, request_id) for event in events]
    bodies = [event.body for event in events]
    # The head this connection appended last (no read: a transaction's later appends hold its
    # lock already), else the head read under its lock; see ``core.heads``.
    head = heads.guess()
    for attempt in range(2):
        if head is None:
            head = heads.locked_head()
        seq, previous = head
        for fields, encode in zip(rows, bodies, strict=True):
            seq += 1
            fields["seq"], fields["prev_hash"] = seq, previous
            # Format 2: the bytes hashed are stored as they are (``core.chain.event_body``).
            body = encode(fields)
            fields["hash"] = previous = chain.body_hash(body)
            fields["body"] = body
        try:
            new_ids = heads.append_many(rows, head)
        except IntegrityError as error:
            # The next position is taken, or, on PostgreSQL, the trigger refused an event that
            # does not extend the chain. No query here: the transaction is broken, and the
            # caller's transaction rolls back with this error.
            heads.forget()
            raise _chain_fault(head[0], error) from None
        if new_ids is not None:
            break
        if attempt:  # read under the lock, yet moved: nothing may move it meanwhile
            heads.forget()
            raise heads.HeadMoved("the audit head moved while its lock was held")
        head = None
    assert new_ids is not None  # noqa: S101 (the loop breaks with ids or raises)
    stored = []
    for new_id, fields in zip(new_ids, rows, strict=True):
        event = new(AuditEvent, pk=new_id, **fields)
        event._state.adding = False
        event._state.db = "default"
        stored.append(event)
    return stored


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
#: The action of the event each checkpoint row belongs to.
CHECKPOINT_ACTION: Final = rows.CHECKPOINT_ACTION
Verification = rows.Verification


def checkpoint_of(row: AuditCheckpoint) -> chain.Checkpoint:
    return chain.Checkpoint(
        size=row.size, head=row.head, time=row.time, key_id=row.key_id, signature=row.signature
    )


def stored_checkpoints() -> list[chain.Checkpoint]:
    """Every checkpoint kept in the database, smallest first."""
    return [checkpoint_of(row) for row in AuditCheckpoint.objects.order_by("size", "pk")]


def stored_events(chunk_size: int = CHUNK_SIZE) -> Iterator[dict[str, Any]]:
    """The whole chain in storage order, streamed, as mappings (exports read these)."""
    found: Iterator[dict[str, Any]] = (
        AuditEvent.objects.order_by("seq").values(*STREAM_FIELDS).iterator(chunk_size=chunk_size)
    )
    return found


def hashed_fields(event: AuditEvent) -> dict[str, Any]:
    """What ``event``'s hash covers, as a mapping of the hashed fields: decoded from its stored
    bytes (format 2), else its columns (format 1). The pages, the API and the export show
    this, so what they show is what was hashed, whatever the columns say (``verify --deep``
    checks those against the bytes)."""
    body = event.body
    if body is None:
        return {name: getattr(event, name) for name in chain.HASHED_FIELDS}
    try:
        data = json.loads(bytes(body))
    except ValueError:
        data = None
    if not isinstance(data, dict):  # unreadable bytes: verify says so; show the columns
        return {name: getattr(event, name) for name in chain.HASHED_FIELDS}
    fields = {name: data.get(name) for name in chain.HASHED_FIELDS}
    with contextlib.suppress(ValueError):
        fields["at"] = dt.datetime.fromisoformat(str(fields["at"]))
    return fields


def event_matches(event: AuditEvent) -> bool:
    """Whether a stored event's hash is the hash of what it holds: its stored bytes and its
    columns (format 2: the columns encode to the bytes), or its columns (format 1)."""
    fields = {name: getattr(event, name) for name in chain.HASHED_FIELDS}
    if event.body is None:
        return chain.hash_matches(fields, event.hash)
    body = bytes(event.body)
    return chain.body_hash(body) == event.hash and chain.event_body(fields) == body


def verify_stored(
    *,
    kept: Iterable[chain.Checkpoint] = (),
    public_keys: Mapping[str, Ed25519PublicKey] | None = None,
    progress: Callable[[int], None] | None = None,
    progress_every: int = 100_000,
    chunk_size: int = rows.BATCH_SIZE,
    max_faults: int = 100,
    deep: bool = False,
) -> Verification:
    """Verify every stored event, every stored checkpoint and the ``kept`` ones.

    ``public_keys`` default to this deployment's own (``core.signing``). Beyond the links and
    signatures (``core.chain``), the database's own records must agree with the chain:

    - the head row names the last event, exactly: an event past it is a forged append, a
      chain shorter than it a truncation, another hash at its position a rewrite;
    - each ``audit.checkpoint`` event has its checkpoint row (same size, same key), and each
      checkpoint row its event: a deleted or forged checkpoint row shows.

    ``progress`` is called with the number of events read every ``progress_every`` events.
    Events of format 2 are checked as the bytes their hash covers, a batch at a time; those of
    format 1 re-hashed from their fields (``core.rows``). ``deep`` also checks each format-2
    event's columns against its bytes.
    """
    keys = signing.verification_keys() if public_keys is None else public_keys
    return rows.verify_chain(
        kept=kept,
        public_keys=keys,
        progress=progress,
        progress_every=progress_every,
        batch_size=chunk_size,
        max_faults=max_faults,
        deep=deep,
    )
