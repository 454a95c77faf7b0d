"""Fixtures of the publicity tests: the cast of :mod:`support.three_posts` (VIENNA's committee,
chair and senior US representative, the case officer, the IDC of State), an IDC member of USIA,
a case with its ``7a`` determination on publicity and one intelligence requirement, and
``api(user)`` to call ``/api/v1/publicity``."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.utils import timezone

from defector.cases import actions as case_actions
from defector.cases.models import Case
from defector.directory.models import Agency
from defector.exploitation.models import CaseRequirement, Requirement
from defector.publicity import actions
from defector.publicity.models import Proposal
from support.api import api_fixture
from support.builders import make_agency
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
    tokyo_member,
    tokyo_senior,
    world_parts,
)
from support.world import World

api = api_fixture("/api/v1/publicity")


@pytest.fixture
def usia(world: World) -> Agency:
    return make_agency("USIA", "United States Information Agency")


@pytest.fixture
def usia_idc(make_official: MakeOfficial, usia: Agency) -> User:
    """An IDC member of USIA (``idc`` is of State)."""
    return make_official("usia.idc", ("idc_member", None), agency=usia)


@pytest.fixture
def cia_idc(make_official: MakeOfficial, world: World) -> User:
    """An IDC member of the CIA: decides, but signs off for no agency."""
    return make_official("cia.idc", ("idc_member", None), agency=world.cia)


@pytest.fixture
def case(open_case: Any, senior: User) -> Case:  # noqa: F811 (fixtures)
    """A VIENNA case with the senior representative's 7a determination on publicity."""
    opened = open_case()
    case_actions.determine_political_risk(
        acting_user=senior,
        case_id=opened.pk,
        expected_version=opened.version,
        subject="publicity",
        level="moderate",
        reasoning="Publicity of AEFOX would strain relations with the host government.",
    )
    opened.refresh_from_db()
    return opened


@pytest.fixture
def requirement(case: Case, world: World) -> CaseRequirement:
    """One intelligence requirement the case pursues, in progress (5a(5) not satisfied)."""
    catalogue = Requirement.objects.create(
        code="DCI-1",
        title="Order of battle",
        issuing_agency=world.cia,
        active_from=dt.date(1970, 1, 1),
    )
    return CaseRequirement.objects.create(
        case=case, requirement=catalogue, status="in_progress", added_by_agency=world.cia
    )


def satisfy(row: CaseRequirement) -> None:
    CaseRequirement.objects.filter(pk=row.pk).update(status="satisfied")


Propose = Callable[..., Proposal]


@pytest.fixture
def propose(case: Case, chair: User) -> Propose:  # noqa: F811 (fixtures)
    """Propose publicity on ``case`` as VIENNA's chair, unless told otherwise."""

    def propose_(**overrides: Any) -> Proposal:
        arguments: dict[str, Any] = {
            "acting_user": chair,
            "case_id": case.pk,
            "summary": "A press conference in Washington presenting AEFOX.",
            "window_start": timezone.localdate() + dt.timedelta(days=30),
            "window_end": timezone.localdate() + dt.timedelta(days=45),
            "channels": ["press", "other"],
            "other_channel": "A radio interview",
            "risks": "Reprisals against his family at home.",
        }
        arguments.update(overrides)
        return actions.propose(**arguments)

    return propose_


def signed_by_both(proposal: Proposal, state: User, usia_user: User, **usia: Any) -> Proposal:
    actions.sign_off(
        acting_user=state,
        proposal_id=proposal.pk,
        position="approve",
        expected_version=proposal.version,
    )
    proposal.refresh_from_db()
    actions.sign_off(
        acting_user=usia_user,
        proposal_id=proposal.pk,
        position=usia.get("position", "approve"),
        comments=usia.get("comments", ""),
        expected_version=proposal.version,
    )
    proposal.refresh_from_db()
    return proposal
