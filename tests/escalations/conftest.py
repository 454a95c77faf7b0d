"""Fixtures of the escalations tests: a small directory with committees at three posts, cases,
and helpers to call the API and to run the notifications sent after commit.

(Copied in part from ``tests/cases/conftest.py``: test folders cannot import each other under
``--import-mode=importlib``.)

- VIENNA: a committee member from the CIA (the post's CIA channel), a member from State, the
  chair (State), the senior US representative (State), an invited representative (DOD) and a
  case officer (CIA);
- BONN: a committee member from the CIA and a senior US representative;
- TOKYO: a committee member from State and a senior US representative, and no one from the CIA;
- Washington: two IDC members; an auditor and an administrator.
Everyone is cleared SECRET unless a test says otherwise.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.contrib.auth import get_user_model
from django.contrib.auth.models import User
from django.test import Client

from defector.cases import actions as case_actions
from defector.cases.models import Case
from defector.core import sealing
from defector.core.actions import create_api_token
from defector.directory.models import Agency, Compartment, Official, Post, RoleAssignment
from defector.escalations import actions
from defector.escalations.models import Problem


@pytest.fixture(scope="session")
def sealing_keys_json() -> str:
    return sealing.Keyring(primary="t1", keys={"t1": AESGCM.generate_key(256)}).to_json()


@pytest.fixture(autouse=True)
def sealing_keys(sealing_keys_json: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
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
    tokyo: Post
    cia: Agency
    state: Agency
    dod: Agency
    alpha: Compartment


@pytest.fixture
def world(db: Any) -> World:
    return World(
        vienna=Post.objects.create(
            code="VIENNA", name="Embassy Vienna", country="AT", city="Vienna"
        ),
        bonn=Post.objects.create(code="BONN", name="Embassy Bonn", country="DE", city="Bonn"),
        tokyo=Post.objects.create(code="TOKYO", name="Embassy Tokyo", country="JP", city="Tokyo"),
        cia=Agency.objects.create(code="CIA", name="Central Intelligence Agency"),
        state=Agency.objects.create(code="STATE", name="Department of State"),
        dod=Agency.objects.create(code="DOD", name="Department of Defense"),
        alpha=Compartment.objects.create(code="ALPHA", name="Alpha"),
    )


MakeOfficial = Callable[..., User]


@pytest.fixture
def make_official(world: World) -> MakeOfficial:
    """``make_official("name", ("committee_member", world.vienna), agency=world.cia)``."""

    def make(
        username: str,
        *roles: tuple[str, Post | None],
        agency: Agency | None = None,
        clearance: str = "SECRET",
        compartments: tuple[Compartment, ...] = (),
        email: str = "",
    ) -> User:
        first, _, last = username.partition(".")
        user = get_user_model().objects.create_user(
            username=username, first_name=first.title(), last_name=last.title(), email=email
        )
        post = next((where for _, where in roles if where is not None), None)
        person = Official.objects.create(
            user=user, agency=agency or world.state, post=post, clearance=clearance
        )
        person.compartments.set(compartments)
        for role, where in roles:
            RoleAssignment.objects.create(official=person, role=role, post=where)
        return user

    return make


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

    def open_(**overrides: Any) -> Case:
        arguments: dict[str, Any] = {
            "acting_user": officer,
            "post_id": world.vienna.pk,
            "sensitivity": "SECRET",
            "true_name": "Arkady Nikolayevich Shevchenko",
        }
        arguments.update(overrides)
        return case_actions.open_case(**arguments)

    return open_


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


@pytest.fixture
def committed(django_capture_on_commit_callbacks: Any) -> Callable[[], Any]:
    """``with committed(): action(...)`` runs what the action left for after its commit (the
    notices), as a real commit would."""

    def make() -> Any:
        return django_capture_on_commit_callbacks(execute=True)

    return make


@dataclass
class Api:
    """Calls ``/api/v1/escalations`` as one user, with an API token."""

    client: Client
    token: str

    def get(self, path: str = "", **query: Any) -> Any:
        return self.client.get(
            "/api/v1/escalations" + path, query, headers={"Authorization": f"Bearer {self.token}"}
        )

    def post(self, path: str, body: object = None) -> Any:
        return self.client.post(
            "/api/v1/escalations" + path,
            data=json.dumps(body if body is not None else {}),
            content_type="application/json",
            headers={"Authorization": f"Bearer {self.token}"},
        )


@pytest.fixture
def api(db: Any) -> Callable[[User], Api]:
    def make(user: User) -> Api:
        _, plain = create_api_token(acting_user=user, user=user, name="tests")
        return Api(Client(enforce_csrf_checks=True), plain)

    return make


@pytest.fixture
def client_for(db: Any) -> Callable[[User], Client]:
    """A browser-like client signed in as a user (CSRF enforced)."""

    def make(user: User) -> Client:
        client = Client(enforce_csrf_checks=True)
        client.force_login(user)
        return client

    return make
