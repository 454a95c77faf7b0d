"""The ladder of an obligation (``6b``, ``6c``, ``6d``, ``6e``) and the periods of a recurring
one (``6d``), as tables."""

from __future__ import annotations

import datetime as dt

import pytest

from defector.policy.gates.compliance import (
    DEFAULT_LADDER,
    THREAT_LADDER,
    Ladder,
    Step,
    next_period,
    steps_due,
)

T0 = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)
DAY = dt.timedelta(days=1)
MINUTE = dt.timedelta(minutes=1)
D, C, S, W = Step.DUE_SOON, Step.CHAIR, Step.SENIOR, Step.IDC  # W: Washington


@pytest.mark.parametrize(
    ("clock", "after", "ladder", "expected"),
    [
        (30 * DAY, 27 * DAY, DEFAULT_LADDER, ()),
        (30 * DAY, 28 * DAY, DEFAULT_LADDER, (D,)),
        (30 * DAY, 30 * DAY, DEFAULT_LADDER, (D,)),
        (30 * DAY, 30 * DAY + MINUTE, DEFAULT_LADDER, (C,)),
        (30 * DAY, 33 * DAY, DEFAULT_LADDER, (C, S)),
        (30 * DAY, 37 * DAY, DEFAULT_LADDER, (C, S, W)),
        (2 * DAY, 12 * 60 * MINUTE, DEFAULT_LADDER, ()),
        (2 * DAY, DAY, DEFAULT_LADDER, (D,)),
        (15 * MINUTE, 9 * MINUTE, THREAT_LADDER, ()),
        (15 * MINUTE, 10 * MINUTE, THREAT_LADDER, (D,)),
        (15 * MINUTE, 16 * MINUTE, THREAT_LADDER, (C,)),
        (15 * MINUTE, 30 * MINUTE, THREAT_LADDER, (C, S)),
        (15 * MINUTE, 45 * MINUTE, THREAT_LADDER, (C, S, W)),
    ],
    ids=[
        "30-day clock, 3 days ahead: nothing yet",
        "30-day clock, 2 days ahead: the owner is reminded",
        "at the due time itself: not yet overdue",
        "a minute late: the chair",
        "3 days late: the senior representative too",
        "a week late: the IDC too",
        "2-day clock: not due soon after 12 hours (the lead is at most half the clock)",
        "2-day clock: due soon after a day",
        "threat information, 6 minutes ahead: nothing yet",
        "threat information, 5 minutes ahead: due soon",
        "threat information, a minute late: the chair",
        "threat information, 15 minutes late: the senior representative",
        "threat information, 30 minutes late: the IDC",
    ],
)
def test_the_steps_that_have_come(
    clock: dt.timedelta, after: dt.timedelta, ladder: Ladder, expected: tuple[Step, ...]
) -> None:
    assert steps_due(arose_at=T0, due_at=T0 + clock, now=T0 + after, ladder=ladder) == expected


def test_an_obligation_without_a_clock_has_no_ladder() -> None:
    assert steps_due(arose_at=T0, due_at=None, now=T0 + 400 * DAY, ladder=DEFAULT_LADDER) == ()


@pytest.mark.parametrize(
    ("closed_after", "starts_after"),
    [(None, 30 * DAY), (10 * DAY, 10 * DAY), (40 * DAY, 30 * DAY)],
    ids=[
        "a period that passed: the next starts at its due time",
        "a report made early: the next period runs from the report",
        "a report made late: the next period had started at the due time",
    ],
)
def test_the_next_period(closed_after: dt.timedelta | None, starts_after: dt.timedelta) -> None:
    closed = T0 + closed_after if closed_after is not None else None
    period = next_period(number=1, due_at=T0 + 30 * DAY, closed_at=closed, every=30 * DAY)
    assert period.number == 2
    assert period.starts_at == T0 + starts_after
    assert period.due_at == T0 + starts_after + 30 * DAY


def test_a_ladder_climbs_and_a_period_is_positive() -> None:
    with pytest.raises(ValueError, match="climbs"):
        Ladder(lead=DAY, chair=2 * DAY, senior=DAY, idc=3 * DAY)
    with pytest.raises(ValueError, match="positive"):
        next_period(number=1, due_at=T0, closed_at=None, every=dt.timedelta(0))
