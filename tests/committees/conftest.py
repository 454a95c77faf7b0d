"""Fixtures of the committees tests: a small directory, the committees of its posts, and
helpers to schedule and hold meetings at explicit times.

The directory: posts VIENNA and BONN (with diplomatic representation) and HAVANA (without);
at VIENNA a committee chair, a committee member (DOD), the senior US representative, two
invited representatives and a case officer; a member at BONN; an IDC member in Washington;
an auditor and an administrator. Everyone is cleared SECRET. (Copied in spirit from
``tests/cases/conftest.py``, which tests cannot import under ``--import-mode=importlib``.)
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.contrib.auth import get_user_model
from django.contrib.auth.models import User
from django.test import Client

from defector.committees import actions
from defector.committees.models import Committee, Meeting
from defector.core import sealing
from defector.directory.models import Agency, Official, Post, RoleAssignment

UTC = dt.UTC


@pytest.fixture(scope="session")
def sealing_keys_json() -> str:
    return sealing.Keyring(primary="t1", keys={"t1": AESGCM.generate_key(256)}).to_json()


@pytest.fixture(autouse=True)
def sealing_keys(sealing_keys_json: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Seal with the session's test keyring, never with a key file under ``var/``."""
    monkeypatch.setenv(sealing.KEYS_ENV, sealing_keys_json)
    sealing.reset_keyring()
    yield
    sealing.reset_keyring()


@pytest.fixture(autouse=True)
def fast_password_hashing(settings: Any) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@dataclass
class World:
    vienna: Post
    bonn: Post
    havana: Post
    cia: Agency
    dod: Agency
    state: Agency


@pytest.fixture
def world(db: Any) -> World:
    return World(
        vienna=Post.objects.create(
            code="VIENNA", name="Embassy Vienna", country="AT", city="Vienna"
        ),
        bonn=Post.objects.create(code="BONN", name="Embassy Bonn", country="DE", city="Bonn"),
        havana=Post.objects.create(
            code="HAVANA",
            name="US Interests Section Havana",
            country="CU",
            city="Havana",
            diplomatic_representation=False,
        ),
        cia=Agency.objects.create(code="CIA", name="Central Intelligence Agency"),
        dod=Agency.objects.create(code="DOD", name="Department of Defense"),
        state=Agency.objects.create(code="STATE", name="Department of State"),
    )


MakeOfficial = Callable[..., User]


@pytest.fixture
def make_official(world: World) -> MakeOfficial:
    """``make_official("first.last", ("committee_member", world.vienna), agency=world.dod)``."""

    def make(
        username: str,
        *roles: tuple[str, Post | None],
        agency: Agency | None = None,
        clearance: str = "SECRET",
    ) -> User:
        first, _, last = username.partition(".")
        user = get_user_model().objects.create_user(
            username=username,
            first_name=first.title(),
            last_name=last.title(),
            password="correct-horse-battery-staple-1976",
        )
        post = next((where for _, where in roles if where is not None), None)
        official = Official.objects.create(
            user=user, agency=agency or world.cia, post=post, clearance=clearance
        )
        for role, where in roles:
            RoleAssignment.objects.create(official=official, role=role, post=where)
        return user

    return make


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


def official_of(user: User) -> Official:
    return Official.objects.get(user=user)


@pytest.fixture
def committee(world: World) -> Committee:
    found, _ = actions.ensure_committee(world.vienna)
    Committee.objects.filter(pk=found.pk).update(established_on=dt.date(2026, 1, 1))
    found.refresh_from_db()
    return found


@pytest.fixture
def bonn_committee(world: World) -> Committee:
    found, _ = actions.ensure_committee(world.bonn)
    return found


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


@pytest.fixture
def client_for(db: Any) -> Callable[[User], Client]:
    def make(user: User) -> Client:
        client = Client(enforce_csrf_checks=True)
        client.force_login(user)
        return client

    return make
