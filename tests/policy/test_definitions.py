"""The definitions of ``2a``-``2f``, each condition both ways (``contracts/assessment.md``, Rules).

Every table maps a sentence (the test id) to the facts that differ from the defaults (a national
of the USSR in Austria on 1980-01-01) and to whether the category holds. The definitions hold
whatever the scope, so a few rows sit in the US or before the directive took effect.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from defector import policy

Outcome = Callable[..., policy.Outcome]

ESCAPED = {"escaped_control": True, "special_value": ["information"]}
POTENTIAL = {"dissatisfied": True, "susceptible": True, "special_value": ["operational"]}
DISAFFECTED = {**POTENTIAL, "willing_to_defect": True}
WALK_IN = {**DISAFFECTED, "at_us_installation": True, "requests": ["asylum"]}
REFUGEE = {"unwilling_to_return": True, "persecution_grounds": ["political_opinion"]}


def table(rows: dict[str, tuple[dict[str, Any], bool]]) -> Any:
    """Parametrize ``overrides, holds`` from ``{sentence: (overrides, holds)}``."""
    return pytest.mark.parametrize(
        ("overrides", "holds"), list(rows.values()), ids=list(rows.keys())
    )


DEFECTOR_ROWS = {
    "a 2a national who escaped control with information is a defector": (ESCAPED, True),
    "a 2a national outside and unwilling to return with special value is a defector": (
        {"unwilling_to_return": True, "special_value": ["psychological"]},
        True,
    ),
    "operational value alone is special value": (
        {"escaped_control": True, "special_value": ["operational"]},
        True,
    ),
    "psychological value alone is special value": (
        {"escaped_control": True, "special_value": ["psychological"]},
        True,
    ),
    "every ground of special value together still makes a defector": (
        {
            "escaped_control": True,
            "special_value": ["information", "operational", "psychological"],
        },
        True,
    ),
    "a national of any 2a country among several nationalities is covered": (
        {**ESCAPED, "nationalities": ["FR", "PL"], "location": "AT"},
        True,
    ),
    "a non-2a national brought in by a DCI extension can be a defector": (
        {**ESCAPED, "nationalities": ["FR"], "dci_extension": True},
        True,
    ),
    "a non-2a national without a DCI extension is never a defector": (
        {**ESCAPED, "nationalities": ["FR"]},
        False,
    ),
    "a Russian Federation national (not the USSR) is not a 2a national": (
        {**ESCAPED, "nationalities": ["RU"], "as_of": "2000-01-01"},
        False,
    ),
    "a person who neither escaped nor refused to return is not a defector": (
        {"special_value": ["information"]},
        False,
    ),
    "unwilling to return while still in their own country is not a defector": (
        {"unwilling_to_return": True, "special_value": ["information"], "location": "SU"},
        False,
    ),
    "a dual national in their other country of nationality is not outside": (
        {
            "unwilling_to_return": True,
            "special_value": ["information"],
            "nationalities": ["SU", "AT"],
            "location": "AT",
        },
        False,
    ),
    "outside their country but not unwilling to return is not a defector": (
        {"special_value": ["information"], "location": "AT"},
        False,
    ),
    "escaped control without special value is not a defector": (
        {"escaped_control": True},
        False,
    ),
    "outside and unwilling without special value is not a defector": (
        {"unwilling_to_return": True},
        False,
    ),
    "escaped control counts even while still in their own country": (
        {**ESCAPED, "location": "SU"},
        True,
    ),
    "a defector in the United States is still a defector (definitions ignore scope)": (
        {**ESCAPED, "location": "US"},
        True,
    ),
    "a defector before the directive took effect is still a defector": (
        {**ESCAPED, "as_of": "1970-01-01"},
        True,
    ),
    "a defector in an active war theater is still a defector": (
        {**ESCAPED, "active_war_theater": True},
        True,
    ),
}


@table(DEFECTOR_ROWS)
def test_defector_2a(outcome: Outcome, overrides: dict[str, Any], holds: bool) -> None:
    result = outcome(**overrides)
    assert ("defector" in result.categories) is holds
    assert result.finding("2a").holds is holds


POTENTIAL_ROWS = {
    "covered, dissatisfied, susceptible and of special value is a potential defector": (
        POTENTIAL,
        True,
    ),
    "a non-2a national is not a potential defector": (
        {**POTENTIAL, "nationalities": ["FR"]},
        False,
    ),
    "a DCI extension makes a non-2a national a potential defector": (
        {**POTENTIAL, "nationalities": ["FR"], "dci_extension": True},
        True,
    ),
    "someone not dissatisfied is not a potential defector": (
        {**POTENTIAL, "dissatisfied": False},
        False,
    ),
    "someone not susceptible is not a potential defector": (
        {**POTENTIAL, "susceptible": False},
        False,
    ),
    "someone of no special value is not a potential defector": (
        {**POTENTIAL, "special_value": []},
        False,
    ),
    "a potential defector still at home is a potential defector": (
        {**POTENTIAL, "location": "SU"},
        True,
    ),
    "a potential defector who also escaped control is still a potential defector": (
        {**POTENTIAL, "escaped_control": True},
        True,
    ),
}


@table(POTENTIAL_ROWS)
def test_potential_defector_2c(outcome: Outcome, overrides: dict[str, Any], holds: bool) -> None:
    result = outcome(**overrides)
    assert ("potential_defector" in result.categories) is holds
    assert result.finding("2c").holds is holds


DISAFFECTED_ROWS = {
    "a potential defector who indicated willingness to defect is disaffected": (
        DISAFFECTED,
        True,
    ),
    "willingness after an inducement also makes a disaffected person": (
        {**DISAFFECTED, "induced": True},
        True,
    ),
    "a potential defector who has not indicated willingness is not disaffected": (
        POTENTIAL,
        False,
    ),
    "an inducement without indicated willingness is not disaffected": (
        {**POTENTIAL, "induced": True},
        False,
    ),
    "willingness without being a potential defector is not disaffected": (
        {"willing_to_defect": True, "special_value": ["information"]},
        False,
    ),
    "a willing non-2a national without a DCI extension is not disaffected": (
        {**DISAFFECTED, "nationalities": ["FR"]},
        False,
    ),
    "a willing non-2a national with a DCI extension is disaffected": (
        {**DISAFFECTED, "nationalities": ["FR"], "dci_extension": True},
        True,
    ),
}


@table(DISAFFECTED_ROWS)
def test_disaffected_person_2d(outcome: Outcome, overrides: dict[str, Any], holds: bool) -> None:
    result = outcome(**overrides)
    assert ("disaffected_person" in result.categories) is holds
    assert result.finding("2d").holds is holds


WALK_IN_ROWS = {
    "a disaffected person asking a US installation abroad for asylum is a walk-in": (
        WALK_IN,
        True,
    ),
    "asking for escape assistance is enough for a walk-in": (
        {**WALK_IN, "requests": ["escape_assistance"]},
        True,
    ),
    "asking for both asylum and escape assistance is a walk-in": (
        {**WALK_IN, "requests": ["escape_assistance", "asylum"]},
        True,
    ),
    "a walk-in at a US installation in their own country is a walk-in": (
        {**WALK_IN, "location": "SU"},
        True,
    ),
    "a walk-in without a request is not a walk-in": (
        {**WALK_IN, "requests": []},
        False,
    ),
    "a disaffected person who did not come to a US installation is not a walk-in": (
        {**WALK_IN, "at_us_installation": False},
        False,
    ),
    "a walk-in who is not disaffected is not a walk-in": (
        {**WALK_IN, "willing_to_defect": False},
        False,
    ),
    "a walk-in who is not a potential defector is not a walk-in": (
        {**WALK_IN, "susceptible": False},
        False,
    ),
    "a walk-in in the United States is not a walk-in": (
        {**WALK_IN, "location": "US"},
        False,
    ),
    "a walk-in in Puerto Rico is not a walk-in": (
        {**WALK_IN, "location": "PR"},
        False,
    ),
    "a walk-in in Guam is not a walk-in": (
        {**WALK_IN, "location": "GU"},
        False,
    ),
    "a walk-in in the Panama Canal Zone on 1979-09-30 is not a walk-in": (
        {**WALK_IN, "location": "PZ", "as_of": "1979-09-30"},
        False,
    ),
    "a walk-in in the former Canal Zone on 1979-10-01 is abroad and a walk-in": (
        {**WALK_IN, "location": "PZ", "as_of": "1979-10-01"},
        True,
    ),
    "a walk-in in the Trust Territory in 1980 is in a US possession, not a walk-in": (
        {**WALK_IN, "location": "PC", "as_of": "1980-01-01"},
        False,
    ),
    "a walk-in in the former Trust Territory in 1995 is abroad and a walk-in": (
        {**WALK_IN, "location": "PC", "as_of": "1995-01-01"},
        True,
    ),
}


@table(WALK_IN_ROWS)
def test_walk_in_2e(outcome: Outcome, overrides: dict[str, Any], holds: bool) -> None:
    result = outcome(**overrides)
    assert ("walk_in" in result.categories) is holds
    assert result.finding("2e").holds is holds


REFUGEE_ROWS = {
    "outside home, unwilling, fearing persecution, no other protection is a refugee": (
        REFUGEE,
        True,
    ),
    "a refugee need not be a 2a national": (
        {**REFUGEE, "nationalities": ["IR"], "location": "TR", "as_of": "2000-01-01"},
        True,
    ),
    "a person in their country of nationality is not a refugee": (
        {**REFUGEE, "location": "SU"},
        False,
    ),
    "a dual national in their other country of nationality is not a refugee": (
        {**REFUGEE, "nationalities": ["SU", "AT"], "location": "AT"},
        False,
    ),
    "a person in their country of habitual residence is not a refugee": (
        {**REFUGEE, "habitual_residence": "AT", "location": "AT"},
        False,
    ),
    "a person away from both nationality and habitual residence can be a refugee": (
        {**REFUGEE, "habitual_residence": "DE", "location": "AT"},
        True,
    ),
    "a person who is not unwilling to return is not a refugee": (
        {**REFUGEE, "unwilling_to_return": False},
        False,
    ),
    "a person without a ground of persecution is not a refugee": (
        {**REFUGEE, "persecution_grounds": []},
        False,
    ),
    "a person with another citizenship is not a refugee": (
        {**REFUGEE, "other_citizenship": True},
        False,
    ),
    "a person with resident status where domiciled is not a refugee": (
        {**REFUGEE, "resident_status": True},
        False,
    ),
    "a defector is not a refugee": (
        {**REFUGEE, "special_value": ["information"]},
        False,
    ),
    "an escaped defector fearing persecution is not a refugee": (
        {**REFUGEE, "escaped_control": True, "special_value": ["operational"]},
        False,
    ),
    "a refugee in the United States is still a refugee (definitions ignore scope)": (
        {**REFUGEE, "location": "US"},
        True,
    ),
    **{
        f"fear of persecution for {ground.replace('_', ' ')} is a ground": (
            {**REFUGEE, "persecution_grounds": [ground]},
            True,
        )
        for ground in ("race", "religion", "nationality", "social_group", "political_opinion")
    },
}


@table(REFUGEE_ROWS)
def test_refugee_2f(outcome: Outcome, overrides: dict[str, Any], holds: bool) -> None:
    result = outcome(**overrides)
    assert ("refugee" in result.categories) is holds
    assert result.finding("2f").holds is holds


INDUCEMENT_ROWS = {
    "a defector": ESCAPED,
    "a potential defector": POTENTIAL,
    "a disaffected person": DISAFFECTED,
    "a walk-in": WALK_IN,
    "a refugee": REFUGEE,
    "nobody in particular": {},
}


@pytest.mark.parametrize(
    "overrides",
    list(INDUCEMENT_ROWS.values()),
    ids=[f"an inducement changes nothing for {who}" for who in INDUCEMENT_ROWS],
)
def test_an_inducement_is_recorded_but_changes_no_category(
    outcome: Outcome, overrides: dict[str, Any]
) -> None:
    plain = outcome(**{**overrides, "willing_to_defect": True, "induced": False})
    induced = outcome(**{**overrides, "willing_to_defect": True, "induced": True})
    assert induced.categories == plain.categories
    assert induced.obligations == plain.obligations
    assert induced.finding("2b").holds is True
    assert plain.finding("2b").holds is False


def test_the_contract_example_finding_reads_as_in_the_contract(outcome: Outcome) -> None:
    result = outcome(escaped_control=True, special_value=["information"])
    assert result.finding("2a").to_dict() == {
        "clause": "2a",
        "holds": True,
        "because": "national of SU; escaped control; special value: information",
    }


EVERY_CATEGORY = {
    **WALK_IN,
    "unwilling_to_return": True,
    "special_value": ["information"],
}


@pytest.mark.parametrize(
    "clause",
    ["1", "2a", "2c", "2d", "2e", "2f", "3"],
    ids=lambda clause: f"clause {clause} has a finding with a one-line reason",
)
@pytest.mark.parametrize(
    "overrides",
    [EVERY_CATEGORY, REFUGEE, {}, {"location": "US", "as_of": "1970-01-01"}],
    ids=["when it holds for a walk-in", "for a refugee", "for nobody", "out of scope"],
)
def test_every_evaluated_clause_has_a_finding(
    outcome: Outcome, overrides: dict[str, Any], clause: str
) -> None:
    found = [f for f in outcome(**overrides).to_dict()["findings"] if f["clause"] == clause]
    assert len(found) == 1, f"expected one finding for {clause}, got {found}"
    finding = found[0]
    assert set(finding) == {"clause", "holds", "because"}
    assert isinstance(finding["holds"], bool)
    assert isinstance(finding["because"], str)
    assert finding["because"].strip()
    assert "\n" not in finding["because"]


@pytest.mark.parametrize(
    ("overrides", "clause", "holds"),
    [
        (EVERY_CATEGORY, "2a", True),
        (EVERY_CATEGORY, "2c", True),
        (EVERY_CATEGORY, "2d", True),
        (EVERY_CATEGORY, "2e", True),
        (EVERY_CATEGORY, "2f", False),
        (REFUGEE, "2f", True),
        (REFUGEE, "2a", False),
        ({"nationalities": ["FR"], "dci_extension": True}, "3", True),
        ({}, "3", False),
        ({}, "1", True),
        ({"location": "US"}, "1", False),
    ],
    ids=[
        "the 2a finding holds for a defector",
        "the 2c finding holds for a potential defector",
        "the 2d finding holds for a disaffected person",
        "the 2e finding holds for a walk-in",
        "the 2f finding does not hold for a defector",
        "the 2f finding holds for a refugee",
        "the 2a finding does not hold for a refugee",
        "the 3 finding holds with a DCI extension",
        "the 3 finding does not hold without a DCI extension",
        "the 1 finding holds abroad in force",
        "the 1 finding does not hold in the United States",
    ],
)
def test_findings_agree_with_the_decision(
    outcome: Outcome, overrides: dict[str, Any], clause: str, holds: bool
) -> None:
    assert outcome(**overrides).finding(clause).holds is holds


def test_every_finding_cites_a_clause_of_the_directive(outcome: Outcome) -> None:
    for finding in outcome(**EVERY_CATEGORY).findings:
        assert finding.clause in policy.CLAUSES
