"""Fixtures of the directory's tests: a small directory, an administrator, an official, and
someone signed in who is neither."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from defector.core.actions import create_api_token
from defector.directory import actions
from defector.directory.models import Official


@pytest.fixture
def world(db: Any) -> dict[str, Any]:
    """Two agencies, two posts and a compartment, made by an operator at the console."""
    return {
        "cia": actions.create_agency(
            acting_user=None, code="CIA", name="Central Intelligence Agency"
        ),
        "state": actions.create_agency(
            acting_user=None, code="STATE", name="Department of State", kind="department"
        ),
        "vienna": actions.create_post(
            acting_user=None, code="VIENNA", name="Embassy Vienna", country="AT", city="Vienna"
        ),
        "tokyo": actions.create_post(
            acting_user=None, code="TOKYO", name="Embassy Tokyo", country="JP", city="Tokyo"
        ),
        "harbor": actions.create_compartment(acting_user=None, code="HARBOR", name="Harbor"),
    }


@pytest.fixture
def make_official(world: dict[str, Any]) -> Callable[..., Official]:
    def make(username: str, *roles: tuple[str, str | None], **extra: Any) -> Official:
        values: dict[str, Any] = {
            "agency": "CIA",
            "post": "VIENNA",
            "clearance": "SECRET",
            "first_name": username.split(".")[0].title(),
            "last_name": username.split(".")[-1].title(),
            **extra,
        }
        return actions.create_official(
            acting_user=None, username=username, roles=list(roles), **values
        )

    return make


@pytest.fixture
def admin(make_official: Callable[..., Official]) -> Any:
    """An administrator: an official holding the administrator role (no superuser flag)."""
    return make_official("ops.admin", ("administrator", None), post=None, agency="STATE").user


@pytest.fixture
def officer(make_official: Callable[..., Official]) -> Any:
    """A case officer at Vienna: may look the directory up, not manage it."""
    return make_official("dana.reyes", ("case_officer", "VIENNA"), compartments=["HARBOR"]).user


@pytest.fixture
def stranger(db: Any) -> Any:
    """Signed in, but neither an official nor an administrator."""
    return get_user_model().objects.create_user(username="stranger", password=None)


def browser(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def admin_client(admin: Any) -> Client:
    return browser(admin)


@pytest.fixture
def officer_client(officer: Any) -> Client:
    return browser(officer)


@pytest.fixture
def stranger_client(stranger: Any) -> Client:
    return browser(stranger)


def bearer(user: Any) -> dict[str, str]:
    _, plain = create_api_token(acting_user=user, user=user, name="tests")
    return {"Authorization": f"Bearer {plain}"}


@pytest.fixture
def api_headers(db: Any) -> Callable[[Any], dict[str, str]]:
    """The headers that authenticate a program as ``user`` (a fresh API token)."""
    return bearer


@pytest.fixture
def admin_api(admin: Any) -> dict[str, str]:
    return bearer(admin)


@pytest.fixture
def officer_api(officer: Any) -> dict[str, str]:
    return bearer(officer)
