"""Fixtures of the compliance tests: the cast of :mod:`support.three_posts` (committees at
three posts, a case officer), ``api(user)`` for ``/api/v1/compliance``, and helpers to put a
post's procedures in effect and to run the sweeps with their notices."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth.models import User

from defector.committees import actions as committees
from defector.committees.models import ProceduresVersion
from defector.compliance import actions
from defector.policy.gates.committees import REQUIRED_SECTIONS
from support.api import api_fixture
from support.builders import make_committee
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
    tokyo_member,
    tokyo_senior,
    world_parts,
)
from support.world import World

api = api_fixture("/api/v1/compliance")

RECEIVED = dt.datetime(2026, 3, 2, 8, 30, tzinfo=dt.UTC)
AT = dt.datetime(2026, 3, 2, 9, 30, tzinfo=dt.UTC)
#: A walk-in defector with threat information: every obligation but recruitment in place.
EVERYTHING: dict[str, Any] = {
    "nationalities": ["SU"],
    "escaped_control": True,
    "unwilling_to_return": True,
    "dissatisfied": True,
    "susceptible": True,
    "willing_to_defect": True,
    "special_value": ["information"],
    "requests": ["asylum"],
    "threat_information": True,
}


@pytest.fixture
def procedures(world: World, request: pytest.FixtureRequest) -> Callable[..., ProceduresVersion]:
    """Put VIENNA's procedures in effect with the clocks given (the others: defaults)."""
    cast: dict[str, User] = request.getfixturevalue("committee")
    chair_, senior_ = cast["chair"], cast["senior"]

    def make(**clocks: int) -> ProceduresVersion:
        vienna = make_committee(world.vienna)
        version = committees.create_procedures_draft(
            acting_user=chair_,
            committee_id=vienna.pk,
            sections={key: f"The post's way for {key}." for key in REQUIRED_SECTIONS},
            clocks=clocks,
        )
        committees.approve_procedures(acting_user=chair_, version_id=version.pk)
        return committees.approve_procedures(acting_user=senior_, version_id=version.pk)

    return make


@pytest.fixture
def sweep(django_capture_on_commit_callbacks: Any) -> Callable[..., int]:
    """Run a sweep at ``now``, and the notices its claims send after their commit."""

    def run(name: str, now: dt.datetime) -> int:
        with django_capture_on_commit_callbacks(execute=True):
            if name == "ladder":
                return actions.sweep_ladder(now)
            return actions.sweep_recurrences(now)

    return run
