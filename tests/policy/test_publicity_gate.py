"""The gates of publicity and surfacing (``6f``, ``5a(5)``, ``5a(6)``, ``7a``), as tables: each
refusal names its clause; the IDC's override of ``5a(5)`` lets an approval through."""

from __future__ import annotations

import pytest

from defector.policy.gates import publicity as gate

A_S = gate.AWAITING_SIGN_OFFS
A_D = gate.AWAITING_DECISION
BOTH_APPROVE = {"STATE": "approve", "USIA": "approve"}
STATE_OBJECTS = {"STATE": "object", "USIA": "approve"}
ONLY_STATE = {"STATE": "approve"}
ONLY_USIA = {"USIA": "object"}


@pytest.mark.parametrize(
    ("risk_determined", "pending_on_case", "allowed", "clauses"),
    [
        (True, False, True, ("6f", "7a")),
        (False, False, False, ("7a",)),
        (False, True, False, ("7a",)),
        (True, True, False, ("6f",)),
    ],
)
def test_a_proposal_carries_the_7a_determination_and_is_the_only_one_pending(
    risk_determined: bool, pending_on_case: bool, allowed: bool, clauses: tuple[str, ...]
) -> None:
    decision = gate.may_propose(risk_determined=risk_determined, pending_on_case=pending_on_case)
    assert (decision.allowed, decision.clauses) == (allowed, clauses)
    assert decision.reason


@pytest.mark.parametrize(
    ("status", "agency", "position", "comments", "allowed"),
    [
        (A_S, "STATE", "approve", "", True),
        (A_S, "USIA", "object", "Too early for the press.", True),
        (A_D, "USIA", "approve", "", True),  # changeable until the decision
        (A_S, "USIA", "object", "  ", False),  # an objection states its comments
        (A_S, "CIA", "approve", "", False),  # only State and USIA sign off
        (A_S, "", "approve", "", False),
        (A_S, "STATE", "maybe", "", False),
        (gate.APPROVED, "STATE", "approve", "", False),
        (gate.REJECTED, "USIA", "object", "No.", False),
        (gate.RELEASED, "STATE", "approve", "", False),
        (gate.WITHDRAWN, "STATE", "approve", "", False),
    ],
)
def test_state_and_usia_sign_off_until_the_idc_decides(
    status: str, agency: str, position: str, comments: str, allowed: bool
) -> None:
    decision = gate.may_sign_off(status, agency, position, comments)
    assert decision.allowed is allowed
    assert decision.clauses == ("5a(6)",)


@pytest.mark.parametrize(
    ("signed", "status"),
    [
        ({}, A_S),
        (ONLY_STATE, A_S),
        (ONLY_USIA, A_S),
        (BOTH_APPROVE, A_D),
        (STATE_OBJECTS, A_D),  # an objection does not block: it goes to the IDC
    ],
)
def test_a_proposal_awaits_the_decision_once_both_agencies_signed_off(
    signed: dict[str, str], status: str
) -> None:
    assert gate.status_after_sign_offs(A_S, signed) == status


def test_a_decided_proposal_keeps_its_status_whatever_the_sign_offs() -> None:
    assert gate.status_after_sign_offs(gate.APPROVED, {}) == gate.APPROVED


@pytest.mark.parametrize(
    ("status", "outcome", "signed", "satisfied", "overridden", "allowed", "clauses"),
    [
        # approved: both signed, objectives satisfied
        (A_D, "approve", BOTH_APPROVE, True, False, True, ("6f", "5a(6)", "5a(5)")),
        # an objection is on record, not a bar
        (A_D, "approve", STATE_OBJECTS, True, False, True, ("6f", "5a(6)", "5a(5)")),
        (A_D, "reject", STATE_OBJECTS, False, False, True, ("6f", "5a(6)")),
        # 5a(5): objectives not satisfied
        (A_D, "approve", BOTH_APPROVE, False, False, False, ("5a(5)",)),
        # ... unless the IDC overrode it
        (A_D, "approve", BOTH_APPROVE, False, True, True, ("6f", "5a(6)", "5a(5)")),
        # a rejection needs no satisfied objectives
        (A_D, "reject", BOTH_APPROVE, False, False, True, ("6f", "5a(6)")),
        # 5a(6): a sign-off is missing, for any outcome, override or not
        (A_S, "approve", ONLY_STATE, True, False, False, ("5a(6)",)),
        (A_S, "reject", ONLY_USIA, True, False, False, ("5a(6)",)),
        (A_S, "approve", {}, False, True, False, ("5a(6)",)),
        # 6f: only a proposal awaiting decision
        (gate.APPROVED, "approve", BOTH_APPROVE, True, False, False, ("6f",)),
        (gate.REJECTED, "reject", BOTH_APPROVE, True, False, False, ("6f",)),
        (gate.RELEASED, "approve", BOTH_APPROVE, True, False, False, ("6f",)),
        (gate.WITHDRAWN, "reject", BOTH_APPROVE, True, False, False, ("6f",)),
        (A_D, "defer", BOTH_APPROVE, True, False, False, ("6f",)),
    ],
)
def test_the_idc_decides_after_both_sign_offs_and_approves_only_after_the_objectives(
    status: str,
    outcome: str,
    signed: dict[str, str],
    satisfied: bool,
    overridden: bool,
    allowed: bool,
    clauses: tuple[str, ...],
) -> None:
    decision = gate.may_decide(
        status, outcome, signed, objectives_satisfied=satisfied, overridden=overridden
    )
    assert (decision.allowed, decision.clauses) == (allowed, clauses)
    assert decision.reason


def test_an_allowed_decision_says_an_objection_is_on_record() -> None:
    decision = gate.may_decide(
        A_D, "approve", STATE_OBJECTS, objectives_satisfied=True, overridden=False
    )
    assert "objection of the Department of State is on record" in decision.reason


@pytest.mark.parametrize(
    ("status", "satisfied", "overridden", "allowed"),
    [
        (A_S, False, False, True),
        (A_D, False, False, True),
        (A_D, False, True, False),  # once
        (A_D, True, False, False),  # nothing to override
        (gate.APPROVED, False, False, False),
        (gate.REJECTED, False, False, False),
        (gate.WITHDRAWN, False, False, False),
    ],
)
def test_the_idc_overrides_5a5_once_while_the_proposal_is_before_it(
    status: str, satisfied: bool, overridden: bool, allowed: bool
) -> None:
    decision = gate.may_override(status, objectives_satisfied=satisfied, overridden=overridden)
    assert decision.allowed is allowed
    assert decision.clauses == ("5a(5)",)


@pytest.mark.parametrize(
    ("status", "release", "withdraw"),
    [
        (A_S, False, True),
        (A_D, False, True),
        (gate.APPROVED, True, False),
        (gate.REJECTED, False, False),
        (gate.RELEASED, False, False),
        (gate.WITHDRAWN, False, False),
    ],
)
def test_a_release_follows_an_approval_and_a_withdrawal_precedes_the_decision(
    status: str, release: bool, withdraw: bool
) -> None:
    released = gate.may_release(status)
    withdrawn = gate.may_withdraw(status)
    assert (released.allowed, released.clauses) == (release, ("6f",))
    assert (withdrawn.allowed, withdrawn.clauses) == (withdraw, ("6f",))
