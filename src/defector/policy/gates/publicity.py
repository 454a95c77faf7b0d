"""Publicity and surfacing of a defector (``6f``, ``5a(5)``, ``5a(6)``, ``7a``), as pure gates.

Plain Python: no Django, no clock, no I/O. ``6f``: the local Defector Committee recommends to
the IDC proposals for surfacing or the release of initial overt publicity concerning a
defector. ``7a``: the Senior US Representative determines how the contemplated action may
affect the political and diplomatic interests of the US, so a proposal carries the
determination on publicity. ``5a(6)``: overt publicity is coordinated with the Department of
State and USIA: each signs off (approves, or objects with comments) before the IDC decides; an
objection does not block the decision but stays on record. ``5a(5)``: intelligence objectives
come before psychological exploitation, so the IDC may not approve while the case's
intelligence objectives are not satisfied, unless it records an override with a reason.

Every gate answers a :class:`~defector.policy.Decision` naming the clause that decided it;
the actions turn a refusal into a ``PolicyRefusal``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Final

from defector.policy.citations import cite
from defector.policy.decisions import Decision

PROPOSAL_CLAUSE: Final = cite("6f")
PRIORITY_CLAUSE: Final = cite("5a(5)")
COORDINATION_CLAUSE: Final = cite("5a(6)")
RISK_CLAUSE: Final = cite("7a")

# --- statuses (mirrored by ``publicity.choices.ProposalStatus``) ------------------------------

AWAITING_SIGN_OFFS: Final = "awaiting_sign_offs"
AWAITING_DECISION: Final = "awaiting_decision"
APPROVED: Final = "approved"
REJECTED: Final = "rejected"
RELEASED: Final = "released"
WITHDRAWN: Final = "withdrawn"

STATUSES: Final[dict[str, str]] = {
    AWAITING_SIGN_OFFS: "awaiting the sign-offs of State and USIA",
    AWAITING_DECISION: "awaiting the IDC's decision",
    APPROVED: "approved by the IDC",
    REJECTED: "rejected by the IDC",
    RELEASED: "released",
    WITHDRAWN: "withdrawn",
}
#: Statuses in which the proposal is still before Washington.
PENDING: Final = frozenset({AWAITING_SIGN_OFFS, AWAITING_DECISION})

# --- the sign-offs of 5a(6) -------------------------------------------------------------------

#: The agencies whose sign-off ``5a(6)`` asks for, by directory code, with their names.
SIGNING_AGENCIES: Final[dict[str, str]] = {
    "STATE": "the Department of State",
    "USIA": "the United States Information Agency",
}
APPROVE: Final = "approve"
OBJECT: Final = "object"
POSITIONS: Final = (APPROVE, OBJECT)

# --- the IDC's decision -----------------------------------------------------------------------

DECIDE_APPROVE: Final = "approve"
DECIDE_REJECT: Final = "reject"
OUTCOMES: Final = (DECIDE_APPROVE, DECIDE_REJECT)


def may_propose(*, risk_determined: bool, pending_on_case: bool) -> Decision:
    """Whether the local committee may put a proposal to the IDC on a case: the Senior US
    Representative has determined the political risk of publicity (``7a``), and the case has
    no other proposal before Washington (``6f``)."""
    if not risk_determined:
        return Decision.deny(
            RISK_CLAUSE,
            reason="the Senior US Representative has not determined the political risk of "
            "publicity for this case: a proposal carries that determination",
        )
    if pending_on_case:
        return Decision.deny(
            PROPOSAL_CLAUSE,
            reason="the case already has a proposal before the IDC: decide or withdraw it first",
        )
    return Decision.allow(
        PROPOSAL_CLAUSE,
        RISK_CLAUSE,
        reason="the local committee recommends proposals for surfacing or publicity to the IDC, "
        "with the Senior US Representative's determination of the political risk",
    )


def may_sign_off(status: str, agency: str, position: str, comments: str) -> Decision:
    """Whether ``agency`` may record (or change) its sign-off: one of State and USIA, while the
    IDC has not decided; an objection states its comments (``5a(6)``)."""
    if agency not in SIGNING_AGENCIES:
        return Decision.deny(
            COORDINATION_CLAUSE,
            reason=f"publicity is coordinated with State and USIA; {agency or 'no agency'} does "
            "not sign off",
        )
    if status not in PENDING:
        return Decision.deny(
            COORDINATION_CLAUSE,
            reason=f"the proposal is {STATUSES.get(status, status)}: sign-offs are taken only "
            "until the IDC decides",
        )
    if position not in POSITIONS:
        return Decision.deny(
            COORDINATION_CLAUSE, reason="a sign-off approves, or objects with comments"
        )
    if position == OBJECT and not comments.strip():
        return Decision.deny(
            COORDINATION_CLAUSE, reason="an objection states its comments for the IDC"
        )
    return Decision.allow(
        COORDINATION_CLAUSE,
        reason=f"overt publicity is coordinated with {SIGNING_AGENCIES[agency]}",
    )


def missing_sign_offs(signed: Mapping[str, str]) -> tuple[str, ...]:
    """The signing agencies (codes) that have not signed off yet, in the table's order."""
    return tuple(code for code in SIGNING_AGENCIES if code not in signed)


def status_after_sign_offs(status: str, signed: Mapping[str, str]) -> str:
    """A pending proposal awaits the IDC's decision once every agency has signed off."""
    if status not in PENDING:
        return status
    return AWAITING_SIGN_OFFS if missing_sign_offs(signed) else AWAITING_DECISION


def may_override(status: str, *, objectives_satisfied: bool, overridden: bool) -> Decision:
    """Whether the IDC may record an override of ``5a(5)`` on the proposal: only while it is
    before Washington, only once, and only while the objectives are not satisfied."""
    if status not in PENDING:
        return Decision.deny(
            PRIORITY_CLAUSE,
            reason=f"the proposal is {STATUSES.get(status, status)}: an override is recorded "
            "only before the IDC decides",
        )
    if overridden:
        return Decision.deny(PRIORITY_CLAUSE, reason="the IDC has already recorded an override")
    if objectives_satisfied:
        return Decision.deny(
            PRIORITY_CLAUSE,
            reason="the case's intelligence objectives are satisfied: there is nothing to override",
        )
    return Decision.allow(
        PRIORITY_CLAUSE,
        reason="the IDC may decide that publicity goes ahead before the intelligence "
        "objectives are satisfied, with its reason on record",
    )


def may_decide(
    status: str,
    outcome: str,
    signed: Mapping[str, str],
    *,
    objectives_satisfied: bool,
    overridden: bool,
) -> Decision:
    """Whether the IDC may decide the proposal with ``outcome``.

    Only a proposal awaiting decision (``6f``); only once State and USIA have each signed off
    (``5a(6)``: an objection does not block, it stays on record); an approval only when the
    case's intelligence objectives are satisfied or the IDC recorded an override (``5a(5)``).
    """
    if outcome not in OUTCOMES:
        return Decision.deny(PROPOSAL_CLAUSE, reason="the IDC approves or rejects a proposal")
    if status not in PENDING:
        return Decision.deny(
            PROPOSAL_CLAUSE,
            reason=f"the proposal is {STATUSES.get(status, status)}: only a proposal awaiting "
            "decision can be decided",
        )
    missing = missing_sign_offs(signed)
    if missing:
        names = " and ".join(SIGNING_AGENCIES[code] for code in missing)
        return Decision.deny(
            COORDINATION_CLAUSE,
            reason=f"overt publicity is coordinated with State and USIA: {names} has not "
            "signed off yet",
        )
    if outcome == DECIDE_APPROVE and not (objectives_satisfied or overridden):
        return Decision.deny(
            PRIORITY_CLAUSE,
            reason="the case's intelligence objectives are not satisfied: intelligence comes "
            "before psychological exploitation, unless the IDC records an override with a "
            "reason",
        )
    objections = [code for code, position in signed.items() if position == OBJECT]
    noted = (
        f"; the objection of {' and '.join(SIGNING_AGENCIES[c] for c in objections)} is on record"
        if objections
        else ""
    )
    clauses = [PROPOSAL_CLAUSE, COORDINATION_CLAUSE]
    if outcome == DECIDE_APPROVE:
        clauses.append(PRIORITY_CLAUSE)
    return Decision.allow(
        *clauses,
        reason=f"the IDC decides proposals for publicity once State and USIA have signed off"
        f"{noted}",
    )


def may_release(status: str) -> Decision:
    """A release is recorded only for a proposal the IDC approved (``6f``)."""
    if status != APPROVED:
        return Decision.deny(
            PROPOSAL_CLAUSE,
            reason=f"the proposal is {STATUSES.get(status, status)}: a release is recorded only "
            "after the IDC's approval",
        )
    return Decision.allow(PROPOSAL_CLAUSE, reason="the IDC approved the proposal")


def may_withdraw(status: str) -> Decision:
    """The local committee may withdraw its proposal while it is before Washington (``6f``)."""
    if status not in PENDING:
        return Decision.deny(
            PROPOSAL_CLAUSE,
            reason=f"the proposal is {STATUSES.get(status, status)}: only a proposal before "
            "the IDC can be withdrawn",
        )
    return Decision.allow(
        PROPOSAL_CLAUSE, reason="the local committee may withdraw its recommendation"
    )
