"""The lifecycle of a case: which stage may follow which, and why — one table, pure.

reception → assessment → determination → exploitation → resettlement → closed, with a way
back from determination to assessment, a close from every open stage (with an outcome that
must fit the stage), and a reopen from closed (with a reason). Each move names the clauses of
the directive that justify it and says why in one line (:func:`decision`); an illegal move is
explained with the stages that may follow (:func:`refusal`).

Plain values in, plain values out: no Django, no database. The action that moves a case asks
this module, then asks the guards other parts of the system register for a move
(``cases.lifecycle.register_guard``) — for example :func:`exploitation_gate`, "a case moves
to exploitation only once defector status is granted".
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Final

from defector.policy.citations import cite
from defector.policy.decisions import Decision


class Stage(StrEnum):
    """Where a case stands, from the walk-in at the door to its close."""

    RECEPTION = "reception"
    ASSESSMENT = "assessment"
    DETERMINATION = "determination"
    EXPLOITATION = "exploitation"
    RESETTLEMENT = "resettlement"
    CLOSED = "closed"


STAGE_LABELS: Final[dict[str, str]] = {
    Stage.RECEPTION: "Reception",
    Stage.ASSESSMENT: "Assessment",
    Stage.DETERMINATION: "Determination",
    Stage.EXPLOITATION: "Exploitation",
    Stage.RESETTLEMENT: "Resettlement",
    Stage.CLOSED: "Closed",
}

#: The stages of an open case, in order.
OPEN_STAGES: Final[tuple[str, ...]] = (
    Stage.RECEPTION,
    Stage.ASSESSMENT,
    Stage.DETERMINATION,
    Stage.EXPLOITATION,
    Stage.RESETTLEMENT,
)


class CaseOutcome(StrEnum):
    """How a closed case ended; required when closing, cleared when reopening."""

    GRANTED = "granted"
    DECLINED = "declined"
    REFERRED_REFUGEE = "referred_refugee"
    WITHDREW = "withdrew"
    REDEFECTED = "redefected"
    RETURNED = "returned"


OUTCOME_LABELS: Final[dict[str, str]] = {
    CaseOutcome.GRANTED: "Defector status granted",
    CaseOutcome.DECLINED: "Defector status declined",
    CaseOutcome.REFERRED_REFUGEE: "Referred as a refugee",
    CaseOutcome.WITHDREW: "Withdrew",
    CaseOutcome.REDEFECTED: "Re-defected",
    CaseOutcome.RETURNED: "Returned to their country",
}


@dataclass(frozen=True, slots=True)
class Transition:
    """One allowed move between two stages."""

    source: str
    target: str
    clauses: tuple[str, ...]
    reason: str
    #: The official must say why (going back, reopening).
    needs_reason: bool = False

    def __post_init__(self) -> None:
        for key in self.clauses:
            cite(key)


@dataclass(frozen=True, slots=True)
class Ending:
    """An outcome a case may be closed with, from which stages, and under which clauses."""

    outcome: str
    sources: tuple[str, ...]
    clauses: tuple[str, ...]
    reason: str

    def __post_init__(self) -> None:
        for key in self.clauses:
            cite(key)


S = Stage
#: Every move but closing (see :data:`ENDINGS`), in the order forms offer them.
TRANSITIONS: Final[tuple[Transition, ...]] = (
    Transition(
        S.RECEPTION,
        S.ASSESSMENT,
        ("6b(1)",),
        "the person has been received securely; their facts are now assessed",
    ),
    Transition(
        S.ASSESSMENT,
        S.DETERMINATION,
        ("6b(2)",),
        "defector status is to be considered, balancing special value against political risk",
    ),
    Transition(
        S.DETERMINATION,
        S.ASSESSMENT,
        ("6b(2)", "6b(3)(b)"),
        "the determination waits on the facts or on bona fides being established",
        needs_reason=True,
    ),
    Transition(
        S.DETERMINATION,
        S.EXPLOITATION,
        ("6b(2)", "5a(5)"),
        "defector status is granted; exploitation serves intelligence objectives first",
    ),
    Transition(
        S.EXPLOITATION,
        S.RESETTLEMENT,
        ("6b(3)(d)",),
        "exploitation is done; the participating organizations resettle the person",
    ),
    Transition(
        S.CLOSED,
        S.ASSESSMENT,
        ("6b(1)",),
        "the case is reopened: the person's facts are assessed again",
        needs_reason=True,
    ),
)

ALL_OPEN: Final = OPEN_STAGES
#: The outcomes a case may be closed with, and from where.
ENDINGS: Final[tuple[Ending, ...]] = (
    Ending(
        CaseOutcome.GRANTED,
        (S.EXPLOITATION, S.RESETTLEMENT),
        ("6b(2)",),
        "defector status was granted and the handling is complete",
    ),
    Ending(
        CaseOutcome.DECLINED,
        (S.DETERMINATION,),
        ("6b(2)",),
        "defector status was considered and declined",
    ),
    Ending(
        CaseOutcome.REFERRED_REFUGEE,
        (S.ASSESSMENT, S.DETERMINATION),
        ("2f",),
        "not taken as a defector; referred as a refugee",
    ),
    Ending(
        CaseOutcome.WITHDREW,
        ALL_OPEN,
        ("6b(3)(c)",),
        "the person withdrew: a defection must be voluntary",
    ),
    Ending(
        CaseOutcome.REDEFECTED,
        (S.DETERMINATION, S.EXPLOITATION, S.RESETTLEMENT),
        ("6d",),
        "the person re-defected; the IDC is kept informed",
    ),
    Ending(
        CaseOutcome.RETURNED,
        ALL_OPEN,
        ("6b(1)",),
        "the person returned to their country",
    ),
)
ENDINGS_BY_OUTCOME: Final = {ending.outcome: ending for ending in ENDINGS}


def stage_label(stage: str) -> str:
    return STAGE_LABELS.get(stage, stage)


def transition(source: str, target: str) -> Transition | None:
    """The move from ``source`` to ``target`` other than closing, or ``None``."""
    for move in TRANSITIONS:
        if move.source == source and move.target == target:
            return move
    return None


def endings_from(source: str) -> tuple[Ending, ...]:
    """The outcomes a case at ``source`` may be closed with (none once closed)."""
    return tuple(ending for ending in ENDINGS if source in ending.sources)


def next_stages(source: str) -> tuple[str, ...]:
    """The stages a case at ``source`` may move to, in order (closing last)."""
    targets = [move.target for move in TRANSITIONS if move.source == source]
    if endings_from(source):
        targets.append(S.CLOSED)
    return tuple(targets)


def allowed(source: str, target: str) -> bool:
    """Whether a case may move from ``source`` to ``target`` (closing: with some outcome)."""
    return target in next_stages(source)


def refusal(source: str, target: str) -> str:
    """Why a move is not allowed, naming both stages and what may follow ``source``."""
    following = next_stages(source)
    then = ", ".join(stage_label(stage) for stage in following) or "nothing"
    if source == target:
        return f"the case is already at {stage_label(source)}; from there it may move to: {then}"
    return (
        f"a case cannot move from {stage_label(source)} to {stage_label(target)}; "
        f"from {stage_label(source)} it may move to: {then}"
    )


def ending_refusal(source: str, outcome: str) -> str:
    """Why ``outcome`` does not fit a close from ``source``, with the outcomes that do."""
    fitting = ", ".join(OUTCOME_LABELS[e.outcome].lower() for e in endings_from(source))
    label = OUTCOME_LABELS[outcome].lower() if outcome in OUTCOME_LABELS else outcome
    return (
        f"a case at {stage_label(source)} cannot be closed as {label}; "
        f"it may be closed as: {fitting or 'nothing'}"
    )


def decision(source: str, target: str, outcome: str = "") -> Decision | None:
    """The allowed move as a :class:`~defector.policy.Decision` citing its clauses, or
    ``None`` when it is not allowed (see :func:`refusal`)."""
    if target == S.CLOSED:
        ending = ENDINGS_BY_OUTCOME.get(outcome)
        if ending is None or source not in ending.sources:
            return None
        return Decision(allowed=True, clauses=ending.clauses, reason=ending.reason)
    move = transition(source, target)
    if move is None:
        return None
    return Decision(allowed=True, clauses=move.clauses, reason=move.reason)


def needs_reason(source: str, target: str) -> bool:
    move = transition(source, target)
    return move is not None and move.needs_reason


def exploitation_gate(granted: Decision) -> Decision | None:
    """The guard on determination → exploitation (``6b(2)``): ``None`` (no objection) when
    ``granted`` (the latest status determination grants defector status) allows; else a
    refusal that says why."""
    if granted.allowed:
        return None
    return Decision.deny(
        "6b(2)",
        reason=f"a case moves to exploitation only once defector status is granted: "
        f"{granted.reason}",
    )
