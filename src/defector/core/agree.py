"""The database's own records must agree with the verified chain (``core.rows``): the head row
names the last event, exactly, and each ``audit.checkpoint`` event has its checkpoint row and
each row its event (``docs/audit.md``, "Verifying")."""

from __future__ import annotations

from collections.abc import Mapping
from typing import NamedTuple

from defector.core import chain
from defector.core.split import Seen, as_int


class CheckpointRow(NamedTuple):
    """A stored checkpoint row (``AuditCheckpoint``) as read here."""

    size: int
    head: str
    time: str
    key_id: str
    signature: str

    def checkpoint(self) -> chain.Checkpoint:
        return chain.Checkpoint(*self)


def head_faults(head: tuple[int, str] | None, events: int, seen: Seen) -> list[chain.Fault]:
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
    head_seq, head_hash = head
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
                as_int(seen.last_seq),
                "head mismatch",
                f"the chain's head row names another hash ({head_hash[:12]}…) for this event",
                head_seq,
            )
        ]
    if head_seq == 0 and head_hash != chain.GENESIS:
        return [chain.Fault(0, "head mismatch", "the head row of the empty chain names a hash")]
    return []


def checkpoint_row_faults(
    rows: list[CheckpointRow], events: Mapping[int, tuple[int, str]], total: int
) -> list[chain.Fault]:
    """Each ``audit.checkpoint`` event must have its checkpoint row and each row its event.

    A checkpoint covers its own event (``actions.create_audit_checkpoint``), so the row of the
    event at position *n* has size *n* and the key id the event names.
    """
    faults: list[chain.Fault] = []
    by_size: dict[int, list[CheckpointRow]] = {}
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
        # A row past the end is a truncation, which ``chain.Walk`` reports already.
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
