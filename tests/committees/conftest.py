"""Fixtures of the committees tests: the cast of officials at the ``world``'s posts, the
committees of VIENNA and BONN, and helpers to schedule and hold meetings at explicit times.

Every test seals with the session's test keyring (``sealing_keys``).

The cast: at VIENNA a committee chair, a committee member (DOD), the senior US representative
(State), two invited representatives and a case officer; a member at BONN; an IDC member in
Washington; an auditor and an administrator. Everyone is of the CIA unless said otherwise, and
cleared SECRET.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from django.contrib.auth.models import User

from defector.committees import actions
from defector.committees.models import Committee, Meeting
from support.builders import make_committee, official_of  # noqa: F401 (the tests import it)
from support.fixtures import MakeOfficial
from support.world import World

UTC = dt.UTC


@pytest.fixture(autouse=True)
def _sealed(sealing_keys: None) -> None:
    """Every test here seals with the session's test keyring."""


@pytest.fixture
def world_parts() -> tuple[str, ...]:
    return ("cia", "dod", "state", "vienna", "bonn", "havana")


@pytest.fixture
def chair(make_official: MakeOfficial, world: World) -> User:
    return make_official("martin.hale", ("committee_chair", world.vienna))


@pytest.fixture
def member(make_official: MakeOfficial, world: World) -> User:
    return make_official("paul.lindqvist", ("committee_member", world.vienna), agency=world.dod)


@pytest.fixture
def senior(make_official: MakeOfficial, world: World) -> User:
    return make_official(
        "ruth.castillo", ("senior_representative", world.vienna), agency=world.state
    )


@pytest.fixture
def invited(make_official: MakeOfficial, world: World) -> User:
    return make_official(
        "grace.whitfield", ("invited_representative", world.vienna), agency=world.dod
    )


@pytest.fixture
def other_invited(make_official: MakeOfficial, world: World) -> User:
    return make_official("lars.berg", ("invited_representative", world.vienna))


@pytest.fixture
def officer(make_official: MakeOfficial, world: World) -> User:
    return make_official("dana.reyes", ("case_officer", world.vienna))


@pytest.fixture
def bonn_member(make_official: MakeOfficial, world: World) -> User:
    return make_official("karl.weber", ("committee_member", world.bonn))


@pytest.fixture
def idc(make_official: MakeOfficial) -> User:
    return make_official("owen.park", ("idc_member", None))


@pytest.fixture
def auditor(make_official: MakeOfficial) -> User:
    return make_official("iris.novak", ("auditor", None))


@pytest.fixture
def administrator(make_official: MakeOfficial) -> User:
    return make_official("adam.byrne", ("administrator", None))


@pytest.fixture
def committee(world: World) -> Committee:
    return make_committee(world.vienna, established_on=dt.date(2026, 1, 1))


@pytest.fixture
def bonn_committee(world: World) -> Committee:
    return make_committee(world.bonn)


def at(year: int, month: int, day: int, hour: int = 10, minute: int = 0) -> dt.datetime:
    return dt.datetime(year, month, day, hour, minute, tzinfo=UTC)


Schedule = Callable[..., Meeting]


@pytest.fixture
def schedule(committee: Committee, chair: User) -> Schedule:
    """Schedule a Vienna meeting as the chair: ``schedule(at(2026, 3, 5))``; ``held=True`` marks
    it held too."""

    def make(
        starts_at: dt.datetime | None = None,
        *,
        hours: int = 2,
        place: str = "Chancery, secure conference room",
        held: bool = False,
    ) -> Meeting:
        start = starts_at or at(2026, 3, 5)
        meeting = actions.schedule_meeting(
            acting_user=chair,
            committee_id=committee.pk,
            starts_at=start,
            ends_at=start + dt.timedelta(hours=hours),
            place=place,
        )
        if held:
            meeting = actions.mark_meeting_held(
                acting_user=chair, meeting_id=meeting.pk, now=start + dt.timedelta(hours=hours)
            )
        return meeting

    return make
