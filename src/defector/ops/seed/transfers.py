"""The seed's moves of cases between posts or to Washington (``cases`` transfers): proposed,
some declined, none accepted (``seed.later``)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import TYPE_CHECKING, Final

from defector.cases.choices import Stage, TransferKind, TransferStatus
from defector.cases.models import Case, CaseTransfer, TimelineEntry
from defector.core import audit
from defector.directory.choices import Role
from defector.directory.models import Official
from defector.ops.seed.directory import Staff
from defector.ops.seed.plans import REACHED, CasePlan

if TYPE_CHECKING:
    from defector.ops.seed.later import LaterWriter

MOVE_REASONS: Final = (
    "The person must leave the country before the host service learns of the case.",
    "Resettlement in the United States approved; Washington takes the case.",
    "The post of the person's new location is better placed to handle the case.",
)
#: The cases' stages, as numbers (reception 0 … resettlement 4).


def write_transfers(
    w: LaterWriter,
    cases: Sequence[Case],
    plans: Sequence[CasePlan],
    staff: Sequence[Staff],
    lines: list[TimelineEntry],
    timing: Sequence[list[dt.datetime]],
) -> None:
    """Proposed moves (awaiting the receiving side) and a few declined ones; none accepted,
    so every case stays at the post that holds its records."""
    rng, ledger = w.rng, w.ledger
    made: list[CaseTransfer] = []
    for case, plan, post, times in zip(cases, plans, staff, timing, strict=True):
        steps = plan.later.transfer
        if not steps:
            continue
        kind = rng.choice(list(TransferKind.values))
        others = [p for p in w.posts if p.pk != post.post.pk]
        to_post = None if kind == TransferKind.RESETTLEMENT or not others else rng.choice(others)
        proposed = w.when(times[REACHED[Stage.DETERMINATION]])
        transfer = CaseTransfer(
            case=case,
            kind=kind,
            from_post=post.post,
            to_post=to_post,
            reason=rng.choice(MOVE_REASONS),
            proposed_at=proposed,
            proposed_by=post.first(Role.COMMITTEE_CHAIR),
        )
        if steps == 2:
            transfer.status = TransferStatus.DECLINED
            transfer.decided_at = w.when(proposed)
            transfer.decided_by = rng.choice(w.idc) if to_post is None else None
            if transfer.decided_by is None:
                receiving = [s for s in w.all_staff if s.post.pk == to_post.pk]  # type: ignore[union-attr]
                transfer.decided_by = (
                    receiving[0].first(Role.COMMITTEE_CHAIR) if receiving else rng.choice(w.idc)
                )
            transfer.note = "The receiving side cannot take the case now."
            transfer.version = 2
        made.append(transfer)
    made = CaseTransfer.objects.bulk_create(made)
    for transfer in made:
        case = transfer.case
        chair: Official = transfer.proposed_by
        there = transfer.to_post.code if transfer.to_post is not None else "Washington"
        here = transfer.from_post.code if transfer.from_post is not None else "Washington"
        state = _transfer_state(transfer)
        proposed_state = {
            **state,
            "status": TransferStatus.PROPOSED,
            "decided_at": None,
            "decided_by": None,
            "note": "",
            "version": 1,
        }
        seq = ledger.add(
            at=transfer.proposed_at,
            actor=chair.user,
            action="cases.transfer.propose",
            object_type="cases.casetransfer",
            object_id=transfer.pk,
            cryptonym=case.cryptonym,
            after=proposed_state,
            reason=transfer.reason,
        )
        lines.append(
            w.line(  # type: ignore[operator]
                case, chair, transfer.proposed_at, "cases.transfer.propose",
                f"Move from {here} to {there} proposed "
                f"({TransferKind(transfer.kind).label.lower()}): awaiting the receiving side",
                seq, transfer,
            )
        )  # fmt: skip
        if transfer.status != TransferStatus.DECLINED or transfer.decided_at is None:
            continue
        decider: Official = transfer.decided_by  # type: ignore[assignment]
        seq = ledger.add(
            at=transfer.decided_at,
            actor=decider.user,
            action="cases.transfer.decline",
            object_type="cases.casetransfer",
            object_id=transfer.pk,
            cryptonym=case.cryptonym,
            before=proposed_state,
            after=state,
            reason=transfer.note,
        )
        lines.append(
            w.line(  # type: ignore[operator]
                case, decider, transfer.decided_at, "cases.transfer.decline",
                f"Move from {here} to {there} declined by {decider}: {transfer.note}",
                seq, transfer,
            )
        )  # fmt: skip


def _transfer_state(transfer: CaseTransfer) -> dict[str, object]:
    """As ``cases.actions.transfers`` shows a move in its audit records."""
    return audit.snapshot(
        transfer,
        ["kind", "from_post", "to_post", "status", "decided_at", "decided_by", "note", "version"],
    )
