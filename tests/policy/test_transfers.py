"""Moves of a case between posts (``6b``, ``6b(3)(d)``, ``6d``) as tables: who proposes,
who decides, who cancels, and when."""

from __future__ import annotations

import pytest

from defector.policy.gates import transfers as gate

PROPOSE = {
    "the side that holds an open case proposes a move elsewhere": (True, True, False, False, True),
    "someone who does not hold the case may not": (False, True, False, False, False),
    "a closed case does not move": (True, False, False, False, False),
    "one pending move at a time": (True, True, True, False, False),
    "not to where the case already is": (True, True, False, True, False),
}


@pytest.mark.parametrize(
    ("holds", "open_", "pending", "same", "allowed"), PROPOSE.values(), ids=PROPOSE.keys()
)
def test_who_may_propose_a_move(
    holds: bool, open_: bool, pending: bool, same: bool, allowed: bool
) -> None:
    decision = gate.propose(holds_case=holds, case_open=open_, pending=pending, to_same_place=same)
    assert decision.allowed is allowed
    assert decision.clauses == ("6b", "6b(3)(d)")


DECIDE = {
    "the receiving post's chair decides a proposed move": ("proposed", True, False, True, False),
    "anyone else may not": ("proposed", False, False, False, False),
    "a move to Washington cites 6d": ("proposed", True, True, True, True),
    "a move decided already is not decided again": ("accepted", True, False, False, False),
    "nor a cancelled one": ("cancelled", True, False, False, False),
}


@pytest.mark.parametrize(
    ("status", "receives", "washington", "allowed", "cites_6d"),
    DECIDE.values(),
    ids=DECIDE.keys(),
)
def test_who_may_accept_or_decline_a_move(
    status: str, receives: bool, washington: bool, allowed: bool, cites_6d: bool
) -> None:
    decision = gate.decide(status=status, receives=receives, to_washington=washington)
    assert decision.allowed is allowed
    assert ("6d" in decision.clauses) is cites_6d


CANCEL = {
    "the sending side cancels a proposed move": ("proposed", True, True),
    "the receiving side may not cancel it": ("proposed", False, False),
    "a declined move is not cancelled": ("declined", True, False),
}


@pytest.mark.parametrize(("status", "sender", "allowed"), CANCEL.values(), ids=CANCEL.keys())
def test_who_may_cancel_a_move(status: str, sender: bool, allowed: bool) -> None:
    assert gate.cancel(status=status, sender=sender).allowed is allowed
