"""A client of one part of the JSON API (``/api/v1/<part>``), as one user with an API token."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client

from defector.core.actions import create_api_token


@dataclass
class Api:
    """Calls ``prefix`` (``/api/v1/escalations``) as one user, with an API token."""

    client: Client
    token: str
    prefix: str

    def get(self, path: str = "", **query: Any) -> Any:
        return self.client.get(
            self.prefix + path, query, headers={"Authorization": f"Bearer {self.token}"}
        )

    def post(self, path: str, body: object = None) -> Any:
        return self.client.post(
            self.prefix + path,
            data=json.dumps(body if body is not None else {}),
            content_type="application/json",
            headers={"Authorization": f"Bearer {self.token}"},
        )


def api_as(user: User, prefix: str) -> Api:
    """An ``Api`` of ``prefix`` for ``user``, with a fresh token (made by the action)."""
    _, plain = create_api_token(acting_user=user, user=user, name="tests")
    return Api(Client(enforce_csrf_checks=True), plain, prefix)


def api_fixture(prefix: str) -> Any:
    """The ``api`` fixture of a suite: ``api(user)`` calls ``prefix`` as ``user``."""

    @pytest.fixture
    def api(db: Any) -> Callable[[User], Api]:
        return lambda user: api_as(user, prefix)

    return api
