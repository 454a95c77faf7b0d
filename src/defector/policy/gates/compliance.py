"""The reminder and escalation ladder of an obligation, and the periods of a recurring one.

Pure: plain values in, plain values out. The compliance app asks :func:`steps_due` which steps
of an open obligation's ladder have come, and :func:`next_period` when the next period of a
recurring obligation (the IDC report, ``6d``: "keep the IDC informed") starts and falls due.

The ladder: a reminder to the owner a lead time before the due time; once overdue, the
committee chair (who owns the local procedures that set the clock, ``6b``), then the senior US
representative (who decides when time does not permit, ``6c``), then the IDC (kept informed,
``6d``), each a configured time after the due time.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum
from typing import Final

from defector.policy.citations import cite


class Step(StrEnum):
    """A step of the ladder, in the order it is climbed."""

    DUE_SOON = "due_soon"
    CHAIR = "chair"
    SENIOR = "senior"
    IDC = "idc"


#: The clause each step answers to.
STEP_CLAUSES: Final[dict[Step, str]] = {
    Step.DUE_SOON: "6e",
    Step.CHAIR: "6b",
    Step.SENIOR: "6c",
    Step.IDC: "6d",
}
for _clause in STEP_CLAUSES.values():
    cite(_clause)

#: The overdue steps, in order.
OVERDUE_STEPS: Final = (Step.CHAIR, Step.SENIOR, Step.IDC)


@dataclass(frozen=True, slots=True)
class Ladder:
    """The lead time of the due-soon reminder, and how long after the due time each overdue
    step comes."""

    lead: dt.timedelta
    chair: dt.timedelta
    senior: dt.timedelta
    idc: dt.timedelta

    def __post_init__(self) -> None:
        if min(self.lead, self.chair, self.senior, self.idc) < dt.timedelta(0):
            raise ValueError("the times of a ladder must not be negative")
        if not self.chair <= self.senior <= self.idc:
            raise ValueError("the ladder climbs: chair, then senior representative, then IDC")

    def after_due(self, step: Step) -> dt.timedelta:
        """How long after the due time an overdue step comes."""
        return {Step.CHAIR: self.chair, Step.SENIOR: self.senior, Step.IDC: self.idc}[step]


#: The installation's ladder unless the settings say otherwise: a reminder two days ahead;
#: the chair at once, the senior representative after three days, the IDC after a week.
DEFAULT_LADDER: Final = Ladder(
    lead=dt.timedelta(days=2),
    chair=dt.timedelta(0),
    senior=dt.timedelta(days=3),
    idc=dt.timedelta(days=7),
)
#: Threat information runs on minutes (``6b(3)(a)``: "immediate priority"), so its ladder does.
THREAT_LADDER: Final = Ladder(
    lead=dt.timedelta(minutes=5),
    chair=dt.timedelta(0),
    senior=dt.timedelta(minutes=15),
    idc=dt.timedelta(minutes=30),
)


def steps_due(
    *, arose_at: dt.datetime, due_at: dt.datetime | None, now: dt.datetime, ladder: Ladder
) -> tuple[Step, ...]:
    """The steps of the ladder that have come for an open obligation at ``now``.

    Until the due time: the due-soon reminder once ``now`` is within the lead time, the lead
    being at most half the clock (a 15-minute clock is not "due soon" from its first
    second). Once past the due time (overdue, as on the case page): each overdue step whose
    time has come (several at once when nobody ran the sweep meanwhile), and no due-soon
    reminder any more. No clock, no step.
    """
    if due_at is None:
        return ()
    if now <= due_at:
        lead = min(ladder.lead, max(due_at - arose_at, dt.timedelta(0)) / 2)
        return (Step.DUE_SOON,) if now >= due_at - lead else ()
    late = now - due_at
    return tuple(step for step in OVERDUE_STEPS if late >= ladder.after_due(step))


@dataclass(frozen=True, slots=True)
class Period:
    """When a period of a recurring obligation starts and falls due."""

    number: int
    starts_at: dt.datetime
    due_at: dt.datetime


def next_period(
    *,
    number: int,
    due_at: dt.datetime,
    closed_at: dt.datetime | None,
    every: dt.timedelta,
) -> Period:
    """The period after period ``number`` (due at ``due_at``; discharged or set aside at
    ``closed_at``, or still open): it starts when that one was discharged, or when its period
    passed if sooner or still open, and is due ``every`` later (``6d``: the IDC informed every
    so many days, counted from the last report)."""
    if every <= dt.timedelta(0):
        raise ValueError("a recurring obligation's period must be positive")
    start = due_at if closed_at is None else min(closed_at, due_at)
    return Period(number + 1, start, start + every)
