"""Fixtures of the reports tests: the cast of :mod:`support.three_posts` (VIENNA's committee
with its chair, a case officer, the IDC; BONN's and TOKYO's members), a defector's case at
VIENNA about a canary true name, the case's requirements (``4a``), and ``api(user)`` for
``/api/v1/reports``."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth.models import User

from defector.cases.models import Case
from defector.directory.models import Official
from defector.exploitation.models import CaseRequirement, Requirement
from defector.publicity.models import Proposal
from support.api import api_fixture
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

api = api_fixture("/api/v1/reports")

#: A name no report, PDF or CSV may ever hold.
CANARY = "Zebulon Canarywing-Ostrovsky"
#: A walk-in defector of intelligence value: the 6d obligation arises.
DEFECTOR: dict[str, Any] = {
    "nationalities": ["SU"],
    "escaped_control": True,
    "unwilling_to_return": True,
    "dissatisfied": True,
    "susceptible": True,
    "willing_to_defect": True,
    "special_value": ["information"],
    "requests": ["asylum"],
}


@pytest.fixture
def defector_case(open_case: Any) -> Case:  # noqa: F811
    """A defector's case at VIENNA about the canary name."""
    case: Case = open_case(facts=DEFECTOR, true_name=CANARY, aliases="Canarywing")
    return case


Pursue = Callable[..., CaseRequirement]


@pytest.fixture
def pursue(world: World) -> Pursue:
    """Let a case pursue a requirement of the catalogue at a status (``4a``)."""

    def make(
        case: Case, code: str, status: str = "not_started", priority: int = 2
    ) -> CaseRequirement:
        requirement, _ = Requirement.objects.get_or_create(
            code=code,
            defaults={
                "title": f"Requirement {code}",
                "issuing_agency": world.cia,
                "priority": priority,
                "active_from": dt.date(1976, 5, 18),
            },
        )
        return CaseRequirement.objects.create(
            case=case, requirement=requirement, status=status, added_by_agency=world.cia
        )

    return make


@pytest.fixture
def propose(chair: User) -> Callable[[Case], Proposal]:  # noqa: F811
    """A publicity proposal awaiting Washington's decision (``6f``)."""

    def make(case: Case) -> Proposal:
        return Proposal.objects.create(case=case, proposed_by=Official.objects.get(user=chair))

    return make


def version_of(case: Case) -> int:
    case.refresh_from_db()
    return case.version
