"""The obligations table (``contracts/assessment.md``): each row arising and not arising.

Rows are facts that differ from the defaults (a national of the USSR in Austria on 1980-01-01,
where the directive applies).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from defector import policy
from support.require import skip_or_fail

Outcome = Callable[..., policy.Outcome]

CONTRACT = Path(__file__).resolve().parents[2].parent / "shared" / "contracts" / "assessment.md"

#: A defector only (escaped, so no recruitment in place; no threat information).
DEFECTOR = {"escaped_control": True, "special_value": ["operational"]}
#: A potential defector only, still under control.
POTENTIAL = {"dissatisfied": True, "susceptible": True, "special_value": ["operational"]}
#: A disaffected person who is neither a walk-in nor a defector.
DISAFFECTED = {**POTENTIAL, "willing_to_defect": True}
DISAFFECTED_WITH_INFORMATION = {**DISAFFECTED, "special_value": ["information"]}
#: A walk-in who is not a defector (still under control, not unwilling to return).
WALK_IN = {**DISAFFECTED, "at_us_installation": True, "requests": ["asylum"]}
REFUGEE = {"unwilling_to_return": True, "persecution_grounds": ["religion"]}
#: Every category but refugee, and every obligation.
EVERYTHING = {
    **WALK_IN,
    "unwilling_to_return": True,
    "special_value": ["information", "psychological"],
    "threat_information": True,
}

OBLIGATION_ROWS: dict[str, tuple[dict[str, Any], str, bool]] = {
    # disseminate_threat_information (6b(3)(a)): threat_information
    "threat information is disseminated even for a person in no category": (
        {"threat_information": True},
        "disseminate_threat_information",
        True,
    ),
    "threat information from a defector is disseminated": (
        {**DEFECTOR, "threat_information": True},
        "disseminate_threat_information",
        True,
    ),
    "without threat information nothing is disseminated": (
        EVERYTHING | {"threat_information": False},
        "disseminate_threat_information",
        False,
    ),
    # secure_reception (6b(1)): walk_in or disaffected_person
    "a walk-in is received securely": (WALK_IN, "secure_reception", True),
    "a disaffected person is received securely": (DISAFFECTED, "secure_reception", True),
    "a defector who is not disaffected needs no secure reception": (
        DEFECTOR,
        "secure_reception",
        False,
    ),
    "a potential defector needs no secure reception": (POTENTIAL, "secure_reception", False),
    # consider_defector_status (6b(2)): defector
    "defector status is considered for a defector": (DEFECTOR, "consider_defector_status", True),
    "defector status is not considered for a walk-in who is no defector": (
        WALK_IN,
        "consider_defector_status",
        False,
    ),
    # political_risk_determination (7a): defector or disaffected_person
    "the political risk of a defector is determined": (
        DEFECTOR,
        "political_risk_determination",
        True,
    ),
    "the political risk of a disaffected person is determined": (
        DISAFFECTED,
        "political_risk_determination",
        True,
    ),
    "no political risk determination for a mere potential defector": (
        POTENTIAL,
        "political_risk_determination",
        False,
    ),
    # establish_bona_fides (6b(3)(b)): defector or walk_in
    "the bona fides of a defector are established": (DEFECTOR, "establish_bona_fides", True),
    "the bona fides of a walk-in are established": (WALK_IN, "establish_bona_fides", True),
    "no bona fides for a disaffected person who is neither walk-in nor defector": (
        DISAFFECTED,
        "establish_bona_fides",
        False,
    ),
    # obtain_voluntary_statement (6b(3)(c)): defector
    "a defector signs a voluntary statement": (DEFECTOR, "obtain_voluntary_statement", True),
    "a walk-in who is no defector signs no statement yet": (
        WALK_IN,
        "obtain_voluntary_statement",
        False,
    ),
    # report_to_idc (6d): defector, or disaffected_person with information
    "the IDC is informed of a defector of operational value only": (
        DEFECTOR,
        "report_to_idc",
        True,
    ),
    "the IDC is informed of a disaffected person with information": (
        DISAFFECTED_WITH_INFORMATION,
        "report_to_idc",
        True,
    ),
    "the IDC is not informed of a disaffected person without information": (
        DISAFFECTED,
        "report_to_idc",
        False,
    ),
    "the IDC is not informed of a potential defector with information": (
        {**POTENTIAL, "special_value": ["information"]},
        "report_to_idc",
        False,
    ),
    # consider_recruitment_in_place (5a(1)): potential_defector and not escaped_control
    "recruitment in place is considered for a potential defector under control": (
        POTENTIAL,
        "consider_recruitment_in_place",
        True,
    ),
    "recruitment in place is not considered for a potential defector who escaped": (
        {**POTENTIAL, "escaped_control": True},
        "consider_recruitment_in_place",
        False,
    ),
    "recruitment in place is not considered for someone who is no potential defector": (
        {"special_value": ["information"], "dissatisfied": True},
        "consider_recruitment_in_place",
        False,
    ),
}


@pytest.mark.parametrize(
    ("overrides", "obligation", "arises"),
    list(OBLIGATION_ROWS.values()),
    ids=list(OBLIGATION_ROWS),
)
def test_each_obligation_arises_only_when_its_row_says(
    outcome: Outcome, overrides: dict[str, Any], obligation: str, arises: bool
) -> None:
    result = outcome(**overrides)
    assert result.applies, "these rows are all within the directive's scope"
    assert (obligation in result.to_dict()["obligations"]) is arises


EXACT_ROWS: dict[str, tuple[dict[str, Any], list[str]]] = {
    "a person in no category has no obligations": ({}, []),
    "a defector only": (
        DEFECTOR,
        [
            "consider_defector_status",
            "political_risk_determination",
            "establish_bona_fides",
            "obtain_voluntary_statement",
            "report_to_idc",
        ],
    ),
    "a potential defector only": (POTENTIAL, ["consider_recruitment_in_place"]),
    "a disaffected person without information": (
        DISAFFECTED,
        ["secure_reception", "political_risk_determination", "consider_recruitment_in_place"],
    ),
    "a walk-in who is no defector": (
        WALK_IN,
        [
            "secure_reception",
            "political_risk_determination",
            "establish_bona_fides",
            "consider_recruitment_in_place",
        ],
    ),
    "a refugee is owed nothing under the directive": (REFUGEE, []),
    "a walk-in defector with threat information has every obligation in table order": (
        EVERYTHING,
        [
            "disseminate_threat_information",
            "secure_reception",
            "consider_defector_status",
            "political_risk_determination",
            "establish_bona_fides",
            "obtain_voluntary_statement",
            "report_to_idc",
            "consider_recruitment_in_place",
        ],
    ),
}


@pytest.mark.parametrize(("overrides", "expected"), list(EXACT_ROWS.values()), ids=list(EXACT_ROWS))
def test_the_obligations_list_for_typical_persons(
    outcome: Outcome, overrides: dict[str, Any], expected: list[str]
) -> None:
    assert outcome(**overrides).to_dict()["obligations"] == expected


def test_all_obligations_come_in_the_contract_table_order(
    outcome: Outcome, obligation_order: tuple[str, ...]
) -> None:
    assert outcome(**EVERYTHING).to_dict()["obligations"] == list(obligation_order)


def test_all_four_categories_come_in_the_contract_order(
    outcome: Outcome, category_order: tuple[str, ...]
) -> None:
    result = outcome(**EVERYTHING)
    assert result.to_dict()["categories"] == list(category_order[:4])


OUT_OF_SCOPE_ROWS = {
    "in the United States nothing is owed": {"location": "US"},
    "in a US territory nothing is owed": {"location": "VI"},
    "in an active war theater nothing is owed": {"active_war_theater": True},
    "under a presidential exclusion nothing is owed": {"presidential_exclusion": True},
    "before the effective date nothing is owed": {"as_of": "1976-05-17"},
    "for a national of another country without a DCI extension nothing is owed": {
        "nationalities": ["FR"]
    },
}


@pytest.mark.parametrize("overrides", list(OUT_OF_SCOPE_ROWS.values()), ids=list(OUT_OF_SCOPE_ROWS))
def test_obligations_are_empty_when_the_directive_does_not_apply(
    outcome: Outcome, overrides: dict[str, Any]
) -> None:
    result = outcome(**EVERYTHING | overrides)
    assert result.applies is False
    assert result.to_dict()["obligations"] == []


def test_a_dci_extension_brings_the_obligations_to_another_national(outcome: Outcome) -> None:
    result = outcome(**EVERYTHING | {"nationalities": ["FR"], "dci_extension": True})
    assert result.applies is True
    assert len(result.obligations) == 8


def test_the_obligations_table_has_the_contract_rows_and_clauses() -> None:
    rows = [(str(rule.identifier), rule.clause) for rule in policy.OBLIGATIONS]
    assert rows == [
        ("disseminate_threat_information", "6b(3)(a)"),
        ("secure_reception", "6b(1)"),
        ("consider_defector_status", "6b(2)"),
        ("political_risk_determination", "7a"),
        ("establish_bona_fides", "6b(3)(b)"),
        ("obtain_voluntary_statement", "6b(3)(c)"),
        ("report_to_idc", "6d"),
        ("consider_recruitment_in_place", "5a(1)"),
    ]
    for rule in policy.OBLIGATIONS:
        assert rule.clause in policy.CLAUSES
        assert rule.title
        assert rule.when


def test_the_orders_used_here_are_those_of_the_contract_file(
    obligation_order: tuple[str, ...], category_order: tuple[str, ...]
) -> None:
    if not CONTRACT.is_file():
        skip_or_fail("shared", f"{CONTRACT} is missing")
    text = CONTRACT.read_text(encoding="utf-8")
    table_rows = re.findall(r"^\| `([a-z_]+)` \| `([0-9a-z()]+)` \|", text, flags=re.MULTILINE)
    assert [identifier for identifier, _ in table_rows] == list(obligation_order)
    assert table_rows == [(str(r.identifier), r.clause) for r in policy.OBLIGATIONS]
    order_line = re.search(
        r"`categories` lists those that hold, in the order:(.*?)\.\n", text, re.S
    )
    assert order_line is not None
    assert re.findall(r"`([a-z_]+)`", order_line.group(1)) == list(category_order)
