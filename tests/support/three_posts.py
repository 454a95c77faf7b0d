"""The cast of the escalations and notifications tests: committees at three posts, and a
case officer to open cases. Both suites' conftests import these fixtures.

- VIENNA: a committee member from the CIA (the post's CIA channel), a member from State, the
  chair (State), the senior US representative (State), an invited representative (DOD) and a
  case officer (CIA, TOP SECRET, read into ALPHA);
- BONN: a committee member from the CIA and a senior US representative;
- TOKYO: a committee member from State and a senior US representative, and no one from the CIA;
- Washington: two IDC members; an auditor and an administrator.
Everyone is of State and cleared SECRET unless said otherwise.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth.models import User

from defector.cases.models import Case
from defector.directory.models import Agency
from defector.escalations import actions
from defector.escalations.models import Problem

from .builders import case_opener
from .fixtures import MakeOfficial
from .world import World


@pytest.fixture
def world_parts() -> tuple[str, ...]:
    return ("cia", "state", "dod", "vienna", "bonn", "tokyo", "alpha")


@pytest.fixture
def default_agency(world: World) -> Agency:
    return world.state


@pytest.fixture
def cia_member(make_official: MakeOfficial, world: World) -> User:
    return make_official(
        "carl.cia", ("committee_member", world.vienna), agency=world.cia, email="carl@example.gov"
    )


@pytest.fixture
def state_member(make_official: MakeOfficial, world: World) -> User:
    return make_official("sara.state", ("committee_member", world.vienna), email="sara@example.gov")


@pytest.fixture
def chair(make_official: MakeOfficial, world: World) -> User:
    return make_official("chris.chair", ("committee_chair", world.vienna))


@pytest.fixture
def senior(make_official: MakeOfficial, world: World) -> User:
    return make_official("ambassador.vienna", ("senior_representative", world.vienna))


@pytest.fixture
def invited(make_official: MakeOfficial, world: World) -> User:
    return make_official("ivan.invited", ("invited_representative", world.vienna), agency=world.dod)


@pytest.fixture
def officer(make_official: MakeOfficial, world: World) -> User:
    return make_official(
        "case.officer",
        ("case_officer", world.vienna),
        agency=world.cia,
        compartments=(world.alpha,),
        clearance="TOP SECRET",
    )


@pytest.fixture
def bonn_member(make_official: MakeOfficial, world: World) -> User:
    return make_official("bonn.member", ("committee_member", world.bonn), agency=world.cia)


@pytest.fixture
def tokyo_member(make_official: MakeOfficial, world: World) -> User:
    return make_official("tokyo.member", ("committee_member", world.tokyo))


@pytest.fixture
def tokyo_senior(make_official: MakeOfficial, world: World) -> User:
    return make_official("ambassador.tokyo", ("senior_representative", world.tokyo))


@pytest.fixture
def idc(make_official: MakeOfficial) -> User:
    return make_official("idc.member", ("idc_member", None), email="idc@example.gov")


@pytest.fixture
def second_idc(make_official: MakeOfficial) -> User:
    return make_official("other.idc", ("idc_member", None))


@pytest.fixture
def auditor(make_official: MakeOfficial) -> User:
    return make_official("the.auditor", ("auditor", None))


@pytest.fixture
def administrator(make_official: MakeOfficial) -> User:
    return make_official("the.administrator", ("administrator", None))


@pytest.fixture
def committee(
    cia_member: User, state_member: User, chair: User, senior: User, invited: User, idc: User
) -> dict[str, User]:
    """Everyone of VIENNA's committee, and the IDC."""
    return {
        "cia_member": cia_member,
        "state_member": state_member,
        "chair": chair,
        "senior": senior,
        "invited": invited,
        "idc": idc,
    }


OpenCase = Callable[..., Case]


@pytest.fixture
def open_case(world: World, officer: User) -> OpenCase:
    """Open a case (VIENNA, SECRET, unless told otherwise) as the case officer."""
    return case_opener(acting_user=officer, post_id=world.vienna.pk)


RaiseProblem = Callable[..., Problem]


@pytest.fixture
def raise_problem(world: World, state_member: User) -> RaiseProblem:
    """Raise a problem at VIENNA as the State member, unless told otherwise."""

    def raise_(**overrides: Any) -> Problem:
        arguments: dict[str, Any] = {
            "acting_user": state_member,
            "post_id": world.vienna.pk,
            "title": "Who houses the walk-in",
            "description": "State and the CIA disagree on where to house him.",
        }
        arguments.update(overrides)
        return actions.raise_problem(**arguments)

    return raise_


@pytest.fixture(autouse=True)
def _sealed(sealing_keys: None) -> None:
    """Every test of these suites seals with the session's test keyring."""
