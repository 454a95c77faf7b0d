"""The committee's rules as plain functions: no Django, no I/O, no clock.

- ``6a``: a committee meets at least once in every calendar quarter (:func:`missing_quarters`,
  :func:`meeting_due_this_quarter`), and forwards the minutes of a held meeting to the IDC
  within the post's clock (:func:`minutes_overdue`);
- ``6b``: local operating procedures cover ``6b(1)``, ``6b(2)`` and ``6b(3)(a)``-``(d)``
  (:func:`missing_sections`), set the post's clocks (:func:`clock_problems`), and become
  effective only with both approvals (:func:`may_become_effective`);
- ``7b``: officials in contact with disaffected persons are briefed again before the interval
  runs out (:func:`rebriefing_due`).

Every answer carries a :class:`~defector.policy.Decision` citing its clause. Today and now are
arguments: the callers (queries, actions) read the clock, so the tests are tables.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Final

from defector.policy.decisions import Decision

#: The sections every version of the local operating procedures must cover (``6b``), in the
#: directive's order, with what each provides for.
REQUIRED_SECTIONS: Final[dict[str, str]] = {
    "6b(1)": "Secure and expeditious reception and handling of walk-ins and other disaffected "
    "persons",
    "6b(2)": "Defector status considered for everyone who meets the criteria, balancing special "
    "value against political and diplomatic risk",
    "6b(3)(a)": "Information on imminent hostilities or threats to US personnel and "
    "installations procured and disseminated as a matter of immediate priority",
    "6b(3)(b)": "Bona fides established as expeditiously as possible",
    "6b(3)(c)": "Each defector signs a statement that the defection is voluntary and requests "
    "political asylum",
    "6b(3)(d)": "The resources and facilities of all participating US Government organizations "
    "employed as fully as necessary",
}

#: The post's clocks that a version of the procedures sets: (field, label, unit, default,
#: smallest, largest).
CLOCKS: Final[tuple[tuple[str, str, str, int, int, int], ...]] = (
    (
        "threat_dissemination_minutes",
        "Threat information disseminated within",
        "minutes",
        15,
        1,
        1440,
    ),
    ("bona_fides_days", "Bona fides established within", "days", 30, 1, 365),
    ("idc_report_days", "The IDC informed on each defector every", "days", 30, 1, 365),
    ("minutes_forwarding_days", "Minutes forwarded to the IDC within", "days", 14, 1, 90),
    ("reception_hours", "Walk-ins received and taken into assessment within", "hours", 24, 1, 168),
    ("status_consideration_days", "Defector status considered within", "days", 30, 1, 365),
    (
        "political_risk_days",
        "The senior US representative's determination of political risk within",
        "days",
        30,
        1,
        365,
    ),
    ("recruitment_in_place_days", "Recruitment in place considered within", "days", 30, 1, 365),
)
#: The clause each clock serves.
CLOCK_CLAUSES: Final[dict[str, str]] = {
    "threat_dissemination_minutes": "6b(3)(a)",
    "bona_fides_days": "6b(3)(b)",
    "idc_report_days": "6d",
    "minutes_forwarding_days": "6a",
    "reception_hours": "6b(1)",
    "status_consideration_days": "6b(2)",
    "political_risk_days": "7a",
    "recruitment_in_place_days": "5a(1)",
}
DEFAULT_CLOCKS: Final[dict[str, int]] = {name: default for name, _, _, default, _, _ in CLOCKS}

#: Days between two briefings of the same official (``7b``) unless the settings say otherwise.
DEFAULT_REBRIEFING_DAYS: Final = 365


# --- quarters (6a) ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True, order=True)
class Quarter:
    """A calendar quarter: ``Quarter(2026, 1)`` is January to March 2026."""

    year: int
    number: int

    def __post_init__(self) -> None:
        if not 1 <= self.number <= 4:
            raise ValueError(f"a quarter is numbered 1 to 4, not {self.number}")

    @property
    def first_day(self) -> dt.date:
        return dt.date(self.year, 3 * self.number - 2, 1)

    @property
    def last_day(self) -> dt.date:
        return self.next().first_day - dt.timedelta(days=1)

    @property
    def label(self) -> str:
        return f"Q{self.number} {self.year}"

    def next(self) -> Quarter:
        return (
            Quarter(self.year + 1, 1) if self.number == 4 else Quarter(self.year, self.number + 1)
        )

    def previous(self) -> Quarter:
        return (
            Quarter(self.year - 1, 4) if self.number == 1 else Quarter(self.year, self.number - 1)
        )

    def __str__(self) -> str:
        return self.label


def quarter_of(day: dt.date) -> Quarter:
    """The calendar quarter ``day`` falls in."""
    return Quarter(day.year, (day.month - 1) // 3 + 1)


def whole_quarters(start: dt.date, end: dt.date) -> list[Quarter]:
    """The quarters that lie wholly between ``start`` and ``end`` (both days included)."""
    quarters: list[Quarter] = []
    quarter = quarter_of(start)
    if quarter.first_day < start:
        quarter = quarter.next()
    while quarter.last_day <= end:
        quarters.append(quarter)
        quarter = quarter.next()
    return quarters


@dataclass(frozen=True, slots=True)
class QuarterlyCheck:
    """Which quarters went without a held meeting, and the decision citing ``6a``."""

    considered: tuple[Quarter, ...]
    missing: tuple[Quarter, ...]
    decision: Decision

    @property
    def compliant(self) -> bool:
        return self.decision.allowed


def missing_quarters(
    meeting_days: Iterable[dt.date], start: dt.date, end: dt.date
) -> QuarterlyCheck:
    """The quarters lying wholly between ``start`` (the committee's establishment) and ``end``
    (usually today) in which no meeting was held (``6a``: "normally at least once quarterly").

    A quarter not yet over is never missing: a meeting may still be held in it. A meeting on
    the last day of a quarter counts for that quarter.
    """
    considered = whole_quarters(start, end)
    met = {quarter_of(day) for day in meeting_days}
    missing = tuple(quarter for quarter in considered if quarter not in met)
    if missing:
        decision = Decision.deny(
            "6a",
            reason="no meeting was held in "
            + ", ".join(quarter.label for quarter in missing)
            + ": the committee meets at least once quarterly",
        )
    elif considered:
        decision = Decision.allow(
            "6a", reason=f"a meeting was held in each of the {len(considered)} quarter(s)"
        )
    else:
        decision = Decision.allow("6a", reason="no whole quarter has passed yet")
    return QuarterlyCheck(tuple(considered), missing, decision)


def meeting_due_this_quarter(
    meeting_days: Iterable[dt.date], scheduled_days: Iterable[dt.date], today: dt.date
) -> Decision:
    """Whether the current quarter has a meeting held or scheduled (``6a``); a warning only,
    since the quarter is not over."""
    quarter = quarter_of(today)
    if any(quarter_of(day) == quarter for day in meeting_days):
        return Decision.allow("6a", reason=f"a meeting was held in {quarter.label}")
    if any(quarter_of(day) == quarter and day >= today for day in scheduled_days):
        return Decision.allow("6a", reason=f"a meeting is scheduled in {quarter.label}")
    return Decision.deny(
        "6a",
        reason=f"no meeting is held or scheduled in {quarter.label}, which ends on "
        f"{quarter.last_day.isoformat()}",
    )


# --- minutes forwarded to the IDC (6a) --------------------------------------------------------


@dataclass(frozen=True, slots=True)
class MinutesCheck:
    """When the minutes of a held meeting are due at the IDC, and whether they are late."""

    due_at: dt.datetime
    #: Not forwarded, and the due time has passed: a flag.
    overdue: bool
    #: Forwarded, but after the due time.
    late: bool
    decision: Decision


def minutes_overdue(
    held_at: dt.datetime, forwarded_at: dt.datetime | None, days: int, now: dt.datetime
) -> MinutesCheck:
    """The minutes of a meeting held at ``held_at`` are due at the IDC ``days`` days later
    (``6a``; the post's clock). ``now`` and the times are timezone-aware."""
    if held_at.tzinfo is None or now.tzinfo is None:
        raise ValueError("times must be timezone-aware")
    due_at = held_at + dt.timedelta(days=days)
    if forwarded_at is not None:
        late = forwarded_at > due_at
        reason = (
            f"forwarded {(forwarded_at - due_at).days} day(s) after the {days}-day clock ran out"
            if late
            else f"forwarded within the {days}-day clock"
        )
        return MinutesCheck(
            due_at, False, late, Decision(allowed=not late, clauses=("6a",), reason=reason)
        )
    if now > due_at:
        overdue_days = (now - due_at).days
        return MinutesCheck(
            due_at,
            True,
            False,
            Decision.deny(
                "6a",
                reason=f"minutes not forwarded to the IDC {days} day(s) after the meeting"
                + (f" ({overdue_days} day(s) overdue)" if overdue_days else ""),
            ),
        )
    return MinutesCheck(
        due_at,
        False,
        False,
        Decision.allow("6a", reason=f"minutes due at the IDC by {due_at.isoformat()}"),
    )


# --- local operating procedures (6b) ---------------------------------------------------------


@dataclass(frozen=True, slots=True)
class SectionsCheck:
    missing: tuple[str, ...]
    decision: Decision


def _first_lower(text: str) -> str:
    """``text`` inside a sentence: its first letter small, the rest as written ("US")."""
    return text[:1].lower() + text[1:]


def missing_sections(sections: Mapping[str, str]) -> SectionsCheck:
    """The required sections (``6b(1)`` ... ``6b(3)(d)``) missing or empty in ``sections``; the
    decision cites each missing section's clause."""
    missing = tuple(key for key in REQUIRED_SECTIONS if not str(sections.get(key) or "").strip())
    if missing:
        return SectionsCheck(
            missing,
            Decision.deny(
                *missing,
                reason="the procedures do not yet provide for "
                + "; ".join(f"{key} ({_first_lower(REQUIRED_SECTIONS[key])})" for key in missing),
            ),
        )
    return SectionsCheck((), Decision.allow("6b", reason="every required section is written"))


def clock_problems(values: Mapping[str, object]) -> list[tuple[str, str]]:
    """``(field, message)`` for each clock missing, not a whole number, or out of bounds."""
    problems: list[tuple[str, str]] = []
    for name, _, unit, _, low, high in CLOCKS:
        value = values.get(name)
        if isinstance(value, bool) or not isinstance(value, int):
            problems.append((name, f"must be a whole number of {unit}"))
        elif not low <= value <= high:
            problems.append((name, f"must be between {low} and {high} {unit}"))
    return problems


def may_become_effective(
    sections: Mapping[str, str], chair_approved: bool, senior_approved: bool
) -> Decision:
    """A version of the procedures becomes effective when every required section is written
    and both the chair and the senior US representative have approved it (``6b``)."""
    check = missing_sections(sections)
    if not check.decision.allowed:
        return check.decision
    waiting = [
        who
        for who, done in (
            ("the committee chair", chair_approved),
            ("the senior US representative", senior_approved),
        )
        if not done
    ]
    if waiting:
        return Decision.deny("6b", reason="awaiting the approval of " + " and ".join(waiting))
    return Decision.allow(
        "6b", reason="every required section is written and both approvals are recorded"
    )


# --- briefings (7b) --------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class BriefingCheck:
    due_on: dt.date
    overdue: bool
    decision: Decision


def rebriefing_due(
    last_briefed_on: dt.date | None, listed_on: dt.date, interval_days: int, today: dt.date
) -> BriefingCheck:
    """When an official in the ``7b`` register is due for a (re-)briefing: ``interval_days``
    after the last briefing, or at once (the day they were listed) when never briefed."""
    if last_briefed_on is None:
        due_on = listed_on
        overdue = today >= due_on
        reason = "listed in the briefing register and not yet briefed"
    else:
        due_on = last_briefed_on + dt.timedelta(days=interval_days)
        overdue = today > due_on
        reason = (
            f"re-briefing was due on {due_on.isoformat()}"
            if overdue
            else f"next briefing due by {due_on.isoformat()}"
        )
    return BriefingCheck(
        due_on, overdue, Decision(allowed=not overdue, clauses=("7b",), reason=reason)
    )
