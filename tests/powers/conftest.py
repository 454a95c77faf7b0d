"""The cast of the powers tests: at VIENNA a case officer and the committee chair; in
Washington the DCI's delegate and an IDC member; an auditor."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import User

from support.builders import case_opener
from support.fixtures import MakeOfficial
from support.world import World


@pytest.fixture(autouse=True)
def _sealed(sealing_keys: None) -> None:
    """Every test here seals with the session's test keyring."""


@pytest.fixture
def world_parts() -> tuple[str, ...]:
    return ("cia", "vienna", "bonn")


@pytest.fixture
def officer(make_official: MakeOfficial, world: World) -> User:
    return make_official("case.officer", ("case_officer", world.vienna))


@pytest.fixture
def chair(make_official: MakeOfficial, world: World) -> User:
    return make_official("committee.chair", ("committee_chair", world.vienna))


@pytest.fixture
def delegate(make_official: MakeOfficial) -> User:
    return make_official("dci.delegate", ("dci_delegate", None))


@pytest.fixture
def idc(make_official: MakeOfficial) -> User:
    return make_official("idc.member", ("idc_member", None))


@pytest.fixture
def auditor(make_official: MakeOfficial) -> User:
    return make_official("the.auditor", ("auditor", None))


@pytest.fixture
def open_case(world: World, officer: User) -> Any:
    return case_opener(acting_user=officer, post_id=world.vienna.pk)
