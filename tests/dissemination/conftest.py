"""Fixtures of the dissemination tests: the cast of :mod:`support.three_posts` (VIENNA's
committee, the IDC, a case officer), a post security officer at VIENNA who sits on no
committee, a case holding threat information, and ``api(user)`` to call
``/api/v1/dissemination``."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth.models import User

from defector.cases.models import Case
from defector.directory.models import Official
from defector.dissemination import actions
from defector.dissemination.models import ThreatReport
from support.api import api_fixture
from support.fixtures import MakeOfficial
from support.three_posts import (  # noqa: F401 (fixtures)
    _sealed,
    administrator,
    auditor,
    bonn_member,
    chair,
    cia_member,
    committee,
    default_agency,
    idc,
    invited,
    officer,
    open_case,
    second_idc,
    senior,
    state_member,
    world_parts,
)
from support.world import World

api = api_fixture("/api/v1/dissemination")

#: The facts of a walk-in holding threat information (``6b(3)(a)``).
THREAT_FACTS: dict[str, Any] = {
    "nationalities": ["SU"],
    "escaped_control": True,
    "unwilling_to_return": True,
    "dissatisfied": True,
    "willing_to_defect": True,
    "requests": ["asylum"],
    "threat_information": True,
}
#: A report's input.
REPORT: dict[str, str] = {
    "precedence": "flash",
    "threatened": "The embassy's motor pool",
    "location": "Vienna, the embassy garage",
    "timing": "Tonight, before midnight local time",
    "details": "A device in a delivery van, says the walk-in.",
}


@pytest.fixture
def security_officer(make_official: MakeOfficial, world: World) -> User:
    """The post's security officer: an official serving at VIENNA on no committee, with no
    role, named on VIENNA's distribution by its chair."""
    user = make_official("rso.vienna", email="rso@example.gov")
    Official.objects.filter(user=user).update(post=world.vienna)
    return user


@pytest.fixture
def threat_case(open_case: Callable[..., Case], committee: dict[str, User]) -> Case:  # noqa: F811
    """A SECRET case at VIENNA whose first assessment found threat information; opened by
    the case officer (assigned to it), with VIENNA's committee and the IDC in place."""
    return open_case(facts=THREAT_FACTS)


@pytest.fixture
def issue(officer: User, threat_case: Case, committed: Callable[[], Any]) -> Callable[..., Any]:  # noqa: F811
    """Issue a report from the threat case (as the case officer, a FLASH, unless told
    otherwise), and run what waits for the commit (the notices)."""

    def issue_(**overrides: Any) -> ThreatReport:
        arguments: dict[str, Any] = {
            "acting_user": officer,
            "case_id": threat_case.pk,
            **REPORT,
            **overrides,
        }
        with committed():
            return actions.issue_report(**arguments)

    return issue_


def minutes(report: ThreatReport, count: float) -> dt.datetime:
    """The moment ``count`` minutes after the report was issued."""
    return report.issued_at + dt.timedelta(minutes=count)
