"""Fixtures of the cases tests: a small directory of posts and officials with roles, sealing
keys of their own, and a helper to open a case.

The sealing keys come from ``DEFECTOR_SEALING_KEYS`` (a keyring generated once per test
session), so no test writes a key file under ``var/``.

The directory: posts VIENNA and BONN; compartments ALPHA and BRAVO; at VIENNA a case officer
(read into ALPHA), a second case officer, a committee member, a committee chair and the senior
US representative; a case officer at BONN; an IDC member in Washington; an auditor, an
administrator, an official without roles, and a user who is no official. Everyone is cleared
SECRET unless a test says otherwise.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.contrib.auth import get_user_model
from django.contrib.auth.models import User
from django.test import Client

from defector.cases import actions
from defector.cases.models import Assessment, Case, CaseNote, Obligation, Subject, TimelineEntry
from defector.core import sealing
from defector.core.models import AuditEvent
from defector.directory.models import Agency, Compartment, Official, Post, RoleAssignment

TRUE_NAME = "Arkady Nikolayevich Shevchenko"
IDENTITY = {
    "true_name": TRUE_NAME,
    "aliases": "A. N. Shevchenko\nArkasha",
    "birth_date": "1930-10-11",
    "birth_place": "Horlivka, Ukrainian SSR",
    "identity_documents": "Soviet diplomatic passport D-0412277",
}


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
    """Argon2 costs ~0.2 s a user; the tests here sign in with ``force_login``."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@dataclass
class World:
    vienna: Post
    bonn: Post
    closed: Post
    alpha: Compartment
    bravo: Compartment
    cia: Agency
    state: Agency


@pytest.fixture
def world(db: Any) -> World:
    cia = Agency.objects.create(code="CIA", name="Central Intelligence Agency")
    state = Agency.objects.create(code="STATE", name="Department of State")
    return World(
        vienna=Post.objects.create(
            code="VIENNA", name="Embassy Vienna", country="AT", city="Vienna"
        ),
        bonn=Post.objects.create(code="BONN", name="Embassy Bonn", country="DE", city="Bonn"),
        closed=Post.objects.create(
            code="SAIGON", name="Embassy Saigon", country="VN", city="Saigon", active=False
        ),
        alpha=Compartment.objects.create(code="ALPHA", name="Alpha"),
        bravo=Compartment.objects.create(code="BRAVO", name="Bravo"),
        cia=cia,
        state=state,
    )


MakeOfficial = Callable[..., User]


@pytest.fixture
def make_official(world: World) -> MakeOfficial:
    """``make_official("name", ("case_officer", world.vienna), clearance="SECRET")``: a user who
    is an official at the post of their first post role (Washington otherwise)."""

    def make(
        username: str,
        *roles: tuple[str, Post | None],
        clearance: str = "SECRET",
        compartments: tuple[Compartment, ...] = (),
        official: bool = True,
    ) -> User:
        first, _, last = username.partition(".")
        user = get_user_model().objects.create_user(
            username=username, first_name=first.title(), last_name=last.title()
        )
        if not official:
            return user
        post = next((where for _, where in roles if where is not None), None)
        person = Official.objects.create(
            user=user, agency=world.cia, post=post, clearance=clearance
        )
        person.compartments.set(compartments)
        for role, where in roles:
            RoleAssignment.objects.create(official=person, role=role, post=where)
        return user

    return make


@pytest.fixture
def officer(make_official: MakeOfficial, world: World) -> User:
    return make_official(
        "case.officer", ("case_officer", world.vienna), compartments=(world.alpha,)
    )


@pytest.fixture
def second_officer(make_official: MakeOfficial, world: World) -> User:
    return make_official("second.officer", ("case_officer", world.vienna))


@pytest.fixture
def member(make_official: MakeOfficial, world: World) -> User:
    return make_official("committee.member", ("committee_member", world.vienna))


@pytest.fixture
def chair(make_official: MakeOfficial, world: World) -> User:
    return make_official("committee.chair", ("committee_chair", world.vienna))


@pytest.fixture
def senior(make_official: MakeOfficial, world: World) -> User:
    return make_official("senior.representative", ("senior_representative", world.vienna))


@pytest.fixture
def officer_in_bonn(make_official: MakeOfficial, world: World) -> User:
    return make_official("bonn.officer", ("case_officer", world.bonn))


@pytest.fixture
def idc(make_official: MakeOfficial) -> User:
    return make_official("idc.member", ("idc_member", None))


@pytest.fixture
def auditor(make_official: MakeOfficial) -> User:
    return make_official("the.auditor", ("auditor", None))


@pytest.fixture
def administrator(make_official: MakeOfficial) -> User:
    return make_official("the.administrator", ("administrator", None))


@pytest.fixture
def no_roles(make_official: MakeOfficial, world: World) -> User:
    user = make_official("no.roles")
    Official.objects.filter(user=user).update(post=world.vienna)
    return user


@pytest.fixture
def not_an_official(make_official: MakeOfficial) -> User:
    return make_official("plain.user", official=False)


OpenCase = Callable[..., Case]


@pytest.fixture
def open_case(world: World, officer: User) -> OpenCase:
    """Open a case at VIENNA (SECRET) as ``officer`` unless told otherwise, with ``IDENTITY``."""

    def open_(**overrides: Any) -> Case:
        arguments: dict[str, Any] = {
            "acting_user": officer,
            "post_id": world.vienna.pk,
            "sensitivity": "SECRET",
            **IDENTITY,
        }
        arguments.update(overrides)
        return actions.open_case(**arguments)

    return open_


@pytest.fixture
def identity() -> dict[str, str]:
    """The identity the ``open_case`` fixture records (sealed)."""
    return dict(IDENTITY)


@pytest.fixture
def counts(db: Any) -> Callable[[], tuple[int, ...]]:
    """(cases, subjects, audit events, assessments, obligations, timeline entries, notes): to
    check that nothing partial was saved."""

    def count() -> tuple[int, ...]:
        return (
            Case.objects.count(),
            Subject.objects.count(),
            AuditEvent.objects.count(),
            Assessment.objects.count(),
            Obligation.objects.count(),
            TimelineEntry.objects.count(),
            CaseNote.objects.count(),
        )

    return count


#: The facts of a Soviet official who walked into the embassy in Vienna and asked for asylum:
#: a defector, potential defector, disaffected person and walk-in.
WALK_IN_FACTS: dict[str, Any] = {
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
def walk_in_facts() -> dict[str, Any]:
    return {
        key: list(value) if isinstance(value, list) else value
        for key, value in WALK_IN_FACTS.items()
    }


@pytest.fixture
def client_for(db: Any) -> Callable[[User], Client]:
    """A browser-like client signed in as a user, enforcing CSRF like a real browser."""

    def make(user: User) -> Client:
        client = Client(enforce_csrf_checks=True)
        client.force_login(user)
        return client

    return make
