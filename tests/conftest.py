"""Fixtures every test may use.

``DEFECTOR_TEST_REQUIRE`` (comma-separated: ``postgres``, ``browser``) turns the skip of a
suite whose prerequisite is missing into a failure; CI sets it to every optional part.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

DEMO_PASSWORD = "correct-horse-battery-staple-1976"


def required_parts() -> set[str]:
    raw = os.environ.get("DEFECTOR_TEST_REQUIRE", "")
    return {part.strip() for part in raw.split(",") if part.strip()}


def skip_or_fail(part: str, reason: str) -> None:
    """Skip a test whose prerequisite ``part`` is missing, unless CI requires that part."""
    if part in required_parts():
        pytest.fail(f"{part} is required (DEFECTOR_TEST_REQUIRE) but {reason}", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(autouse=True)
def second_factor_only_where_marked(request: pytest.FixtureRequest, settings: Any) -> None:
    """Multi-factor authentication is off in tests (most sign in with ``force_login``) unless
    a test is marked ``@pytest.mark.mfa``; the tests of the second factor are."""
    settings.MFA_REQUIRED = request.node.get_closest_marker("mfa") is not None


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
    client = Client(enforce_csrf_checks=True)
    client.force_login(official)
    return client
