"""``parse_facts``: the one validator of the contract's facts object.

Each error row gives the input (the defaults with some fields changed; ``None`` removes a
field), the field path the error must name, and a fragment of its message.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest

from defector import policy

Raw = Callable[..., dict[str, Any]]

ERROR_ROWS: dict[str, tuple[dict[str, Any], str, str]] = {
    # unknown fields
    "a misspelt field is unknown and the likely field is suggested": (
        {"locaton": "AT"},
        "locaton",
        "did you mean 'location'",
    ),
    "a singular nationality field suggests nationalities": (
        {"nationality": "SU"},
        "nationality",
        "did you mean 'nationalities'",
    ),
    "a field unlike any other is unknown": (
        {"favourite_colour": "red"},
        "favourite_colour",
        "unknown field",
    ),
    # country codes
    "an unknown location code is named": (
        {"location": "XX"},
        "location",
        "unknown country code 'XX'",
    ),
    "UK is not a country code (GB is)": ({"nationalities": ["UK"]}, "nationalities[0]", "'UK'"),
    "an unknown code is named with its index among nationalities": (
        {"nationalities": ["SU", "QQ"]},
        "nationalities[1]",
        "unknown country code 'QQ'",
    ),
    "an unknown habitual residence is named": (
        {"habitual_residence": "ZZ"},
        "habitual_residence",
        "unknown country code",
    ),
    "an empty habitual residence is not a country": (
        {"habitual_residence": ""},
        "habitual_residence",
        "unknown country code",
    ),
    "a lower-case nationality is refused with the upper-case hint": (
        {"nationalities": ["su"]},
        "nationalities[0]",
        "upper-case: 'SU'",
    ),
    "a lower-case location is refused with the upper-case hint": (
        {"location": "at"},
        "location",
        "upper-case: 'AT'",
    ),
    "a three-letter code is not a country code": (
        {"location": "AUT"},
        "location",
        "unknown country code",
    ),
    # required fields
    "a missing location is required": ({"location": None}, "location", "required"),
    "missing nationalities are required": ({"nationalities": None}, "nationalities", "required"),
    "empty nationalities need at least one country": (
        {"nationalities": []},
        "nationalities",
        "at least one",
    ),
    # wrong types
    "a boolean given as 1 is refused": ({"escaped_control": 1}, "escaped_control", "true or false"),
    "a boolean given as 0 is refused": ({"dci_extension": 0}, "dci_extension", "true or false"),
    "a boolean given as the string true is refused": (
        {"unwilling_to_return": "true"},
        "unwilling_to_return",
        "true or false",
    ),
    "nationalities given as a string are refused": (
        {"nationalities": "SU"},
        "nationalities",
        "array",
    ),
    "nationalities given as an object are refused": (
        {"nationalities": {"SU": True}},
        "nationalities",
        "array",
    ),
    "a list field given as a string is refused": (
        {"special_value": "information"},
        "special_value",
        "array",
    ),
    "a location given as a number is refused": ({"location": 40}, "location", "string"),
    "a nationality given as a number is refused with its index": (
        {"nationalities": ["SU", 7]},
        "nationalities[1]",
        "string",
    ),
    # dates
    "an impossible date 1976-02-30 is refused": ({"as_of": "1976-02-30"}, "as_of", "1976-02-30"),
    "29 February 1900 did not exist": ({"as_of": "1900-02-29"}, "as_of", "not a real date"),
    "a malformed date 76-5-18 is refused": ({"as_of": "76-5-18"}, "as_of", "YYYY-MM-DD"),
    "a date with a time is refused": ({"as_of": "1976-05-18T00:00:00"}, "as_of", "YYYY-MM-DD"),
    "a date in another notation is refused": ({"as_of": "18/05/1976"}, "as_of", "YYYY-MM-DD"),
    "a date given as a number is refused": ({"as_of": 19760518}, "as_of", "string"),
    # enum lists
    "an unknown ground of special value is named with its index": (
        {"special_value": ["information", "charm"]},
        "special_value[1]",
        "'charm'",
    ),
    "an unknown request is named with its index": (
        {"requests": ["asylum", "money"]},
        "requests[1]",
        "expected one of asylum, escape_assistance",
    ),
    "an unknown ground of persecution is named with its index": (
        {"persecution_grounds": ["wealth"]},
        "persecution_grounds[0]",
        "'wealth'",
    ),
    "a number in an enum list is refused with its index": (
        {"special_value": [1]},
        "special_value[0]",
        "a number",
    ),
    "an enum value in the wrong case is refused": (
        {"requests": ["Asylum"]},
        "requests[0]",
        "'Asylum'",
    ),
}


@pytest.mark.parametrize(
    ("overrides", "field", "fragment"), list(ERROR_ROWS.values()), ids=list(ERROR_ROWS)
)
def test_each_invalid_input_names_the_field(
    raw: Raw, today: dt.date, overrides: dict[str, Any], field: str, fragment: str
) -> None:
    data = raw(**overrides)
    with pytest.raises(policy.FactsInvalid) as caught:
        policy.parse_facts(data, today=today)
    errors = caught.value.errors
    assert [error.field for error in errors] == [field], errors
    assert fragment in errors[0].message
    assert field in str(caught.value)


@pytest.mark.parametrize(
    "field",
    [
        "as_of",
        "location",
        "habitual_residence",
        "nationalities",
        "special_value",
        "requests",
        "induced",
        "threat_information",
    ],
    ids=lambda field: f"null for {field} is refused and named",
)
def test_null_is_refused_for_every_kind_of_field(raw: Raw, today: dt.date, field: str) -> None:
    # raw() drops fields given as None, so the null is set afterwards.
    data = raw()
    data[field] = None
    with pytest.raises(policy.FactsInvalid) as caught:
        policy.parse_facts(data, today=today)
    assert [error.field for error in caught.value.errors] == [field]
    assert "null" in caught.value.errors[0].message


@pytest.mark.parametrize(
    "data",
    [[], ["SU"], "SU", None, 3, True],
    ids=[
        "an empty array is not a facts object",
        "an array is not a facts object",
        "a string is not a facts object",
        "null is not a facts object",
        "a number is not a facts object",
        "a boolean is not a facts object",
    ],
)
def test_input_that_is_not_an_object_is_refused(data: object, today: dt.date) -> None:
    with pytest.raises(policy.FactsInvalid) as caught:
        policy.parse_facts(data, today=today)
    assert len(caught.value.errors) == 1
    assert "object" in caught.value.errors[0].message


def test_several_errors_are_reported_together(today: dt.date) -> None:
    data = {
        "nationalitys": ["SU"],
        "location": "xx",
        "escaped_control": "yes",
        "as_of": "1976-02-30",
        "special_value": ["information", "gold"],
    }
    with pytest.raises(policy.FactsInvalid) as caught:
        policy.parse_facts(data, today=today)
    fields = {error.field for error in caught.value.errors}
    assert fields == {
        "nationalitys",
        "nationalities",
        "location",
        "escaped_control",
        "as_of",
        "special_value[1]",
    }
    message = str(caught.value)
    for field in fields:
        assert field in message


def test_facts_invalid_is_a_value_error() -> None:
    assert issubclass(policy.FactsInvalid, ValueError)


DEFAULT_ROWS: dict[str, tuple[str, Any]] = {
    "habitual residence defaults to the first nationality": ("habitual_residence", "SU"),
    "special value defaults to none": ("special_value", ()),
    "requests default to none": ("requests", ()),
    "persecution grounds default to none": ("persecution_grounds", ()),
    **{
        f"{name.replace('_', ' ')} defaults to false": (name, False)
        for name in (
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
    },
}


@pytest.mark.parametrize(("field", "default"), list(DEFAULT_ROWS.values()), ids=list(DEFAULT_ROWS))
def test_optional_fields_have_the_contract_defaults(
    today: dt.date, field: str, default: Any
) -> None:
    facts = policy.parse_facts({"nationalities": ["SU"], "location": "AT"}, today=today)
    assert getattr(facts, field) == default


def test_as_of_defaults_to_the_today_the_caller_gives(today: dt.date) -> None:
    facts = policy.parse_facts({"nationalities": ["SU"], "location": "AT"}, today=today)
    assert facts.as_of == today
    other = dt.date(1977, 7, 4)
    assert (
        policy.parse_facts({"nationalities": ["SU"], "location": "AT"}, today=other).as_of == other
    )


def test_habitual_residence_defaults_to_the_first_nationality_as_given(
    raw: Raw, today: dt.date
) -> None:
    facts = policy.parse_facts(raw(nationalities=["PL", "FR"]), today=today)
    assert facts.habitual_residence == "PL"


def test_an_explicit_habitual_residence_is_kept(raw: Raw, today: dt.date) -> None:
    facts = policy.parse_facts(raw(habitual_residence="DE"), today=today)
    assert facts.habitual_residence == "DE"


def test_a_valid_date_is_parsed(raw: Raw, today: dt.date) -> None:
    assert policy.parse_facts(raw(as_of="2000-02-29"), today=today).as_of == dt.date(2000, 2, 29)


def test_every_historical_code_is_accepted(raw: Raw, today: dt.date) -> None:
    facts = policy.parse_facts(
        raw(nationalities=["SU", "CS", "DD", "YU"], location="PZ", habitual_residence="PC"),
        today=today,
    )
    assert set(facts.nationalities) == {"SU", "CS", "DD", "YU"}


def test_the_order_and_repeats_of_list_items_do_not_matter(raw: Raw, today: dt.date) -> None:
    one = policy.parse_facts(
        raw(
            nationalities=["SU", "FR"],
            habitual_residence="SU",
            special_value=["information", "operational"],
            requests=["asylum", "escape_assistance"],
            persecution_grounds=["race", "religion"],
        ),
        today=today,
    )
    two = policy.parse_facts(
        raw(
            nationalities=["FR", "SU", "FR"],
            habitual_residence="SU",
            special_value=["operational", "information", "operational"],
            requests=["escape_assistance", "asylum"],
            persecution_grounds=["religion", "race", "race"],
        ),
        today=today,
    )
    assert one == two


def test_all_contract_fields_are_accepted_together(today: dt.date) -> None:
    data = {
        "as_of": "1980-01-01",
        "nationalities": ["SU"],
        "habitual_residence": "SU",
        "location": "AT",
        "active_war_theater": False,
        "presidential_exclusion": False,
        "dci_extension": False,
        "escaped_control": True,
        "unwilling_to_return": True,
        "dissatisfied": True,
        "susceptible": True,
        "special_value": ["information", "operational", "psychological"],
        "willing_to_defect": True,
        "induced": True,
        "at_us_installation": True,
        "requests": ["asylum", "escape_assistance"],
        "persecution_grounds": [
            "race",
            "religion",
            "nationality",
            "social_group",
            "political_opinion",
        ],
        "other_citizenship": False,
        "resident_status": False,
        "threat_information": True,
    }
    facts = policy.parse_facts(data, today=today)
    assert facts.as_of == dt.date(1980, 1, 1)
    assert len(facts.persecution_grounds) == 5


def test_to_dict_gives_every_contract_field_in_contract_order(raw: Raw, today: dt.date) -> None:
    facts = policy.parse_facts(raw(special_value=["information"], requests=["asylum"]), today=today)
    out = facts.to_dict()
    assert list(out) == list(policy.facts.FIELD_NAMES)
    assert out["as_of"] == "1980-01-01"
    assert out["nationalities"] == ["SU"]
    assert out["habitual_residence"] == "SU"
    assert out["special_value"] == ["information"]
    assert out["requests"] == ["asylum"]
    assert out["escaped_control"] is False


def test_to_dict_parses_back_to_equal_facts(raw: Raw, today: dt.date) -> None:
    facts = policy.parse_facts(
        raw(nationalities=["PL", "FR"], special_value=["psychological"], threat_information=True),
        today=today,
    )
    assert policy.parse_facts(facts.to_dict(), today=dt.date(2020, 1, 1)) == facts


def test_the_contract_field_list_is_what_the_parser_knows() -> None:
    assert policy.facts.FIELD_NAMES == (
        "as_of",
        "nationalities",
        "habitual_residence",
        "location",
        "active_war_theater",
        "presidential_exclusion",
        "dci_extension",
        "escaped_control",
        "unwilling_to_return",
        "dissatisfied",
        "susceptible",
        "special_value",
        "willing_to_defect",
        "induced",
        "at_us_installation",
        "requests",
        "persecution_grounds",
        "other_citizenship",
        "resident_status",
        "threat_information",
    )
    assert policy.facts.REQUIRED_FIELDS == ("nationalities", "location")


def test_facts_built_directly_are_checked_too() -> None:
    with pytest.raises(policy.FactsInvalid) as caught:
        policy.Facts(nationalities=("XX",), location="at", as_of=dt.date(1980, 1, 1))
    assert {error.field for error in caught.value.errors} == {"nationalities[0]", "location"}
