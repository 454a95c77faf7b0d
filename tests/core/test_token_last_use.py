"""A token's last use is written at most once a minute, and by one request only: every
request that read the token before the minute was up would write it, so the update is
conditional on the stored time being as old still (``core.actions.touch_api_token``)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from defector.core import actions, queries
from defector.core.models import ApiToken

pytestmark = pytest.mark.django_db


def _token_writes(captured: CaptureQueriesContext) -> list[str]:
    return [
        query["sql"]
        for query in captured.captured_queries
        if query["sql"].startswith("UPDATE") and "core_apitoken" in query["sql"]
    ]


def test_a_second_request_within_the_minute_writes_nothing(official: Any) -> None:
    _, plain = actions.create_api_token(acting_user=official, user=official, name="script")
    client = Client(headers={"Authorization": f"Bearer {plain}"})
    with CaptureQueriesContext(connection) as first:
        assert client.get("/api/v1/me").status_code == 200
    with CaptureQueriesContext(connection) as second:
        assert client.get("/api/v1/me").status_code == 200
    assert len(_token_writes(first)) == 1
    assert _token_writes(second) == []
    assert len(second) == len(first) - 1


def test_of_two_requests_that_read_the_old_time_only_the_first_writes(official: Any) -> None:
    _, plain = actions.create_api_token(acting_user=official, user=official, name="script")
    old = timezone.now() - dt.timedelta(minutes=5)
    ApiToken.objects.filter(user=official).update(last_used_at=old)
    # Both read the token before either wrote: as two server processes at once.
    first, second = queries.active_token(plain), queries.active_token(plain)
    assert first is not None
    assert second is not None
    assert first.last_used_at == second.last_used_at == old
    assert actions.touch_api_token(first) is True
    written = ApiToken.objects.get(user=official).last_used_at
    with CaptureQueriesContext(connection) as late:
        assert actions.touch_api_token(second) is False
    assert len(_token_writes(late)) == 1  # asked, but no row was as old any more
    assert ApiToken.objects.get(user=official).last_used_at == written
    assert written is not None
    assert written > old


def test_a_token_never_used_is_written_at_its_first_use(official: Any) -> None:
    _, plain = actions.create_api_token(acting_user=official, user=official, name="script")
    token = queries.active_token(plain)
    assert token is not None
    assert token.last_used_at is None
    assert actions.touch_api_token(token) is True
    assert ApiToken.objects.get(user=official).last_used_at == token.last_used_at
    with CaptureQueriesContext(connection) as again:
        assert actions.touch_api_token(token) is False
    assert len(again) == 0
