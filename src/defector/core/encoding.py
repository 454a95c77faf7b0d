"""The audit chain's encodings: the canonical encoding (format 1), the stored bytes of format 2,
and the hashes of both. Plain Python (no Django); ``core.chain`` re-exports every name here, and
checkpoints and verification are there.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import operator
from collections.abc import Mapping, Sequence
from typing import Any, Final, overload

__all__ = [
    "ACTION",
    "AFTER",
    "AT",
    "BEFORE",
    "BODY_START",
    "DIGEST_PREFIX",
    "GENESIS",
    "HASH",
    "HASHED_FIELDS",
    "PREV",
    "PREV_AT",
    "REASON",
    "REDACTED_KEY",
    "REST_FIELDS",
    "ROW_FIELDS",
    "SEQ",
    "SEQ_AT",
    "SORTED_FIELDS",
    "TEMPLATE",
    "WIDTH",
    "Hexes",
    "Sketch",
    "as_row",
    "body_fields",
    "body_hash",
    "body_of",
    "canonical",
    "canonical_text",
    "encode_value",
    "event_body",
    "event_hash",
    "format_time",
    "hash_matches",
    "row_body",
    "row_hash",
]

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


#: The hashed fields in the order the canonical encoding writes them (keys sorted), then the
#: stored hash: the column order in which ``verify_rows`` and the stored chain read events.
SORTED_FIELDS: Final = tuple(sorted(HASHED_FIELDS))
ROW_FIELDS: Final = (*SORTED_FIELDS, "hash")
#: Positions in a row of :data:`ROW_FIELDS`.
SEQ: Final = ROW_FIELDS.index("seq")
PREV: Final = ROW_FIELDS.index("prev_hash")
AT: Final = ROW_FIELDS.index("at")
HASH: Final = ROW_FIELDS.index("hash")
ACTION: Final = ROW_FIELDS.index("action")
AFTER: Final = ROW_FIELDS.index("after")
BEFORE: Final = ROW_FIELDS.index("before")
REASON: Final = ROW_FIELDS.index("reason")
#: The canonical encoding of an event with its keys written once: each value, already
#: encoded, is slotted in (``%s``). It gives exactly the bytes :func:`canonical` gives for the
#: same event (a test holds them equal); the stored chain's verification fills it from stored
#: text without decoding it (``core.audit``).
TEMPLATE: Final = "{" + ",".join(f'"{name}":%s' for name in SORTED_FIELDS) + "}"
WIDTH: Final = len(SORTED_FIELDS)
_encode_string = json.encoder.encode_basestring


def encode_value(value: Any) -> str:
    """One value as the canonical encoding writes it (strings and integers without the
    encoder's dispatch; everything else through it)."""
    kind = type(value)
    if kind is str:
        return str(_encode_string(value))
    if value is None:
        return "null"
    if kind is int:
        return int.__repr__(value)
    return _ENCODER.encode(value)


def row_hash(row: Any) -> str:
    """The SHA-256 (hex) of an event given as a row of :data:`ROW_FIELDS` (or only its hashed
    fields, in that order); ``at`` may be a datetime or the string the chain writes. One
    encoder call over a dict built by position (the encoder's C code does the rest)."""
    body = dict(zip(SORTED_FIELDS, row, strict=False))
    at = body["at"]
    if isinstance(at, dt.datetime):
        body["at"] = format_time(at)
    return hashlib.sha256(_ENCODER.encode(body).encode("utf-8")).hexdigest()


# --- format 2: the event's bytes stored, the chain's fields first --------------------------------
#
# Events appended since issue 15 also store the exact bytes their hash covers (``body``), so that
# verifying is SHA-256 over what the database hands back. Those bytes are the canonical encoding
# with the chain's own fields written first, ``{"prev_hash":"…","seq":N,`` and then every other
# field with its key sorted, so that the link and the position sit at fixed offsets and a batch
# of events is checked without decoding one. The JSON decodes to the same mapping as format 1's;
# the two encodings never give the same bytes (format 1 starts ``{"action":``), so an event's hash
# is of one format or the other, never ambiguous (:func:`hash_matches`).

#: The fields format 2 writes after ``prev_hash`` and ``seq``, keys sorted.
REST_FIELDS: Final = tuple(name for name in SORTED_FIELDS if name not in ("prev_hash", "seq"))
#: How a format-2 encoding starts; the previous hash follows, at :data:`PREV_AT`.
BODY_START: Final = b'{"prev_hash":"'
PREV_AT: Final = len(BODY_START)
#: Where the digits of ``seq`` start (after ``","seq":``).
SEQ_AT: Final = PREV_AT + 64 + len(b'","seq":')
_REST_TEMPLATE: Final = ",".join(f'"{name}":%s' for name in REST_FIELDS) + "}"


def event_body(event: Mapping[str, Any]) -> bytes:
    """An event's format-2 encoding (the bytes stored as ``body`` and hashed); ``at`` may be a
    datetime or the string the chain writes."""
    values = []
    for name in REST_FIELDS:
        value = event.get(name)
        if name == "at" and isinstance(value, dt.datetime):
            value = format_time(value)
        values.append(encode_value(value))
    prev = event.get("prev_hash")
    seq = event.get("seq")
    head = '{"prev_hash":' + encode_value(prev) + ',"seq":' + encode_value(seq) + ","
    return (head + _REST_TEMPLATE % tuple(values)).encode("utf-8")


class Sketch:
    """A JSON object's canonical encoding made ahead but for the values of the keys named
    ``later``, each given encoded when it is filled (:meth:`fill`): the text
    :func:`canonical_text` gives of the whole object, its keys sorted as that sorts them, the
    values given ahead encoded as it encodes them (:func:`encode_value`; a test holds the
    two equal)."""

    __slots__ = ("later", "template")

    def __init__(self, value: Mapping[str, Any], later: Sequence[str]) -> None:
        pieces = []
        for key in sorted({*value, *later}):
            name = str(_encode_string(key)).replace("%", "%%") + ":"
            if key in later:
                pieces.append(name + "%s")
            else:
                pieces.append(name + encode_value(value[key]).replace("%", "%%"))
        #: The later keys, in the order :meth:`fill` slots their values in.
        self.later: tuple[str, ...] = tuple(sorted(set(later)))
        self.template = "{" + ",".join(pieces) + "}"

    def fill(self, encoded: Mapping[str, str]) -> str:
        """The whole object's encoding, given each later key's value encoded."""
        return self.template % tuple(encoded[key] for key in self.later)


def body_of(rest: str, prev_hash: str, seq: int) -> bytes:
    """The format-2 bytes of an event whose fields but ``prev_hash`` and ``seq`` are encoded as
    ``rest`` (the canonical encoding of an object of :data:`REST_FIELDS`, a :class:`Sketch`
    filled): what :func:`event_body` gives for the same event."""
    head = '{"prev_hash":' + encode_value(prev_hash) + ',"seq":' + encode_value(seq) + ","
    return (head + rest[1:]).encode("utf-8")


def body_hash(body: bytes) -> str:
    """The hash of a stored format-2 event: SHA-256 of its bytes, as they are."""
    return hashlib.sha256(body).hexdigest()


def row_body(row: Any) -> bytes:
    """:func:`event_body` of a row of :data:`ROW_FIELDS`."""
    return event_body(dict(zip(SORTED_FIELDS, row, strict=False)))


def hash_matches(event: Mapping[str, Any], digest: str) -> bool:
    """Whether ``digest`` is the hash of ``event``'s fields in either format (1: the canonical
    encoding; 2: :func:`event_body`)."""
    return event_hash(event) == digest or body_hash(event_body(event)) == digest


def as_row(event: Mapping[str, Any]) -> tuple[Any, ...]:
    """An event mapping as a row of :data:`ROW_FIELDS` (a missing field reads as null)."""
    return tuple(event.get(name) for name in ROW_FIELDS)


def event_hash(event: Mapping[str, Any]) -> str:
    """The SHA-256 (hex) of an event's hashed fields; ``at`` may be a datetime or a string."""
    body = {name: event.get(name) for name in HASHED_FIELDS}
    if isinstance(body["at"], dt.datetime):
        body["at"] = format_time(body["at"])
    return hashlib.sha256(canonical(body)).hexdigest()


#: A SHA-256 object's digest, called as a plain function (``map``): cheaper per call than
#: ``operator.methodcaller("digest")``, which looks the method up each time.
_DIGEST: Final = type(hashlib.sha256()).digest


class Hexes(Sequence[str]):
    """The hashes of a batch, hex, kept as one string (64 characters each) until one is read."""

    __slots__ = ("text",)

    def __init__(self, text: str) -> None:
        self.text = text

    def __len__(self) -> int:
        return len(self.text) // 64

    @overload
    def __getitem__(self, index: int) -> str: ...
    @overload
    def __getitem__(self, index: slice) -> list[str]: ...
    def __getitem__(self, index: int | slice) -> str | list[str]:
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self)))]
        if index < 0:
            index += len(self)
        if not 0 <= index < len(self):
            raise IndexError(index)
        return self.text[64 * index : 64 * index + 64]

    def __eq__(self, other: object) -> bool:
        return list(self) == list(other) if isinstance(other, Sequence) else NotImplemented

    __hash__ = None  # type: ignore[assignment]


_PREV_SLICE: Final = operator.itemgetter(slice(PREV_AT, PREV_AT + 64))


def body_fields(body: bytes) -> tuple[Any, Any, str | None]:
    """(seq, previous hash, why unreadable) as a stored format-2 event states them."""
    try:
        data = json.loads(body)
    except (TypeError, ValueError, UnicodeDecodeError) as exc:
        return None, None, f"not JSON: {exc}"
    if not isinstance(data, dict):
        return None, None, "not a JSON object"
    return data.get("seq"), data.get("prev_hash"), None
