"""Builders for the policy's table-driven tests.

``facts(**overrides)`` goes through :func:`defector.policy.parse_facts`, the one validator the
CLI and the API use, so every table row is written in the contract's field names and values
(``contracts/assessment.md``). Defaults: a national of the USSR in Austria on 1980-01-01, with
nothing else known.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest

from defector import policy

#: The day the tests pretend is today (the default of ``as_of`` when a row omits it).
TODAY = dt.date(2000, 1, 1)

DEFAULTS: dict[str, Any] = {
    "nationalities": ["SU"],
    "location": "AT",
    "as_of": "1980-01-01",
}

#: The contract's orders (``contracts/assessment.md``, "Outcome" and "Obligations").
CATEGORY_ORDER = (
    "defector",
    "potential_defector",
    "disaffected_person",
    "walk_in",
    "refugee",
)
OBLIGATION_ORDER = (
    "disseminate_threat_information",
    "secure_reception",
    "consider_defector_status",
    "political_risk_determination",
    "establish_bona_fides",
    "obtain_voluntary_statement",
    "report_to_idc",
    "consider_recruitment_in_place",
)


def raw_facts(**overrides: Any) -> dict[str, Any]:
    """The JSON-shaped facts object: the defaults with ``overrides`` applied.

    A value of ``None`` removes the field (to test defaults and required fields); dates may be
    given as :class:`datetime.date`.
    """
    data = {**DEFAULTS, **overrides}
    for name, value in list(data.items()):
        if value is None:
            del data[name]
        elif isinstance(value, dt.date):
            data[name] = value.isoformat()
    return data


def build_facts(**overrides: Any) -> policy.Facts:
    return policy.parse_facts(raw_facts(**overrides), today=TODAY)


def build_outcome(**overrides: Any) -> policy.Outcome:
    return policy.assess(build_facts(**overrides))


@pytest.fixture(scope="session")
def facts() -> Callable[..., policy.Facts]:
    """``facts(location="US", escaped_control=True)``: valid facts from the defaults."""
    return build_facts


@pytest.fixture(scope="session")
def outcome() -> Callable[..., policy.Outcome]:
    """``outcome(**overrides)``: the assessment of ``facts(**overrides)``."""
    return build_outcome


@pytest.fixture(scope="session")
def category_order() -> tuple[str, ...]:
    """The order of ``categories`` in the contract."""
    return CATEGORY_ORDER


@pytest.fixture(scope="session")
def obligation_order() -> tuple[str, ...]:
    """The rows of the contract's obligations table, in order."""
    return OBLIGATION_ORDER


@pytest.fixture(scope="session")
def raw() -> Callable[..., dict[str, Any]]:
    """``raw(**overrides)``: the JSON-shaped facts object (``None`` removes a field)."""
    return raw_facts


@pytest.fixture(scope="session")
def today() -> dt.date:
    """What the tests pass to ``parse_facts`` as today."""
    return TODAY
