"""The audit chain's arithmetic: canonical encoding, hashing, checkpoints and verification.

Plain Python over plain values (no Django), so that the chain can be verified offline, by
anyone, from an export of the events and a kept checkpoint; ``core.audit`` stores and reads.

Each event's hash is the SHA-256 of its canonical encoding, which includes the previous
event's hash, so the events form one linear chain: editing, deleting, inserting or reordering
any event breaks a link. A checkpoint is an Ed25519 signature over (size, head hash, time);
one kept elsewhere detects truncation, and re-hashing the chain after an edit (which keeps
the links consistent) cannot reproduce a signed head without the signing key.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Final

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

#: The "previous hash" of the first event.
GENESIS: Final = "0" * 64
#: How an auditor's view wraps a redacted before/after (``core.redaction``).
REDACTED_KEY: Final = "[redacted]"
#: How a digest shown instead of case content starts (``core.redaction``).
DIGEST_PREFIX: Final = "hmac-sha256:"

#: The fields of an event that its hash covers, in a fixed order (the encoding sorts keys, so
#: the order here is documentation; adding a field changes every hash and needs a new format).
HASHED_FIELDS: Final = (
    "seq",
    "at",
    "actor_id",
    "actor_name",
    "action",
    "object_type",
    "object_id",
    "cryptonym",
    "before",
    "after",
    "decision",
    "policy_version",
    "reason",
    "request_id",
    "prev_hash",
)


#: One encoder for every event (``json.dumps`` with options builds a new one per call).
_ENCODER: Final = json.JSONEncoder(
    sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
)


def canonical(value: Mapping[str, Any]) -> bytes:
    """The canonical encoding: UTF-8 JSON, keys sorted, no insignificant whitespace."""
    return _ENCODER.encode(value).encode("utf-8")


def canonical_text(value: Any) -> str:
    """Any JSON value in the canonical encoding, as text (exports write JSON fields so)."""
    return _ENCODER.encode(value)


def format_time(moment: dt.datetime) -> str:
    """A moment as the chain writes it: UTC, ISO 8601, microseconds."""
    if moment.tzinfo is None:
        raise ValueError("audit times must be timezone-aware")
    return moment.astimezone(dt.UTC).isoformat(timespec="microseconds")


def event_hash(event: Mapping[str, Any]) -> str:
    """The SHA-256 (hex) of an event's hashed fields; ``at`` may be a datetime or a string."""
    body = {name: event.get(name) for name in HASHED_FIELDS}
    if isinstance(body["at"], dt.datetime):
        body["at"] = format_time(body["at"])
    return hashlib.sha256(canonical(body)).hexdigest()


# --- checkpoints ----------------------------------------------------------------------------


def key_id(public_key: Ed25519PublicKey) -> str:
    """A short, stable name of a verification key: the first 16 hex digits of its SHA-256."""
    raw = public_key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return hashlib.sha256(raw).hexdigest()[:16]


def public_key_text(public_key: Ed25519PublicKey) -> str:
    raw = public_key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return base64.b64encode(raw).decode("ascii")


def load_public_key(text: str) -> Ed25519PublicKey:
    return Ed25519PublicKey.from_public_bytes(base64.b64decode(text, validate=True))


def load_private_key(text: str) -> Ed25519PrivateKey:
    """A signing key from its base64 raw 32-byte form."""
    return Ed25519PrivateKey.from_private_bytes(base64.b64decode(text.strip(), validate=True))


def new_private_key_text() -> str:
    key = Ed25519PrivateKey.generate()
    raw = key.private_bytes(
        serialization.Encoding.Raw,
        serialization.PrivateFormat.Raw,
        serialization.NoEncryption(),
    )
    return base64.b64encode(raw).decode("ascii")


@dataclass(frozen=True, slots=True)
class Checkpoint:
    """A signed statement that the chain had ``size`` events ending in ``head`` at ``time``."""

    size: int
    head: str
    time: str
    key_id: str
    signature: str

    def signed_bytes(self) -> bytes:
        return canonical(
            {"size": self.size, "head": self.head, "time": self.time, "key_id": self.key_id}
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "size": self.size,
            "head": self.head,
            "time": self.time,
            "key_id": self.key_id,
            "signature": self.signature,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Checkpoint:
        try:
            return cls(
                size=int(data["size"]),
                head=str(data["head"]),
                time=str(data["time"]),
                key_id=str(data["key_id"]),
                signature=str(data["signature"]),
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise ValueError(f"not a checkpoint: {exc}") from None

    def verify_signature(self, public_key: Ed25519PublicKey) -> bool:
        try:
            public_key.verify(base64.b64decode(self.signature), self.signed_bytes())
        except (InvalidSignature, ValueError):
            return False
        return True


def sign_checkpoint(
    private_key: Ed25519PrivateKey, *, size: int, head: str, time: dt.datetime
) -> Checkpoint:
    unsigned = Checkpoint(
        size=size,
        head=head,
        time=format_time(time),
        key_id=key_id(private_key.public_key()),
        signature="",
    )
    signature = base64.b64encode(private_key.sign(unsigned.signed_bytes())).decode("ascii")
    return Checkpoint(**{**unsigned.to_dict(), "signature": signature})


# --- verification ---------------------------------------------------------------------------


@dataclass(slots=True)
class Fault:
    """One thing wrong with the chain.

    ``seq`` is the sequence number the event where it shows carries (0: the chain as a whole,
    e.g. a truncation or a checkpoint's signature); ``position`` is that event's place in the
    stream verified, from 1 (0 for the chain as a whole). They differ only when sequence
    numbers were tampered with.
    """

    seq: int
    kind: str
    detail: str
    position: int = 0

    def __str__(self) -> str:
        if not self.position:
            where = "chain"
        elif self.seq == self.position:
            where = f"event {self.seq}"
        else:
            where = f"event at position {self.position} (seq {self.seq})"
        return f"{where}: {self.kind}: {self.detail}"

    def to_dict(self) -> dict[str, Any]:
        return {
            "seq": self.seq,
            "position": self.position,
            "kind": self.kind,
            "detail": self.detail,
        }


@dataclass(slots=True)
class Report:
    """The result of verifying a chain and its checkpoints.

    ``complete`` is false when verification stopped early after ``max_faults`` faults; the
    counts then cover the events read so far.
    """

    events: int = 0
    checkpoints: int = 0
    #: Events whose content was redacted, so not re-hashed (``verify(..., redacted=True)``).
    redacted: int = 0
    head: str = GENESIS
    faults: list[Fault] = field(default_factory=list)
    complete: bool = True

    @property
    def ok(self) -> bool:
        return not self.faults

    @property
    def first_bad(self) -> Fault | None:
        """The fault that shows earliest in the stream; faults of the chain as a whole last."""
        if not self.faults:
            return None
        return min(self.faults, key=lambda f: f.position or 10**18)


def is_redacted(event: Mapping[str, Any]) -> bool:
    """Whether an event as exported shows digests instead of its content (``core.redaction``)."""
    snapshots = (event.get("before"), event.get("after"))
    if any(isinstance(value, Mapping) and REDACTED_KEY in value for value in snapshots):
        return True
    return str(event.get("reason") or "").startswith(DIGEST_PREFIX)


def _hash_or_fault(event: Mapping[str, Any]) -> tuple[str, str]:
    """(the event's hash, "") or ("", why it cannot be encoded)."""
    try:
        return event_hash(event), ""
    except (TypeError, ValueError) as exc:
        return "", f"cannot be encoded: {exc}"


def verify(
    events: Iterable[Mapping[str, Any]],
    checkpoints: Iterable[Checkpoint],
    public_keys: Mapping[str, Ed25519PublicKey],
    *,
    max_faults: int = 100,
    redacted: bool = False,
) -> Report:
    """Verify every link of ``events`` (in storage order) and every checkpoint.

    ``redacted=True`` is for an auditor's export (``core.redaction``), where case content shows
    as digests: such an event cannot be re-hashed, so only its sequence number, its link and
    the checkpoints are checked, and it is counted in ``Report.redacted``. Never pass it for
    the stored chain: anyone could then mark an edited event as redacted.

    ``events`` are mappings with the hashed fields plus ``hash``; they may be a stream. A
    checkpoint fails when its signature does not verify with the key it names, when the chain
    is shorter than its size (truncation), or when the event at its size has another hash
    (an edit re-hashed without the signing key).
    """
    report = Report()
    # The same checkpoint may come twice (stored, and kept in a file): check it once.
    pending = sorted(dict.fromkeys(checkpoints), key=lambda c: c.size)
    for checkpoint in pending:
        key = public_keys.get(checkpoint.key_id)
        if key is None:
            report.faults.append(
                Fault(
                    0,
                    "unknown key",
                    f"checkpoint of size {checkpoint.size} is signed by "
                    f"key {checkpoint.key_id}, which is not known",
                )
            )
        elif not checkpoint.verify_signature(key):
            report.faults.append(
                Fault(
                    0,
                    "bad signature",
                    f"checkpoint of size {checkpoint.size} is not signed "
                    f"by key {checkpoint.key_id}",
                )
            )
    by_size: dict[int, list[Checkpoint]] = {}
    for checkpoint in pending:
        by_size.setdefault(checkpoint.size, []).append(checkpoint)

    for checkpoint in by_size.get(0, ()):
        report.checkpoints += 1
        if checkpoint.head != GENESIS:
            report.faults.append(
                Fault(0, "checkpoint mismatch", "a checkpoint of the empty chain names a head")
            )
    previous = GENESIS
    for position, event in enumerate(events, start=1):
        report.events = position
        raw_seq = event.get("seq")
        seq = raw_seq if isinstance(raw_seq, int) and not isinstance(raw_seq, bool) else 0
        if seq != position:
            report.faults.append(
                Fault(
                    seq,
                    "out of sequence",
                    f"expected event {position}, found {raw_seq!r}",
                    position,
                )
            )
        if event.get("prev_hash") != previous:
            report.faults.append(
                Fault(
                    seq,
                    "broken link",
                    "its previous hash is not the hash of the event before",
                    position,
                )
            )
        if redacted and is_redacted(event):
            report.redacted += 1
            computed = ""
        else:
            computed, unreadable = _hash_or_fault(event)
            if unreadable:
                report.faults.append(Fault(seq, "unreadable", unreadable, position))
        if computed and computed != event.get("hash"):
            report.faults.append(
                Fault(seq, "altered", "its content does not match its hash", position)
            )
        previous = str(event.get("hash"))
        for checkpoint in by_size.get(position, ()):
            report.checkpoints += 1
            if checkpoint.head != previous:
                report.faults.append(
                    Fault(
                        seq,
                        "checkpoint mismatch",
                        f"the signed head of size "
                        f"{checkpoint.size} ({checkpoint.head[:12]}…) is not this event's hash",
                        position,
                    )
                )
        if len(report.faults) >= max_faults:
            report.complete = False
            break
    report.head = previous
    if not report.complete:
        return report
    for checkpoint in pending:
        if checkpoint.size > report.events:
            report.checkpoints += 1
            report.faults.append(
                Fault(
                    0,
                    "truncated",
                    f"a checkpoint says the chain had {checkpoint.size} events; "
                    f"it has {report.events}",
                )
            )
    return report
