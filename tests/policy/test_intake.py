"""What an intake needs from the policy: the facts that keep a person from being a walk-in
(``2e``), and the day an intake may be recorded on (``1``: the directive took effect on
18 May 1976). Tables: each row a sentence."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest

from defector import policy
from defector.policy.definitions import WALK_IN_FACTS, walk_in_missing
from defector.policy.gates.cases import intake_date_gate

POTENTIAL = {"dissatisfied": True, "susceptible": True, "special_value": ["operational"]}
DISAFFECTED = {**POTENTIAL, "willing_to_defect": True}
WALK_IN = {**DISAFFECTED, "at_us_installation": True, "requests": ["asylum"]}

MISSING_ROWS: dict[str, tuple[dict[str, Any], tuple[str, ...]]] = {
    "a walk-in lacks nothing": (WALK_IN, ()),
    "a 2a national who only presented themselves lacks the five facts of 2c, 2d and 2e": (
        {"at_us_installation": True},
        ("dissatisfied", "susceptible", "special_value", "willing_to_defect", "requests"),
    ),
    "no fact at all lacks every fact but the nationality and the foreign country": (
        {},
        tuple(name for name in WALK_IN_FACTS if name not in ("nationalities", "location")),
    ),
    "a national of no 2a country lacks the nationality": (
        {**WALK_IN, "nationalities": ["FR"]},
        ("nationalities",),
    ),
    "a DCI extension stands in for a 2a nationality": (
        {**WALK_IN, "nationalities": ["FR"], "dci_extension": True},
        (),
    ),
    "a person in the United States lacks the foreign country": (
        {**WALK_IN, "location": "US"},
        ("location",),
    ),
    "a disaffected person who asked for nothing lacks the request": (
        {**DISAFFECTED, "at_us_installation": True},
        ("requests",),
    ),
    "a disaffected person asking for asylum elsewhere than a US installation lacks it": (
        {**DISAFFECTED, "requests": ["escape_assistance"]},
        ("at_us_installation",),
    ),
}


@pytest.mark.parametrize(
    ("overrides", "missing"), list(MISSING_ROWS.values()), ids=list(MISSING_ROWS)
)
def test_the_facts_missing_for_a_walk_in_are_named_in_the_definition_order(
    facts: Callable[..., policy.Facts], overrides: dict[str, Any], missing: tuple[str, ...]
) -> None:
    given = facts(**overrides)
    assert walk_in_missing(given) == missing
    assert (not missing) is ("walk_in" in policy.assess(given).categories)


TODAY = dt.date(2026, 12, 5)
DATE_ROWS: dict[str, tuple[dt.date, bool, bool, str]] = {
    "today is allowed": (TODAY, False, True, "in force"),
    "the day the directive took effect is allowed": (dt.date(1976, 5, 18), False, True, ""),
    "tomorrow is refused": (dt.date(2026, 12, 6), False, False, "in the future"),
    "tomorrow is refused even when confirmed": (dt.date(2026, 12, 6), True, False, "future"),
    "the day before the directive is refused unless confirmed": (
        dt.date(1976, 5, 17),
        False,
        False,
        "DCID 4/2 was",
    ),
    "the day before the directive is allowed when confirmed": (
        dt.date(1976, 5, 17),
        True,
        True,
        "confirmed",
    ),
    "1970 is refused unconfirmed, naming DCID 4/2": (dt.date(1970, 1, 1), False, False, "4/2"),
    "before DCID 4/2 no directive was in force": (
        dt.date(1950, 1, 1),
        False,
        False,
        "no directive on defectors was",
    ),
}


@pytest.mark.parametrize(
    ("day", "confirmed", "allowed", "says"), list(DATE_ROWS.values()), ids=list(DATE_ROWS)
)
def test_an_intake_day_is_neither_in_the_future_nor_before_the_directive_unconfirmed(
    day: dt.date, confirmed: bool, allowed: bool, says: str
) -> None:
    decision = intake_date_gate(day, today=TODAY, confirmed=confirmed)
    assert decision.allowed is allowed
    assert decision.clauses == ("1",)
    assert says in decision.reason
