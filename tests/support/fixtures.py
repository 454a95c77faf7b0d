"""The fixtures every test may use: a pytest plugin, loaded by ``tests/conftest.py``.

- ``fast_password_hashing`` (autouse): MD5 instead of Argon2 (~0.2 s a password); a test
  marked ``@pytest.mark.argon2`` keeps the project's hashers;
- ``second_factor_only_where_marked`` (autouse): multi-factor authentication is off unless a
  test is marked ``@pytest.mark.mfa``;
- ``sealing_keys``: seal with a keyring made once per test session (``DEFECTOR_SEALING_KEYS``),
  never with a key file under ``var/``; the domain suites use it for every test;
- ``world`` (:class:`support.world.World`: the parts named by ``world_parts``),
  ``make_official`` (its agency defaults to the ``default_agency`` fixture, the CIA unless a
  suite overrides it), ``client_for``, ``committed``;
- ``make_user``, ``official`` and ``signed_in``: a plain user with a known password.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.contrib.auth import get_user_model
from django.contrib.auth.models import User
from django.db import connection
from django.test import Client

from defector.core import sealing, unchanged
from defector.directory.models import Agency

from .builders import DEMO_PASSWORD, signed_in_client
from .builders import make_official as build_official
from .world import EVERY_PART, World, build_world

FAST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def fast_password_hashing(request: pytest.FixtureRequest, settings: Any) -> None:
    """Argon2 costs ~0.2 s a password; only the tests marked ``argon2`` check the hasher."""
    if request.node.get_closest_marker("argon2") is None:
        settings.PASSWORD_HASHERS = FAST_HASHERS


@pytest.fixture(autouse=True)
def second_factor_only_where_marked(request: pytest.FixtureRequest, settings: Any) -> None:
    """Multi-factor authentication is off in tests (most sign in with ``force_login``) unless
    a test is marked ``@pytest.mark.mfa``; the tests of the second factor are."""
    settings.MFA_REQUIRED = request.node.get_closest_marker("mfa") is not None


@pytest.fixture(scope="session")
def sealing_keys_json() -> str:
    return sealing.Keyring(primary="t1", keys={"t1": AESGCM.generate_key(256)}).to_json()


@pytest.fixture
def sealing_keys(sealing_keys_json: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Seal with the session's test keyring, never with a key file under ``var/``."""
    monkeypatch.setenv(sealing.KEYS_ENV, sealing_keys_json)
    sealing.reset_keyring()
    yield
    sealing.reset_keyring()


@pytest.fixture
def world_parts() -> tuple[str, ...]:
    """The parts of the ``world`` a suite builds (a conftest may override this fixture)."""
    return EVERY_PART


@pytest.fixture
def world(db: Any, world_parts: tuple[str, ...]) -> World:
    return build_world(world_parts)


@pytest.fixture
def default_agency(world: World) -> Agency:
    """The agency of an official made without one (a suite may override this fixture)."""
    return world.cia


MakeOfficial = Callable[..., User]


@pytest.fixture
def make_official(default_agency: Agency) -> MakeOfficial:
    """``make_official("first.last", ("case_officer", world.vienna), clearance="SECRET")``: a
    user who is an official at the post of their first post role (Washington otherwise);
    ``agency=``, ``compartments=``, ``email=`` and ``official=False`` as in
    :func:`support.builders.make_official`."""

    def make(username: str, *roles: Any, agency: Agency | None = None, **extra: Any) -> User:
        return build_official(username, *roles, agency=agency or default_agency, **extra)

    return make


@pytest.fixture
def client_for(db: Any) -> Callable[[User], Client]:
    """A browser-like client signed in as a user, enforcing CSRF like a real browser."""
    return signed_in_client


@pytest.fixture
def committed(django_capture_on_commit_callbacks: Any) -> Callable[[], Any]:
    """``with committed(): action(...)`` runs what the action left for after its commit (the
    notices), as a real commit would."""

    def make() -> Any:
        return django_capture_on_commit_callbacks(execute=True)

    return make


@pytest.fixture
def make_user(db: Any) -> Callable[..., Any]:
    """Create a user with a known password: ``make_user("name", is_superuser=True)``."""

    def make(username: str = "official", **extra: Any) -> Any:
        return get_user_model().objects.create_user(
            username=username, password=DEMO_PASSWORD, **extra
        )

    return make


@pytest.fixture
def official(make_user: Callable[..., Any]) -> Any:
    return make_user("official", first_name="Duty", last_name="Officer")


@pytest.fixture
def signed_in(official: Any) -> Client:
    """A browser-like client signed in as ``official``, enforcing CSRF like a real browser."""
    return signed_in_client(official)


@pytest.fixture
def quiet_server(monkeypatch: pytest.MonkeyPatch) -> None:
    """On PostgreSQL the reading is the server's snapshot, which a transaction of any database
    on the server ends changes (another test worker's, another suite's): a test that expects an
    answer given again takes the server as quiet, a reading that changes only with a
    transaction's own state. On SQLite the reading is the database's own, left as it is."""
    if connection.vendor != "postgresql":
        return
    real = unchanged.reading

    def quiet(of: Any) -> tuple[Any, ...] | None:
        return None if real(of) is None else (of.connection, "quiet")

    monkeypatch.setattr(unchanged, "reading", quiet)
