"""The seed's audit events: the chain computed in Python, written in bulk, the head moved once
per batch.

``core.audit.record`` appends one event at a time (a compare-and-set of the head, an insert). The
seed writes hundreds of thousands, so it computes each event's ``seq``, ``prev_hash`` and
``hash`` itself (``core.chain.event_body``, the same arithmetic), inserts a batch as
``core.heads`` stores events (``insert_many``: format 2, the bytes hashed in ``body`` and the
JSON columns empty, as ``record`` writes them) and moves the head row over the batch's
last event, in the batch's transaction. The PostgreSQL triggers of ``core/migrations/0005``
still hold: a row-level BEFORE INSERT trigger sees the rows inserted before it by the same
statement, so each event of a multi-row insert extends the one before it; and the head has
moved by the time the transaction commits. The head row is locked first, so no other writer
can interleave.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.auth.models import User
from django.db import transaction

from defector.core import chain, heads
from defector.core.audit import actor_name, jsonable
from defector.core.models import AuditEvent, AuditHead
from defector.core.progress import Progress

#: Rows per INSERT statement.
INSERT_BATCH = 1000


class Ledger:
    """Events waiting to be written, and the chain's head as they leave it."""

    def __init__(self, *, request_id: str, progress: Progress | None = None) -> None:
        self.request_id = request_id
        self.progress = progress
        self.pending: list[dict[str, Any]] = []
        self.written = 0
        self.seq, self.hash = self._head()

    @staticmethod
    def _head() -> tuple[int, str]:
        with transaction.atomic():
            head = AuditHead.objects.select_for_update().filter(pk=1).first()
            if head is None:
                last = AuditEvent.objects.order_by("-seq").first()
                head = AuditHead.objects.create(
                    pk=1,
                    seq=last.seq if last else 0,
                    hash=last.hash if last else chain.GENESIS,
                )
            return head.seq, head.hash

    def add(
        self,
        *,
        at: dt.datetime,
        actor: User | None,
        action: str,
        object_type: str,
        object_id: int | str,
        cryptonym: str = "",
        before: dict[str, Any] | None = None,
        after: dict[str, Any] | None = None,
        reason: str = "",
    ) -> int:
        """Queue one event; its sequence number."""
        self.seq += 1
        fields: dict[str, Any] = {
            "seq": self.seq,
            "at": at,
            "actor_id": actor.pk if actor is not None else None,
            "actor_name": actor_name(actor),
            "action": action,
            "object_type": object_type,
            "object_id": str(object_id),
            "cryptonym": cryptonym,
            "before": jsonable(before) if before is not None else None,
            "after": jsonable(after) if after is not None else None,
            "decision": None,
            "policy_version": "",
            "reason": reason,
            "request_id": self.request_id,
            "prev_hash": self.hash,
        }
        # Format 2, as ``core.audit.record`` appends: the bytes hashed are stored as they are.
        body = chain.event_body(fields)
        digest = chain.body_hash(body)
        fields["hash"] = digest
        fields["body"] = body
        self.pending.append(fields)
        self.hash = digest
        return self.seq

    def flush(self) -> None:
        """Write the queued events and move the head over them (inside the caller's
        transaction, which must hold nothing but the seed's writes)."""
        if not self.pending:
            return
        if not transaction.get_connection().in_atomic_block:
            raise RuntimeError("the seed's events are written inside a transaction")
        # Lock the head: another writer waits until this batch commits.
        head = AuditHead.objects.select_for_update().get(pk=1)
        first = self.pending[0]
        if head.seq + 1 != first["seq"] or head.hash != first["prev_hash"]:
            raise RuntimeError(
                f"the audit chain moved while seeding (head at event {head.seq}); "
                "seed a database nobody else writes to"
            )
        for start in range(0, len(self.pending), INSERT_BATCH):
            heads.insert_many(self.pending[start : start + INSERT_BATCH])
        AuditHead.objects.filter(pk=1).update(seq=self.seq, hash=self.hash)
        count = len(self.pending)
        self.written += count
        self.pending = []
        if self.progress is not None:
            self.progress.advance(count)
