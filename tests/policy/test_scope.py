"""Scope: when the directive is in force, whom it covers, and where it applies (``1``, ``3``).

Rows are facts that differ from the defaults (a national of the USSR in Austria on 1980-01-01).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from defector import policy

Outcome = Callable[..., policy.Outcome]

SECTION_2A = [
    "SU",
    "CN",
    "AL",
    "BG",
    "KH",
    "CU",
    "CS",
    "DD",
    "HU",
    "LA",
    "KP",
    "MN",
    "PL",
    "RO",
    "VN",
    "YU",
]
US_AREAS_ALWAYS = ("US", "PR", "GU", "VI", "AS", "MP", "UM")


IN_FORCE_ROWS = {
    "the day before the effective date the directive is not in force": ("1976-05-17", False),
    "on the effective date 1976-05-18 the directive is in force": ("1976-05-18", True),
    "the day after the effective date the directive is in force": ("1976-05-19", True),
    "under DCID 4/2 in 1960 this directive is not in force": ("1960-01-01", False),
    "before any directive in 1959 it is not in force": ("1959-01-01", False),
    "in 2030 the directive is still in force": ("2030-12-31", True),
}


@pytest.mark.parametrize(
    ("as_of", "in_force"), list(IN_FORCE_ROWS.values()), ids=list(IN_FORCE_ROWS)
)
def test_in_force_from_the_effective_date(outcome: Outcome, as_of: str, in_force: bool) -> None:
    result = outcome(as_of=as_of)
    assert result.in_force is in_force
    assert result.applies is in_force
    assert result.finding("1").holds is in_force


def test_before_the_effective_date_the_reason_names_both_dates(outcome: Outcome) -> None:
    because = outcome(as_of="1976-05-17").finding("1").because
    assert "1976-05-17" in because
    assert "1976-05-18" in because


APPLIES_ROWS: dict[str, tuple[dict[str, Any], bool, bool]] = {
    # sentence: (overrides, covered, applies)
    "a 2a national abroad in force is covered and the directive applies": ({}, True, True),
    "a national of France is not covered and the directive does not apply": (
        {"nationalities": ["FR"]},
        False,
        False,
    ),
    "a DCI extension brings a national of France in": (
        {"nationalities": ["FR"], "dci_extension": True},
        True,
        True,
    ),
    "a DCI extension for a 2a national changes nothing": (
        {"dci_extension": True},
        True,
        True,
    ),
    "one 2a nationality among others is enough to be covered": (
        {"nationalities": ["FR", "HU"], "location": "DE"},
        True,
        True,
    ),
    "a national of the Russian Federation is not a 2a national": (
        {"nationalities": ["RU"], "as_of": "2000-01-01"},
        False,
        False,
    ),
    "a national of Czechia is not a national of Czechoslovakia": (
        {"nationalities": ["CZ"], "as_of": "2000-01-01"},
        False,
        False,
    ),
    "the day before the effective date the directive does not apply": (
        {"as_of": "1976-05-17"},
        True,
        False,
    ),
    "on the effective date the directive applies": ({"as_of": "1976-05-18"}, True, True),
    "in an active war theater the directive does not apply": (
        {"active_war_theater": True},
        True,
        False,
    ),
    "where the President so directs the directive does not apply": (
        {"presidential_exclusion": True},
        True,
        False,
    ),
    "a DCI extension does not override a presidential exclusion": (
        {"nationalities": ["FR"], "dci_extension": True, "presidential_exclusion": True},
        True,
        False,
    ),
    "in the Panama Canal Zone on 1979-09-30 the directive does not apply": (
        {"location": "PZ", "as_of": "1979-09-30"},
        True,
        False,
    ),
    "in the former Canal Zone on 1979-10-01 the directive applies": (
        {"location": "PZ", "as_of": "1979-10-01"},
        True,
        True,
    ),
    "in the Trust Territory of the Pacific Islands in 1980 the directive does not apply": (
        {"location": "PC", "as_of": "1980-01-01"},
        True,
        False,
    ),
    "in the former Trust Territory in 1995 the directive applies": (
        {"location": "PC", "as_of": "1995-01-01"},
        True,
        True,
    ),
    "in Panama (PA) the directive applies": ({"location": "PA"}, True, True),
    "in their own country the directive applies (it is abroad for the US)": (
        {"location": "SU"},
        True,
        True,
    ),
    **{
        f"in {code} (US, its territories or possessions) the directive does not apply": (
            {"location": code},
            True,
            False,
        )
        for code in US_AREAS_ALWAYS
    },
}


@pytest.mark.parametrize(
    ("overrides", "covered", "applies"), list(APPLIES_ROWS.values()), ids=list(APPLIES_ROWS)
)
def test_whether_the_directive_applies(
    outcome: Outcome, overrides: dict[str, Any], covered: bool, applies: bool
) -> None:
    result = outcome(**overrides)
    assert result.covered is covered
    assert result.applies is applies


@pytest.mark.parametrize("code", SECTION_2A, ids=lambda code: f"a national of {code} is covered")
def test_every_2a_country_is_covered(outcome: Outcome, code: str) -> None:
    assert outcome(nationalities=[code], location="AT").covered is True


@pytest.mark.parametrize(
    ("overrides", "holds"),
    [
        ({"nationalities": ["FR"], "dci_extension": True}, True),
        ({"dci_extension": True}, True),
        ({"nationalities": ["FR"]}, False),
        ({}, False),
    ],
    ids=[
        "finding 3 holds when the DCI extends the directive to another national",
        "finding 3 holds when the DCI extension is given for a 2a national",
        "finding 3 does not hold for another national without extension",
        "finding 3 does not hold for a 2a national without extension",
    ],
)
def test_finding_3_records_the_dci_extension(
    outcome: Outcome, overrides: dict[str, Any], holds: bool
) -> None:
    finding = outcome(**overrides).finding("3")
    assert finding.holds is holds
    assert finding.because


FINDING_1_ROWS = {
    "finding 1 holds abroad, in force, with no war or exclusion": ({}, True),
    "finding 1 does not hold in the United States": ({"location": "US"}, False),
    "finding 1 does not hold in an active war theater": ({"active_war_theater": True}, False),
    "finding 1 does not hold under a presidential exclusion": (
        {"presidential_exclusion": True},
        False,
    ),
    "finding 1 does not hold before the effective date": ({"as_of": "1976-05-17"}, False),
    "finding 1 is about place and time, not about coverage": ({"nationalities": ["FR"]}, True),
}


@pytest.mark.parametrize(
    ("overrides", "holds"), list(FINDING_1_ROWS.values()), ids=list(FINDING_1_ROWS)
)
def test_finding_1_is_the_purpose_and_scope(
    outcome: Outcome, overrides: dict[str, Any], holds: bool
) -> None:
    finding = outcome(**overrides).finding("1")
    assert finding.holds is holds
    assert finding.because


@pytest.mark.parametrize(
    ("overrides", "words"),
    [
        ({"location": "US"}, "US"),
        ({"active_war_theater": True}, "war"),
        ({"presidential_exclusion": True}, "President"),
    ],
    ids=[
        "the reason names the US location",
        "the reason names the war theater",
        "the reason names the President",
    ],
)
def test_finding_1_says_why_the_directive_does_not_apply(
    outcome: Outcome, overrides: dict[str, Any], words: str
) -> None:
    assert words in outcome(**overrides).finding("1").because


def test_the_outcome_names_the_directive_and_its_effective_date(outcome: Outcome) -> None:
    body = outcome().to_dict()
    assert body["directive"] == "DCID 4/21"
    assert body["effective"] == "1976-05-18"
    assert list(body) == [
        "directive",
        "effective",
        "in_force",
        "covered",
        "applies",
        "categories",
        "obligations",
        "findings",
    ]
