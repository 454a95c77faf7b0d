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
import binascii
import datetime as dt
import hashlib
import operator
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

# Every encoding name is ``chain``'s too (``chain.canonical``, ``chain.event_body``, …).
from defector.core.encoding import *  # noqa: F403
from defector.core.encoding import (
    _DIGEST,
    _PREV_SLICE,
    AFTER,
    BEFORE,
    DIGEST_PREFIX,
    GENESIS,
    HASH,
    PREV,
    REASON,
    REDACTED_KEY,
    SEQ,
    SEQ_AT,
    Hexes,
    as_row,
    body_hash,
    canonical,
    format_time,
    row_body,
    row_hash,
)

# --- checkpoints ----------------------------------------------------------------------------


def key_id(public_key: Ed25519PublicKey) -> str:
    """A short, stable name of a verification key: the first 16 hex digits of its SHA-256."""
    return hashlib.sha256(public_key.public_bytes_raw()).hexdigest()[:16]


def public_key_text(public_key: Ed25519PublicKey) -> str:
    return base64.b64encode(public_key.public_bytes_raw()).decode("ascii")


def load_public_key(text: str) -> Ed25519PublicKey:
    return Ed25519PublicKey.from_public_bytes(base64.b64decode(text, validate=True))


def load_private_key(text: str) -> Ed25519PrivateKey:
    """A signing key from its base64 raw 32-byte form."""
    return Ed25519PrivateKey.from_private_bytes(base64.b64decode(text.strip(), validate=True))


def new_private_key_text() -> str:
    return base64.b64encode(Ed25519PrivateKey.generate().private_bytes_raw()).decode("ascii")


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


def _check_signatures(
    checkpoints: Iterable[Checkpoint],
    public_keys: Mapping[str, Ed25519PublicKey],
    report: Report,
) -> dict[int, list[Checkpoint]]:
    """Check each checkpoint's signature once (the same one may come twice: stored, and kept
    in a file); the checkpoints by size. Those of the empty chain are checked here."""
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
    return by_size


def _is_body_hash(row: Any, stored: Any) -> bool:
    """Whether ``stored`` is the format-2 hash of ``row`` (an event appended since issue 15,
    read back from its fields, e.g. from an export)."""
    try:
        return bool(body_hash(row_body(row)) == stored)
    except (TypeError, ValueError):
        return False


def _row_is_redacted(row: Any) -> bool:
    snapshots = (row[BEFORE], row[AFTER])
    if any(isinstance(value, Mapping) and REDACTED_KEY in value for value in snapshots):
        return True
    return str(row[REASON] or "").startswith(DIGEST_PREFIX)


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
    return verify_rows(
        map(as_row, events), checkpoints, public_keys, max_faults=max_faults, redacted=redacted
    )


def verify_rows(
    rows: Iterable[Any],
    checkpoints: Iterable[Checkpoint],
    public_keys: Mapping[str, Ed25519PublicKey],
    *,
    max_faults: int = 100,
    redacted: bool = False,
    hash_row: Callable[[Any], str] = row_hash,
) -> Report:
    """:func:`verify` over events given as rows of :data:`ROW_FIELDS` (the stored chain is read
    so, without building a mapping per event); ``hash_row`` may be a faster equivalent of
    :func:`row_hash` for rows in a known storage form. An event whose stored hash is of format
    2 (:func:`event_body`) verifies too."""
    walk = Walk(checkpoints, public_keys, max_faults=max_faults)
    for row in rows:
        raw_seq = row[SEQ]
        stored = row[HASH]
        if redacted and _row_is_redacted(row):
            walk.report.redacted += 1
            computed: str | None = None
        else:
            try:
                computed = hash_row(row)
            except (TypeError, ValueError) as exc:
                walk.unreadable(raw_seq, str(exc))
                computed = None
            else:
                if computed != stored and _is_body_hash(row, stored):
                    computed = stored
        if not walk.event(raw_seq, row[PREV], stored, computed):
            break
    return walk.finish()


class Walk:
    """Verification's state along the chain: the position, the previous hash, the checkpoints
    still to meet and the faults. :meth:`event` takes one event; :meth:`batch` takes many of
    format 2 at once (the stored chain), checking them with no Python code per event when they
    are sound and falling back to :meth:`event` for each when anything is off."""

    def __init__(
        self,
        checkpoints: Iterable[Checkpoint],
        public_keys: Mapping[str, Ed25519PublicKey],
        *,
        max_faults: int = 100,
    ) -> None:
        self.report = Report()
        self.by_size = _check_signatures(checkpoints, public_keys, self.report)
        self.pending = sorted(
            {c for found in self.by_size.values() for c in found}, key=lambda c: c.size
        )
        #: The checkpoint sizes still ahead, smallest last (popped as the walk passes them).
        self.sizes = sorted((size for size in self.by_size if size > 0), reverse=True)
        self.faults = self.report.faults
        self.max_faults = max_faults
        self.previous = GENESIS
        self.position = 0
        self._unreadable: str | None = None

    @property
    def stopped(self) -> bool:
        return not self.report.complete

    def unreadable(self, raw_seq: Any, detail: str) -> None:
        """The next event cannot be encoded (reported by :meth:`event`)."""
        self._unreadable = detail

    def event(self, raw_seq: Any, prev: Any, stored: Any, computed: str | None) -> bool:
        """One event: its sequence number and previous hash as it states them, its stored hash,
        and the hash of its content (None: not re-hashed, redacted or unreadable). False when
        verification stops (too many faults)."""
        self.position += 1
        position = self.position
        seq = raw_seq if type(raw_seq) is int else 0
        faults = self.faults
        if seq != position:
            faults.append(
                Fault(
                    seq,
                    "out of sequence",
                    f"expected event {position}, found {raw_seq!r}",
                    position,
                )
            )
        if prev != self.previous:
            faults.append(
                Fault(
                    seq,
                    "broken link",
                    "its previous hash is not the hash of the event before",
                    position,
                )
            )
        if self._unreadable is not None:
            faults.append(
                Fault(seq, "unreadable", f"cannot be encoded: {self._unreadable}", position)
            )
            self._unreadable = None
        elif computed is not None and computed != stored:
            faults.append(Fault(seq, "altered", "its content does not match its hash", position))
        self.previous = str(stored)
        sizes = self.sizes
        while sizes and sizes[-1] <= position:
            if sizes.pop() == position:
                self._checkpoints_at(position, seq, self.previous)
        if len(faults) >= self.max_faults:
            self.report.complete = False
            return False
        return True

    def _checkpoints_at(self, position: int, seq: int, digest: str) -> None:
        for checkpoint in self.by_size[position]:
            self.report.checkpoints += 1
            if checkpoint.head != digest:
                self.faults.append(
                    Fault(
                        seq,
                        "checkpoint mismatch",
                        f"the signed head of size {checkpoint.size} ({checkpoint.head[:12]}…) "
                        "is not this event's hash",
                        position,
                    )
                )

    def batch(self, bodies: list[bytes]) -> Sequence[str] | None:
        """Events of format 2 in chain order, as stored: the bytes each one's hash covers. When
        each one names the hash of the one before and its own position (all checked per batch,
        in C), the walk moves past them and their hashes are returned; None (and nothing
        changed) when anything is off or cannot be checked so: check them one by one, with
        their stored hashes, to say what is wrong."""
        count = len(bodies)
        if not count:
            return []
        first = self.position + 1
        last = self.position + count
        try:
            # Every hash, hex, in one string: digests joined, then written in hex at once.
            hexes = binascii.hexlify(b"".join(map(_DIGEST, map(hashlib.sha256, bodies))))
            if b"".join(map(_PREV_SLICE, bodies)) != self.previous.encode("ascii") + hexes[:-64]:
                return None
            # The positions, in runs of as many digits (1–9, 10–99, …): each body's digits
            # and the comma after them, at the fixed place.
            start = first
            while start <= last:
                digits = len(str(start))
                end = min(last, 10**digits - 1)
                at = operator.itemgetter(slice(SEQ_AT, SEQ_AT + digits + 1))
                expected = (b"%d," * (end - start + 1)) % tuple(range(start, end + 1))
                run = bodies[start - first : end - first + 1]
                if b"".join(map(at, run)) != expected:
                    return None
                start = end + 1
        except (TypeError, ValueError):  # not bytes, not text: one by one says what
            return None
        hashes = Hexes(hexes.decode("ascii"))
        self.position = last
        self.previous = hashes[-1]
        sizes = self.sizes
        while sizes and sizes[-1] <= last:
            size = sizes.pop()
            if size >= first:
                self._checkpoints_at(size, size, hashes[size - first])
        if len(self.faults) >= self.max_faults:
            self.report.complete = False
        return hashes

    def passed(self, count: int, hashes: Mapping[int, str]) -> None:
        """The next ``count`` events were checked elsewhere as :meth:`batch` checks them, the
        first linked to this walk's last (``core.split``); ``hashes``: the hash at each
        checkpoint's size among them and at the last."""
        first, last = self.position + 1, self.position + count
        sizes = self.sizes
        while sizes and sizes[-1] <= last:
            size = sizes.pop()
            if size >= first:
                self._checkpoints_at(size, size, hashes[size])
        self.position, self.previous = last, hashes[last]
        if len(self.faults) >= self.max_faults:
            self.report.complete = False

    def finish(self) -> Report:
        report = self.report
        report.events = self.position
        report.head = self.previous
        if not report.complete:
            return report
        for checkpoint in self.pending:
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
