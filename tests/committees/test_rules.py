"""The committee's pure rules (``committees.rules``), as tables: quarters, the quarterly
meeting rule and the minutes clock (``6a``), required sections and approvals (``6b``), and
re-briefings (``7b``). Every time is an argument: no clock is patched."""

from __future__ import annotations

import ast
import datetime as dt
from pathlib import Path

import pytest

from defector.policy.gates import committees as rules
from defector.policy.gates.committees import Quarter

UTC = dt.UTC
D = dt.date


def test_the_rules_module_imports_no_framework_and_reads_no_clock() -> None:
    source = Path(rules.__file__).read_text(encoding="utf-8")
    tree = ast.parse(source)
    imported = {
        alias.name.split(".")[0]
        for node in ast.walk(tree)
        if isinstance(node, ast.Import)
        for alias in node.names
    } | {
        (node.module or "").split(".")[0]
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom)
    }
    assert "django" not in imported
    assert {"os", "time", "pathlib"}.isdisjoint(imported)
    attributes = {node.attr for node in ast.walk(tree) if isinstance(node, ast.Attribute)}
    assert {"now", "today", "utcnow", "localdate"}.isdisjoint(attributes)
    assert "from defector.policy" in source  # its only project import


@pytest.mark.parametrize(
    ("day", "quarter"),
    [
        (D(2026, 1, 1), Quarter(2026, 1)),
        (D(2026, 3, 31), Quarter(2026, 1)),
        (D(2026, 4, 1), Quarter(2026, 2)),
        (D(2026, 6, 30), Quarter(2026, 2)),
        (D(2026, 7, 1), Quarter(2026, 3)),
        (D(2026, 9, 30), Quarter(2026, 3)),
        (D(2026, 10, 1), Quarter(2026, 4)),
        (D(2026, 12, 31), Quarter(2026, 4)),
        (D(1976, 5, 18), Quarter(1976, 2)),
    ],
    ids=lambda value: str(value),
)
def test_quarter_of_a_day(day: dt.date, quarter: Quarter) -> None:
    assert rules.quarter_of(day) == quarter
    assert quarter.first_day <= day <= quarter.last_day


def test_a_quarter_knows_its_days_and_neighbours() -> None:
    q4 = Quarter(2025, 4)
    assert (q4.first_day, q4.last_day, q4.label) == (D(2025, 10, 1), D(2025, 12, 31), "Q4 2025")
    assert q4.next() == Quarter(2026, 1)
    assert Quarter(2026, 1).previous() == q4
    assert Quarter(2024, 1).last_day == D(2024, 3, 31)
    with pytest.raises(ValueError, match="1 to 4"):
        Quarter(2026, 5)


@pytest.mark.parametrize(
    ("meetings", "start", "end", "missing"),
    [
        pytest.param(
            [], D(2026, 1, 1), D(2026, 3, 30), [], id="a quarter not yet over is never missing"
        ),
        pytest.param(
            [],
            D(2026, 1, 1),
            D(2026, 3, 31),
            [Quarter(2026, 1)],
            id="a quarter without a meeting is missing on its last day",
        ),
        pytest.param(
            [D(2026, 2, 10)],
            D(2026, 1, 1),
            D(2026, 6, 30),
            [Quarter(2026, 2)],
            id="a quarter with a meeting and one without",
        ),
        pytest.param(
            [D(2026, 3, 31)],
            D(2026, 1, 1),
            D(2026, 4, 1),
            [],
            id="a meeting on the last day of a quarter counts for it",
        ),
        pytest.param(
            [D(2026, 3, 31)],
            D(2026, 1, 1),
            D(2026, 6, 30),
            [Quarter(2026, 2)],
            id="a meeting on the last day of a quarter does not count for the next",
        ),
        pytest.param(
            [D(2026, 4, 1)],
            D(2026, 1, 1),
            D(2026, 6, 30),
            [Quarter(2026, 1)],
            id="a meeting on the first day of a quarter does not count for the one before",
        ),
        pytest.param(
            [],
            D(2026, 2, 15),
            D(2026, 6, 30),
            [Quarter(2026, 2)],
            id="the quarter the committee was established in is not counted",
        ),
        pytest.param(
            [D(2025, 11, 1), D(2026, 5, 2)],
            D(2025, 10, 1),
            D(2026, 12, 31),
            [Quarter(2026, 1), Quarter(2026, 3), Quarter(2026, 4)],
            id="several missing quarters across a year",
        ),
        pytest.param(
            [D(2026, 1, 5), D(2026, 1, 6)],
            D(2026, 1, 1),
            D(2026, 3, 31),
            [],
            id="two meetings in one quarter",
        ),
    ],
)
def test_the_quarterly_rule(
    meetings: list[dt.date], start: dt.date, end: dt.date, missing: list[Quarter]
) -> None:
    check = rules.missing_quarters(meetings, start, end)
    assert list(check.missing) == missing
    assert check.decision.clauses == ("6a",)
    assert check.compliant == (not missing)
    for quarter in missing:
        assert quarter.label in check.decision.reason


def test_a_current_quarter_without_a_meeting_is_due() -> None:
    due = rules.meeting_due_this_quarter([], [], D(2026, 5, 1))
    assert not due.allowed
    assert due.clauses == ("6a",)
    assert "Q2 2026" in due.reason
    assert rules.meeting_due_this_quarter([D(2026, 4, 2)], [], D(2026, 5, 1)).allowed
    assert rules.meeting_due_this_quarter([], [D(2026, 6, 2)], D(2026, 5, 1)).allowed
    # A scheduled meeting already past (and not held) does not count.
    assert not rules.meeting_due_this_quarter([], [D(2026, 4, 2)], D(2026, 5, 1)).allowed


HELD = dt.datetime(2026, 3, 5, 12, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("forwarded", "now", "overdue", "late", "allowed"),
    [
        pytest.param(None, HELD + dt.timedelta(days=13), False, False, True, id="not yet due"),
        pytest.param(
            None, HELD + dt.timedelta(days=14), False, False, True, id="due this very moment"
        ),
        pytest.param(
            None,
            HELD + dt.timedelta(days=14, seconds=1),
            True,
            False,
            False,
            id="overdue a second after",
        ),
        pytest.param(
            HELD + dt.timedelta(days=3),
            HELD + dt.timedelta(days=40),
            False,
            False,
            True,
            id="forwarded in time",
        ),
        pytest.param(
            HELD + dt.timedelta(days=20),
            HELD + dt.timedelta(days=40),
            False,
            True,
            False,
            id="forwarded late",
        ),
    ],
)
def test_the_minutes_clock(
    forwarded: dt.datetime | None, now: dt.datetime, overdue: bool, late: bool, allowed: bool
) -> None:
    check = rules.minutes_overdue(HELD, forwarded, 14, now)
    assert check.due_at == HELD + dt.timedelta(days=14)
    assert (check.overdue, check.late, check.decision.allowed) == (overdue, late, allowed)
    assert check.decision.clauses == ("6a",)


def test_the_minutes_clock_refuses_naive_times() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        rules.minutes_overdue(dt.datetime(2026, 3, 5), None, 14, HELD)  # noqa: DTZ001


COMPLETE = {key: f"What the post does for {key}." for key in rules.REQUIRED_SECTIONS}


@pytest.mark.parametrize(
    ("removed", "missing"),
    [
        pytest.param((), (), id="every section written"),
        pytest.param(("6b(3)(b)",), ("6b(3)(b)",), id="bona fides missing"),
        pytest.param(("6b(1)", "6b(3)(d)"), ("6b(1)", "6b(3)(d)"), id="two missing, in order"),
    ],
)
def test_required_sections(removed: tuple[str, ...], missing: tuple[str, ...]) -> None:
    sections = {k: v for k, v in COMPLETE.items() if k not in removed}
    check = rules.missing_sections(sections)
    assert check.missing == missing
    assert check.decision.allowed == (not missing)
    assert check.decision.clauses == (missing or ("6b",))


def test_a_blank_section_is_missing() -> None:
    check = rules.missing_sections({**COMPLETE, "6b(2)": "   \n"})
    assert check.missing == ("6b(2)",)
    assert "6b(2)" in check.decision.reason


@pytest.mark.parametrize(
    ("chair", "senior", "allowed", "waiting"),
    [
        (False, False, False, "the committee chair and the senior US representative"),
        (True, False, False, "the senior US representative"),
        (False, True, False, "the committee chair"),
        (True, True, True, ""),
    ],
)
def test_both_approvals_make_a_version_effective(
    chair: bool, senior: bool, allowed: bool, waiting: str
) -> None:
    decision = rules.may_become_effective(COMPLETE, chair, senior)
    assert decision.allowed == allowed
    assert waiting in decision.reason
    assert decision.clauses == ("6b",)


def test_a_version_missing_a_section_cannot_become_effective_even_when_approved() -> None:
    decision = rules.may_become_effective({**COMPLETE, "6b(3)(c)": ""}, True, True)
    assert not decision.allowed
    assert decision.clauses == ("6b(3)(c)",)


@pytest.mark.parametrize(
    ("values", "problems"),
    [
        (dict(rules.DEFAULT_CLOCKS), []),
        ({**rules.DEFAULT_CLOCKS, "bona_fides_days": 0}, ["bona_fides_days"]),
        (
            {**rules.DEFAULT_CLOCKS, "threat_dissemination_minutes": "15"},
            ["threat_dissemination_minutes"],
        ),
        ({**rules.DEFAULT_CLOCKS, "minutes_forwarding_days": True}, ["minutes_forwarding_days"]),
        ({}, list(rules.DEFAULT_CLOCKS)),
    ],
    ids=["defaults", "zero days", "text", "a boolean", "none given"],
)
def test_clock_values(values: dict[str, object], problems: list[str]) -> None:
    assert [field for field, _ in rules.clock_problems(values)] == problems


@pytest.mark.parametrize(
    ("last", "today", "overdue", "due_on"),
    [
        (None, D(2026, 1, 10), True, D(2026, 1, 10)),
        (D(2025, 1, 10), D(2026, 1, 10), False, D(2026, 1, 10)),
        (D(2025, 1, 10), D(2026, 1, 11), True, D(2026, 1, 10)),
    ],
    ids=["never briefed: due at once", "due today: not yet missed", "a day past the interval"],
)
def test_rebriefing(last: dt.date | None, today: dt.date, overdue: bool, due_on: dt.date) -> None:
    check = rules.rebriefing_due(last, D(2026, 1, 10), 365, today)
    assert (check.overdue, check.due_on) == (overdue, due_on)
    assert check.decision.clauses == ("7b",)
