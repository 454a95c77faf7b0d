"""The path of a mutual problem under ``6c``, as a pure transition table.

Plain Python: no Django, no clock, no I/O (the convention the ``policy`` package keeps), so the
table's tests run in milliseconds. ``6c``: the local committee considers and resolves mutual
problems; one it cannot resolve is referred through CIA channels to the Interagency Defector
Committee (IDC), and members may meanwhile communicate directly with their principals in
Washington; when time does not permit referral, the matter is submitted for decision to the
senior US representative — and the IDC is told afterwards.

Every step either moves a problem to a new status or keeps it (acknowledgements, notes), and
:func:`decide` answers with a :class:`~defector.policy.Decision` that cites ``6c`` and says
why, whether the step is allowed or not. The actions turn a refusal into a
:class:`~defector.core.errors.PolicyRefusal` naming the clause.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Final

from defector.policy.citations import cite
from defector.policy.decisions import Decision

CLAUSE: Final = cite("6c")

# --- statuses (the post's side) ------------------------------------------------------------

RAISED: Final = "raised"
REFERRAL_REQUESTED: Final = "referral_requested"
REFERRED: Final = "referred"
AWAITING_SENIOR_REP: Final = "awaiting_senior_rep"
DECIDED_BY_SENIOR_REP: Final = "decided_by_senior_rep"
DECIDED_BY_IDC: Final = "decided_by_idc"
RESOLVED_LOCALLY: Final = "resolved_locally"

#: Every status, in the order of the path, with its label.
STATUSES: Final[dict[str, str]] = {
    RAISED: "Raised",
    REFERRAL_REQUESTED: "Referral requested",
    REFERRED: "Referred to the IDC",
    AWAITING_SENIOR_REP: "Awaiting the senior US representative",
    DECIDED_BY_SENIOR_REP: "Decided by the senior US representative",
    DECIDED_BY_IDC: "Decided by the IDC",
    RESOLVED_LOCALLY: "Resolved locally",
}
#: Statuses in which the problem still waits for a resolution or a decision at the post.
OPEN_STATUSES: Final = frozenset({RAISED, REFERRAL_REQUESTED, REFERRED, AWAITING_SENIOR_REP})
#: Statuses in which the problem is settled.
CLOSED_STATUSES: Final = frozenset(STATUSES) - OPEN_STATUSES

# --- steps -------------------------------------------------------------------------------------

RESOLVE_LOCALLY: Final = "resolve_locally"
REQUEST_REFERRAL: Final = "request_referral"
TRANSMIT_REFERRAL: Final = "transmit_referral"
NOTE_COMMUNICATION: Final = "note_communication"
SUBMIT_TO_SENIOR_REP: Final = "submit_to_senior_rep"
SENIOR_REP_DECIDE: Final = "senior_rep_decide"
IDC_ACKNOWLEDGE: Final = "idc_acknowledge"
IDC_DECIDE: Final = "idc_decide"
IDC_ACKNOWLEDGE_INFORMATION: Final = "idc_acknowledge_information"

#: What each step is, as a sentence's predicate ("the problem is ... ").
STEPS: Final[dict[str, str]] = {
    RESOLVE_LOCALLY: "resolved locally",
    REQUEST_REFERRAL: "put forward for referral to the IDC",
    TRANSMIT_REFERRAL: "transmitted to the IDC through CIA channels",
    NOTE_COMMUNICATION: "noted with a member's direct communication with Washington",
    SUBMIT_TO_SENIOR_REP: "submitted to the senior US representative",
    SENIOR_REP_DECIDE: "decided by the senior US representative",
    IDC_ACKNOWLEDGE: "acknowledged by the IDC",
    IDC_DECIDE: "decided by the IDC",
    IDC_ACKNOWLEDGE_INFORMATION: "acknowledged by the IDC as informed",
}

#: Who takes each step: ``member`` (the post's committee members, chair and senior US
#: representative), ``cia_member`` (a committee member of the post from the CIA),
#: ``senior_representative`` (of the post), ``idc`` (an IDC member), ``participant`` (a member,
#: or the invited representative who raised the problem).
ACTORS: Final[dict[str, str]] = {
    RESOLVE_LOCALLY: "member",
    REQUEST_REFERRAL: "member",
    TRANSMIT_REFERRAL: "cia_member",
    NOTE_COMMUNICATION: "participant",
    SUBMIT_TO_SENIOR_REP: "member",
    SENIOR_REP_DECIDE: "senior_representative",
    IDC_ACKNOWLEDGE: "idc",
    IDC_DECIDE: "idc",
    IDC_ACKNOWLEDGE_INFORMATION: "idc",
}


@dataclass(frozen=True, slots=True)
class Transition:
    """A step allowed from a status: the status it leads to, and why ``6c`` allows it."""

    to: str
    reason: str


#: (status, step) -> the transition. A pair not listed is refused.
TRANSITIONS: Final[dict[tuple[str, str], Transition]] = {
    (RAISED, RESOLVE_LOCALLY): Transition(
        RESOLVED_LOCALLY, "the committee considers and resolves mutual problems locally"
    ),
    (RAISED, REQUEST_REFERRAL): Transition(
        REFERRAL_REQUESTED,
        "a problem the committee cannot resolve is referred to the IDC through CIA channels",
    ),
    (RAISED, SUBMIT_TO_SENIOR_REP): Transition(
        AWAITING_SENIOR_REP,
        "when time does not permit referral, the matter is submitted for decision to the "
        "senior US representative",
    ),
    (REFERRAL_REQUESTED, TRANSMIT_REFERRAL): Transition(
        REFERRED, "the referral goes to the IDC through CIA channels, by the post's CIA member"
    ),
    (REFERRAL_REQUESTED, NOTE_COMMUNICATION): Transition(
        REFERRAL_REQUESTED,
        "members may communicate directly with their principals in Washington on the "
        "subjects of a referral",
    ),
    (REFERRAL_REQUESTED, RESOLVE_LOCALLY): Transition(
        RESOLVED_LOCALLY, "the committee resolved the problem before the referral went out"
    ),
    (REFERRAL_REQUESTED, SUBMIT_TO_SENIOR_REP): Transition(
        AWAITING_SENIOR_REP,
        "time does not permit waiting for the referral: the matter goes to the senior US "
        "representative for decision",
    ),
    (REFERRED, NOTE_COMMUNICATION): Transition(
        REFERRED,
        "members may communicate directly with their principals in Washington on the "
        "subjects of a referral",
    ),
    (REFERRED, IDC_ACKNOWLEDGE): Transition(REFERRED, "the IDC acknowledges a referred problem"),
    (REFERRED, IDC_DECIDE): Transition(DECIDED_BY_IDC, "the IDC decides a problem referred to it"),
    (AWAITING_SENIOR_REP, SENIOR_REP_DECIDE): Transition(
        DECIDED_BY_SENIOR_REP,
        "the senior US representative decides a matter submitted when time did not permit referral",
    ),
    (DECIDED_BY_SENIOR_REP, IDC_ACKNOWLEDGE_INFORMATION): Transition(
        DECIDED_BY_SENIOR_REP,
        "the IDC is told afterwards of the senior US representative's decision",
    ),
}


def steps_from(status: str) -> tuple[str, ...]:
    """The steps allowed from ``status``, in the table's order."""
    return tuple(step for (source, step) in TRANSITIONS if source == status)


def decide(status: str, step: str) -> Decision:
    """Whether ``step`` may be taken from ``status``, citing ``6c`` either way."""
    if status not in STATUSES:
        return Decision.deny(CLAUSE, reason=f"{status!r} is not a status of a mutual problem")
    if step not in STEPS:
        return Decision.deny(CLAUSE, reason=f"{step!r} is not a step of a mutual problem")
    transition = TRANSITIONS.get((status, step))
    if transition is not None:
        return Decision.allow(CLAUSE, reason=transition.reason)
    possible = [STEPS[other] for other in steps_from(status)]
    then = f"; it may now be {_or(possible)}" if possible else "; nothing more is done with it"
    return Decision.deny(
        CLAUSE,
        reason=f"a problem that is {_lower_first(STATUSES[status])} cannot be {STEPS[step]}{then}",
    )


def next_status(status: str, step: str) -> str:
    """The status after ``step``; :class:`ValueError` when the step is not allowed."""
    decision = decide(status, step)
    if not decision.allowed:
        raise ValueError(decision.reason)
    return TRANSITIONS[(status, step)].to


def is_open(status: str) -> bool:
    return status in OPEN_STATUSES


def is_overdue(status: str, due: dt.date | None, today: dt.date) -> bool:
    """An open problem whose due date has passed (the post's side)."""
    return due is not None and is_open(status) and due < today


# --- the IDC's side ----------------------------------------------------------------------------

IDC_NOT_INVOLVED: Final = ""
IDC_TO_ACKNOWLEDGE: Final = "to_acknowledge"
IDC_TO_DECIDE: Final = "to_decide"
IDC_DECIDED: Final = "decided"
IDC_INFORMATION_TO_ACKNOWLEDGE: Final = "information_to_acknowledge"
IDC_INFORMED: Final = "informed"

IDC_STATUSES: Final[dict[str, str]] = {
    IDC_NOT_INVOLVED: "Not before the IDC",
    IDC_TO_ACKNOWLEDGE: "Referred: to acknowledge",
    IDC_TO_DECIDE: "Referred: acknowledged, to decide",
    IDC_DECIDED: "Decided by the IDC",
    IDC_INFORMATION_TO_ACKNOWLEDGE: "Senior representative's decision: to acknowledge",
    IDC_INFORMED: "Senior representative's decision: acknowledged",
}


def idc_status(status: str, *, referral_acknowledged: bool, information_acknowledged: bool) -> str:
    """Where the problem stands for the IDC (``6c``): from the post's status and the IDC's
    acknowledgements."""
    if status == REFERRED:
        return IDC_TO_DECIDE if referral_acknowledged else IDC_TO_ACKNOWLEDGE
    if status == DECIDED_BY_IDC:
        return IDC_DECIDED
    if status == DECIDED_BY_SENIOR_REP:
        return IDC_INFORMED if information_acknowledged else IDC_INFORMATION_TO_ACKNOWLEDGE
    return IDC_NOT_INVOLVED


def idc_is_waiting(idc: str) -> bool:
    """Whether the IDC has something to do: acknowledge or decide."""
    return idc in {IDC_TO_ACKNOWLEDGE, IDC_TO_DECIDE, IDC_INFORMATION_TO_ACKNOWLEDGE}


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]


def _or(items: list[str]) -> str:
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " or " + items[-1]
