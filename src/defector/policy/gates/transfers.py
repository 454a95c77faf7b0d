"""Moves of a case between posts, or to Washington: who proposes, who accepts, when.

A case is handled by the local Defector Committee of its post, under that committee's local
operating procedures for "the reception and handling" of the person in its geographic area
(``6``, ``6b``, ``6b(1)``); moving the person (exfiltration, resettlement) uses the resources
of every participating organization (``6b(3)(d)``). So a move is proposed by the side that
holds the case — its post's committee chair or an assigned case officer; in Washington, an
IDC member — and takes effect only when the receiving side accepts: the receiving post's
committee chair (its committee takes over, ``6``), or for Washington an IDC member (the IDC is
kept informed of every defector and takes custody, ``6d``). Pure: plain values in, a
:class:`~defector.policy.decisions.Decision` citing its clauses out.
"""

from __future__ import annotations

from typing import Final

from defector.policy.citations import cite
from defector.policy.decisions import Decision

PROPOSED: Final = "proposed"
ACCEPTED: Final = "accepted"
DECLINED: Final = "declined"
CANCELLED: Final = "cancelled"
STATUSES: Final[dict[str, str]] = {
    PROPOSED: "Proposed, awaiting the receiving side",
    ACCEPTED: "Accepted",
    DECLINED: "Declined",
    CANCELLED: "Cancelled",
}

#: The clauses of a move: the committee's handling in its area, and the resources used.
HANDLING: Final = (cite("6b"), cite("6b(3)(d)"))
#: The clause of a move to Washington's custody.
WASHINGTON: Final = cite("6d")


def propose(
    *,
    holds_case: bool,
    case_open: bool,
    pending: bool,
    to_same_place: bool,
) -> Decision:
    """May this official propose moving the case? ``holds_case``: they are the sending
    post's committee chair or an assigned case officer (in Washington's custody, an IDC
    member)."""
    if not holds_case:
        return Decision.deny(
            *HANDLING,
            reason=(
                "a move is proposed by the side that holds the case: its post's committee "
                "chair or an assigned case officer (in Washington, an IDC member)"
            ),
        )
    if not case_open:
        return Decision.deny(*HANDLING, reason="the case is closed: reopen it to move it")
    if pending:
        return Decision.deny(
            *HANDLING, reason="a move of this case is already proposed: decide or cancel it first"
        )
    if to_same_place:
        return Decision.deny(*HANDLING, reason="the case is already there")
    return Decision.allow(*HANDLING, reason="proposed by the side that holds the case")


def decide(*, status: str, receives: bool, to_washington: bool) -> Decision:
    """May this official accept or decline the move? ``receives``: they are the receiving
    post's committee chair (or, for Washington, an IDC member)."""
    clauses = (*HANDLING, WASHINGTON) if to_washington else HANDLING
    if status != PROPOSED:
        return Decision.deny(*clauses, reason=f"the move is {STATUSES.get(status, status).lower()}")
    if not receives:
        who = "an IDC member" if to_washington else "the receiving post's committee chair"
        return Decision.deny(*clauses, reason=f"only {who} accepts or declines the move")
    return Decision.allow(*clauses, reason="decided by the receiving side")


def cancel(*, status: str, sender: bool) -> Decision:
    """May this official cancel the proposed move? ``sender``: they proposed it, or chair the
    sending post's committee (in Washington, an IDC member)."""
    if status != PROPOSED:
        return Decision.deny(
            *HANDLING, reason=f"the move is {STATUSES.get(status, status).lower()}"
        )
    if not sender:
        return Decision.deny(*HANDLING, reason="only the side that proposed the move may cancel it")
    return Decision.allow(*HANDLING, reason="cancelled by the sending side")
