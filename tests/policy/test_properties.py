"""Properties of the assessment over generated facts (hypothesis).

The strategy mixes ``2a`` and other nationals, US areas (including the Canal Zone and the Trust
Territory around their end dates) and foreign locations, dates from 1959 to 2030 with the
boundaries weighted in, every boolean, and any subset (with repeats) of the enum lists.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from defector import policy

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
OTHERS = ["FR", "DE", "AT", "GB", "RU", "IR", "TR", "PA", "CZ", "FM", "PW"]
US_AREAS = ["US", "PR", "GU", "VI", "AS", "MP", "UM", "PZ", "PC"]
BOUNDARIES = [
    dt.date(1959, 6, 26),
    dt.date(1976, 5, 17),
    dt.date(1976, 5, 18),
    dt.date(1979, 9, 30),
    dt.date(1979, 10, 1),
    dt.date(1994, 9, 30),
    dt.date(1994, 10, 1),
]
BOOLEANS = (
    "active_war_theater",
    "presidential_exclusion",
    "dci_extension",
    "escaped_control",
    "unwilling_to_return",
    "dissatisfied",
    "susceptible",
    "willing_to_defect",
    "induced",
    "at_us_installation",
    "other_citizenship",
    "resident_status",
    "threat_information",
)
ENUM_LISTS = {
    "special_value": ["information", "operational", "psychological"],
    "requests": ["asylum", "escape_assistance"],
    "persecution_grounds": ["race", "religion", "nationality", "social_group", "political_opinion"],
}
CATEGORY_ORDER = ["defector", "potential_defector", "disaffected_person", "walk_in", "refugee"]
OBLIGATION_ORDER = [
    "disseminate_threat_information",
    "secure_reception",
    "consider_defector_status",
    "political_risk_determination",
    "establish_bona_fides",
    "obtain_voluntary_statement",
    "report_to_idc",
    "consider_recruitment_in_place",
]
TODAY = dt.date(2000, 1, 1)

countries = st.sampled_from(SECTION_2A + OTHERS + US_AREAS)
days = st.one_of(
    st.sampled_from(BOUNDARIES),
    st.dates(min_value=dt.date(1959, 1, 1), max_value=dt.date(2030, 12, 31)),
)


@st.composite
def raw_facts(draw: st.DrawFn, *, with_residence: bool | None = None) -> dict[str, Any]:
    """A valid JSON facts object. ``with_residence`` forces habitual_residence in or out."""
    nationalities = draw(
        st.lists(st.sampled_from(SECTION_2A + OTHERS + ["PR"]), min_size=1, max_size=3)
    )
    location = draw(st.one_of(st.sampled_from(US_AREAS), countries, st.sampled_from(nationalities)))
    data: dict[str, Any] = {"nationalities": nationalities, "location": location}
    if draw(st.booleans()):
        data["as_of"] = draw(days).isoformat()
    give_residence = draw(st.booleans()) if with_residence is None else with_residence
    if give_residence:
        data["habitual_residence"] = draw(st.one_of(countries, st.just(location)))
    for name in BOOLEANS:
        value = draw(st.sampled_from([None, False, True]))
        if value is not None:
            data[name] = value
    for name, values in ENUM_LISTS.items():
        if draw(st.booleans()):
            data[name] = draw(st.lists(st.sampled_from(values), max_size=len(values) + 1))
    return data


def parse(data: dict[str, Any]) -> policy.Facts:
    return policy.parse_facts(data, today=TODAY)


facts = raw_facts().map(parse)

PROPERTY = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@PROPERTY
@given(facts)
def test_a_walk_in_is_disaffected_and_a_disaffected_person_is_a_potential_defector(
    facts: policy.Facts,
) -> None:
    categories = set(policy.assess(facts).to_dict()["categories"])
    if "walk_in" in categories:
        assert "disaffected_person" in categories
    if "disaffected_person" in categories:
        assert "potential_defector" in categories


@PROPERTY
@given(facts)
def test_a_refugee_is_never_a_defector(facts: policy.Facts) -> None:
    categories = policy.assess(facts).to_dict()["categories"]
    assert not ("refugee" in categories and "defector" in categories)


@PROPERTY
@given(facts)
def test_the_directive_applies_only_in_force_and_to_covered_persons(facts: policy.Facts) -> None:
    outcome = policy.assess(facts)
    if outcome.applies:
        assert outcome.in_force
        assert outcome.covered
        assert not facts.active_war_theater
        assert not facts.presidential_exclusion


@PROPERTY
@given(facts)
def test_obligations_are_empty_unless_the_directive_applies(facts: policy.Facts) -> None:
    outcome = policy.assess(facts)
    if not outcome.applies:
        assert outcome.to_dict()["obligations"] == []


@PROPERTY
@given(facts)
def test_categories_and_obligations_come_in_contract_order_without_repeats(
    facts: policy.Facts,
) -> None:
    body = policy.assess(facts).to_dict()
    assert body["categories"] == [c for c in CATEGORY_ORDER if c in body["categories"]]
    assert body["obligations"] == [o for o in OBLIGATION_ORDER if o in body["obligations"]]


@PROPERTY
@given(facts)
def test_the_required_findings_are_always_there_with_a_reason(facts: policy.Facts) -> None:
    findings = policy.assess(facts).to_dict()["findings"]
    clauses = [finding["clause"] for finding in findings]
    assert {"1", "2a", "2c", "2d", "2e", "2f", "3"} <= set(clauses)
    assert len(clauses) == len(set(clauses))
    for finding in findings:
        assert finding["because"].strip()
        assert "\n" not in finding["because"]
        assert finding["clause"] in policy.CLAUSES


def _contract_in_us(code: str, day: dt.date) -> bool:
    if code == "PZ":
        return day <= dt.date(1979, 9, 30)
    if code == "PC":
        return dt.date(1947, 7, 18) <= day <= dt.date(1994, 9, 30)
    return code in {"US", "PR", "GU", "VI", "AS", "MP", "UM"}


def contract_rules(data: dict[str, Any]) -> dict[str, Any]:
    """The contract's Rules section, written out again from its text as an oracle."""
    g = {name: data.get(name, False) for name in BOOLEANS}
    special = data.get("special_value", [])
    nationalities = data["nationalities"]
    location = data["location"]
    as_of = dt.date.fromisoformat(data.get("as_of", TODAY.isoformat()))
    residence = data.get("habitual_residence", nationalities[0])
    covered = any(code in SECTION_2A for code in nationalities) or g["dci_extension"]
    outside = location not in nationalities
    in_us = _contract_in_us(location, as_of)
    defector = (
        covered
        and (g["escaped_control"] or (outside and g["unwilling_to_return"]))
        and bool(special)
    )
    potential = covered and g["dissatisfied"] and g["susceptible"] and bool(special)
    disaffected = potential and g["willing_to_defect"]
    walk_in = disaffected and g["at_us_installation"] and not in_us and bool(data.get("requests"))
    refugee = (
        location not in nationalities
        and location != residence
        and g["unwilling_to_return"]
        and bool(data.get("persecution_grounds"))
        and not g["other_citizenship"]
        and not g["resident_status"]
        and not defector
    )
    in_force = as_of >= dt.date(1976, 5, 18)
    applies = (
        in_force
        and covered
        and not in_us
        and not g["active_war_theater"]
        and not g["presidential_exclusion"]
    )
    held = {
        "defector": defector,
        "potential_defector": potential,
        "disaffected_person": disaffected,
        "walk_in": walk_in,
        "refugee": refugee,
    }
    arises = {
        "disseminate_threat_information": g["threat_information"],
        "secure_reception": walk_in or disaffected,
        "consider_defector_status": defector,
        "political_risk_determination": defector or disaffected,
        "establish_bona_fides": defector or walk_in,
        "obtain_voluntary_statement": defector,
        "report_to_idc": defector or (disaffected and "information" in special),
        "consider_recruitment_in_place": potential and not g["escaped_control"],
    }
    return {
        "in_force": in_force,
        "covered": covered,
        "applies": applies,
        "categories": [c for c in CATEGORY_ORDER if held[c]],
        "obligations": [o for o in OBLIGATION_ORDER if applies and arises[o]],
    }


@PROPERTY
@given(raw_facts())
def test_the_outcome_follows_the_contract_rules_as_written(data: dict[str, Any]) -> None:
    body = policy.assess(parse(data)).to_dict()
    decided = {
        key: body[key] for key in ("in_force", "covered", "applies", "categories", "obligations")
    }
    assert decided == contract_rules(data)


def _permuted(draw: st.DrawFn, data: dict[str, Any], *, nationalities: bool) -> dict[str, Any]:
    out = dict(data)
    for name in [*ENUM_LISTS, *(["nationalities"] if nationalities else [])]:
        if name in out:
            out[name] = draw(st.permutations(out[name]))
    return out


@PROPERTY
@given(raw_facts(with_residence=True), st.data())
def test_the_order_of_list_items_does_not_change_the_outcome(
    data: dict[str, Any], draw: st.DataObject
) -> None:
    shuffled = _permuted(draw.draw, data, nationalities=True)
    assert policy.assess(parse(shuffled)).to_dict() == policy.assess(parse(data)).to_dict()


@PROPERTY
@given(raw_facts(with_residence=False), st.data())
def test_the_order_of_nationalities_does_not_change_the_decision_without_a_residence(
    data: dict[str, Any], draw: st.DataObject
) -> None:
    shuffled = _permuted(draw.draw, data, nationalities=True)
    one = policy.assess(parse(data)).to_dict()
    two = policy.assess(parse(shuffled)).to_dict()
    for key in ("in_force", "covered", "applies", "categories", "obligations"):
        assert one[key] == two[key], key


@PROPERTY
@given(facts)
def test_facts_round_trip_through_to_dict_to_an_equal_outcome(facts: policy.Facts) -> None:
    again = policy.parse_facts(facts.to_dict(), today=dt.date(2029, 1, 1))
    assert again == facts
    assert policy.assess(again).to_dict() == policy.assess(facts).to_dict()
