"""The data the rules stand on: country codes, US areas with their dates, directive versions."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from defector.policy import countries, versions

#: The countries of ``2a`` in the directive's (and the contract's) order.
DIRECTIVE_ORDER = [
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
CONTRACT_2A = set(DIRECTIVE_ORDER)
#: The US, its territories and possessions as the contract lists them.
CONTRACT_US_AREAS = {"US", "PR", "GU", "VI", "AS", "MP", "UM", "PZ", "PC"}
HISTORICAL = {"SU", "CS", "DD", "YU", "PZ", "PC"}


def test_the_2a_countries_are_those_of_the_contract() -> None:
    assert set(countries.SECTION_2A_COUNTRIES) == CONTRACT_2A


def test_the_2a_countries_are_in_the_directive_order() -> None:
    assert list(countries.SECTION_2A_COUNTRIES) == DIRECTIVE_ORDER


def test_the_us_areas_are_those_of_the_contract() -> None:
    assert set(countries.US_AREAS) == CONTRACT_US_AREAS


def test_every_current_iso_code_is_accepted() -> None:
    assert len(countries.CURRENT_ISO_3166_1) == 249
    assert all(len(code) == 2 and code.isupper() for code in countries.COUNTRIES)


def test_the_historical_codes_are_accepted_beside_the_current_ones() -> None:
    assert set(countries.HISTORICAL_CODES) == HISTORICAL
    assert set(countries.COUNTRIES) == set(countries.CURRENT_ISO_3166_1) | HISTORICAL


@pytest.mark.parametrize(
    ("code", "known"),
    [
        ("AT", True),
        ("SU", True),
        ("DD", True),
        ("PZ", True),
        ("RU", True),
        ("UK", False),
        ("EU", False),
        ("XK", False),
        ("su", False),
        ("", False),
        ("USA", False),
    ],
    ids=[
        "Austria is a country code",
        "the USSR is accepted as a historical code",
        "East Germany is accepted as a historical code",
        "the Panama Canal Zone is accepted as a historical code",
        "the Russian Federation is a current code",
        "UK is not a code (GB is)",
        "the European Union is not a country",
        "Kosovo's user-assigned XK is not an ISO code",
        "lower case is not a code",
        "the empty string is not a code",
        "a three-letter code is not an alpha-2 code",
    ],
)
def test_which_codes_are_known(code: str, known: bool) -> None:
    assert countries.is_known(code) is known


US_ROWS = {
    "the United States is the US at any date": ("US", "1800-01-01", True),
    "Puerto Rico is a US territory": ("PR", "1980-01-01", True),
    "the Minor Outlying Islands are a US possession": ("UM", "2020-01-01", True),
    "the Canal Zone on 1979-09-30 is US territory": ("PZ", "1979-09-30", True),
    "the Canal Zone on 1979-10-01 is no longer US territory": ("PZ", "1979-10-01", False),
    "the Trust Territory on 1947-07-17 was not yet US administered": ("PC", "1947-07-17", False),
    "the Trust Territory on 1947-07-18 is US administered": ("PC", "1947-07-18", True),
    "the Trust Territory on 1994-09-30 is still US administered": ("PC", "1994-09-30", True),
    "the Trust Territory on 1994-10-01 is no longer US administered": ("PC", "1994-10-01", False),
    "Panama is never the US": ("PA", "1979-09-30", False),
    "Austria is never the US": ("AT", "1980-01-01", False),
    "the British Virgin Islands are not the US Virgin Islands": ("VG", "1980-01-01", False),
}


@pytest.mark.parametrize(("code", "day", "is_us"), list(US_ROWS.values()), ids=list(US_ROWS))
def test_which_places_are_the_us_on_which_day(code: str, day: str, is_us: bool) -> None:
    assert countries.is_us(code, dt.date.fromisoformat(day)) is is_us


def test_this_directive_took_effect_on_1976_05_18_and_superseded_dcid_4_2() -> None:
    assert versions.CURRENT.name == "DCID 4/21"
    assert versions.CURRENT.effective == dt.date(1976, 5, 18)
    assert versions.CURRENT.supersedes == "DCID 4/2"
    assert versions.DCID_4_2.effective == dt.date(1959, 6, 26)


VERSION_ROWS = {
    "before 26 June 1959 no directive was in force": ("1959-06-25", None),
    "on 26 June 1959 DCID 4/2 took effect": ("1959-06-26", "DCID 4/2"),
    "on 17 May 1976 DCID 4/2 was still in force": ("1976-05-17", "DCID 4/2"),
    "on 18 May 1976 DCID 4/21 took effect": ("1976-05-18", "DCID 4/21"),
    "in 2030 DCID 4/21 is the latest version": ("2030-01-01", "DCID 4/21"),
}


@pytest.mark.parametrize(("day", "name"), list(VERSION_ROWS.values()), ids=list(VERSION_ROWS))
def test_which_version_was_in_force_on_a_day(day: str, name: str | None) -> None:
    found = versions.version_on(dt.date.fromisoformat(day))
    assert (found.name if found else None) == name


def test_the_versions_are_listed_oldest_first() -> None:
    dates = [version.effective for version in versions.VERSIONS]
    assert dates == sorted(dates)
    assert versions.VERSIONS[-1] is versions.CURRENT


def test_the_policy_version_is_a_non_empty_identifier() -> None:
    assert isinstance(versions.POLICY_VERSION, str)
    assert versions.POLICY_VERSION.strip()
    assert versions.POLICY_VERSION.startswith("dcid-4-21/")


def test_the_current_codes_agree_with_the_system_tz_database_list() -> None:
    """tzdata ships ``iso3166.tab``, an independent copy of the current ISO 3166-1 list."""
    table = Path("/usr/share/zoneinfo/iso3166.tab")
    if not table.is_file():
        pytest.skip(f"{table} is not installed (package tzdata)")
    lines = table.read_text(encoding="utf-8").splitlines()
    codes = {line.split("\t")[0] for line in lines if line.strip() and not line.startswith("#")}
    assert set(countries.CURRENT_ISO_3166_1) == codes
