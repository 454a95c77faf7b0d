"""Input every database can store: no NUL characters; datetimes with any UTC offset."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.utils import timezone

from defector.core.models import ApiToken

pytestmark = pytest.mark.django_db


def test_a_nul_character_in_a_query_string_is_refused_by_the_api(signed_in: Client) -> None:
    response = signed_in.get("/api/v1/directory/posts", {"q": "Vien\x00na"})
    assert response.status_code == 422
    assert response.json()["code"] == "validation_error"


def test_a_nul_character_in_a_json_body_is_refused_by_the_api(official: Any) -> None:
    client = Client()
    client.force_login(official)
    response = client.generic(
        "POST",
        "/api/v1/policy/assess",
        '{"nationalities": ["SU"], "location": "A\\u0000T"}',
        content_type="application/json",
        HTTP_X_CSRFTOKEN="x",
    )
    assert response.status_code == 422
    assert "NUL" in response.json()["message"]


def test_a_nul_character_in_a_page_query_is_a_bad_request(signed_in: Client) -> None:
    assert signed_in.get("/cases/", {"q": "a\x00b"}).status_code == 400


def test_an_upload_may_hold_nul_bytes(signed_in: Client) -> None:
    # Multipart bodies (scanned statements) are binary: they are not checked.
    response = signed_in.post("/assess/", {"file": b"\x00\x01"}, format="multipart")
    assert response.status_code != 400


def test_a_datetime_with_any_utc_offset_is_stored_as_the_same_instant(official: Any) -> None:
    far_east = dt.timezone(dt.timedelta(hours=23, minutes=31))
    created = dt.datetime(2026, 2, 10, 0, 25, tzinfo=far_east)
    token = ApiToken.objects.create(
        user=official,
        name="offset",
        prefix="dpa_x",
        digest="0" * 64,
        created_at=created,
        expires_at=created + dt.timedelta(days=1),
    )
    token.refresh_from_db()
    assert token.created_at == created
    assert timezone.is_aware(token.created_at)
    assert connection.vendor in {"sqlite", "postgresql"}
