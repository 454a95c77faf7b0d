"""Input at the edges: no NUL characters or lone surrogates; times within range; strict JSON
bodies of bounded size; HEAD where GET is; names that cannot pass for others."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.utils import timezone

from defector.core.actions import create_api_token, create_user
from defector.core.choices import TokenScope
from defector.core.errors import InvalidInput
from defector.core.models import ApiToken
from defector.core.schemas import MAX_PAGE
from support.api import api_as

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


# --- times outside the representable range, pages beyond any log ------------------------------

FAR_PAST = "0001-01-01T00:00:00+14:00"  # before 0001-01-01 in UTC
FAR_FUTURE = "9999-12-31T23:59:59-14:00"  # after 9999-12-31 in UTC


@pytest.fixture
def auditor(make_official: Any) -> Any:
    return make_official("the.auditor", ("auditor", None))


def fields_of(response: Any) -> set[str]:
    return {error["field"] for error in response.json()["errors"]}


@pytest.mark.parametrize(
    ("name", "moment"), [("since", FAR_PAST), ("until", FAR_FUTURE)], ids=["since", "until"]
)
def test_audit_events_filtered_by_a_time_outside_the_range_answer_422_naming_it(
    auditor: Any, name: str, moment: str
) -> None:
    response = api_as(auditor, "/api/v1/audit").get("/events", **{name: moment})
    assert response.status_code == 422, response.content
    assert fields_of(response) == {name}


@pytest.mark.parametrize(
    ("name", "moment"), [("since", "0001-01-01T00:00"), ("until", "9999-12-31T23:59")]
)
def test_the_audit_page_filtered_by_a_time_at_the_ends_of_the_range_shows_a_form_error(
    client_for: Any, auditor: Any, name: str, moment: str
) -> None:
    response = client_for(auditor).get("/audit/", {name: moment})
    assert response.status_code == 200
    assert name in response.context["form"].errors


def test_an_audit_events_page_number_beyond_any_log_answers_422_naming_page(
    auditor: Any,
) -> None:
    response = api_as(auditor, "/api/v1/audit").get("/events", page="99999999999999999999")
    assert response.status_code == 422, response.content
    assert fields_of(response) == {"page"}
    assert api_as(auditor, "/api/v1/audit").get("/events", page=MAX_PAGE).status_code == 200


@pytest.mark.parametrize("since", [FAR_PAST, "0", "1.7e9"])
def test_notices_since_a_time_outside_the_range_or_a_number_answer_422_naming_since(
    official: Any, since: str
) -> None:
    response = api_as(official, "/api/v1/notifications").get("/notices", since=since)
    assert response.status_code == 422, response.content
    assert fields_of(response) == {"since"}


@pytest.mark.parametrize("seen_until", [0, 1.5, "0", FAR_PAST])
def test_a_visit_seen_until_a_number_or_a_time_outside_the_range_is_refused(
    official: Any, seen_until: object
) -> None:
    response = api_as(official, "/api/v1/notifications").post("/visit", {"seen_until": seen_until})
    assert response.status_code == 422, response.content
    assert fields_of(response) == {"seen_until"}


# --- the JSON bodies of the API: strict, bounded; HEAD where GET is ----------------------------


def test_a_key_given_twice_in_an_api_body_answers_422_naming_the_key(official: Any) -> None:
    client = api_as(official, "/api/v1/notifications")
    response = client.client.post(
        "/api/v1/notifications/visit",
        data='{"notice_ids": [], "seen_until": null, "seen_until": "2026-01-01T00:00:00Z"}',
        content_type="application/json",
        headers={"Authorization": f"Bearer {client.token}"},
    )
    assert response.status_code == 422, response.content
    assert response.json()["code"] == "validation_error"
    assert fields_of(response) == {"seen_until"}
    assert "twice" in response.json()["errors"][0]["message"]


def test_a_key_given_twice_in_a_nested_api_object_is_named_by_its_path(official: Any) -> None:
    client = api_as(official, "/api/v1/notifications")
    response = client.client.post(
        "/api/v1/notifications/visit",
        data='{"notice_ids": [1], "extra": {"a": [{"b": 1, "b": 2}]}}',
        content_type="application/json",
        headers={"Authorization": f"Bearer {client.token}"},
    )
    assert response.status_code == 422, response.content
    assert fields_of(response) == {"extra.a[0].b"}


def test_an_api_body_over_the_limit_answers_a_json_413(official: Any, settings: Any) -> None:
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    client = api_as(official, "/api/v1/notifications")
    response = client.client.post(
        "/api/v1/notifications/visit",
        data='{"notice_ids": [' + ", ".join(["1"] * 1000) + "]}",
        content_type="application/json",
        headers={"Authorization": f"Bearer {client.token}"},
    )
    assert response.status_code == 413
    assert response["Content-Type"].startswith("application/json")
    assert response.json()["code"] == "too_large"


def test_a_page_form_over_the_limit_answers_413_not_a_server_error(
    signed_in: Client, settings: Any
) -> None:
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    response = signed_in.post(
        "/assess/", "location=" + "A" * 2000, content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 413


@pytest.mark.parametrize("path", ["/api/v1/me", "/api/v1/notifications/notices"])
def test_a_read_token_may_send_head_where_the_api_answers_get(official: Any, path: str) -> None:
    _, token = create_api_token(
        acting_user=official, user=official, name="reader", scope=TokenScope.READ
    )
    headers = {"Authorization": f"Bearer {token}"}
    got = Client().get(path, headers=headers)
    head = Client().head(path, headers=headers)
    assert got.status_code == 200
    assert head.status_code == 200
    assert head.content == b""
    assert head["Content-Type"] == got["Content-Type"]
    assert int(head["Content-Length"]) == len(got.content)


def test_head_on_an_api_path_that_only_takes_post_is_still_405(official: Any) -> None:
    _, token = create_api_token(acting_user=official, user=official, name="t")
    response = Client().head(
        "/api/v1/notifications/visit", headers={"Authorization": f"Bearer {token}"}
    )
    assert response.status_code == 405


def test_an_account_created_from_the_console_may_not_pass_for_another(db: Any) -> None:
    create_user(acting_user=None, username="duty.officer", password=None)
    with pytest.raises(InvalidInput) as caught:
        create_user(
            acting_user=None,
            username="duty.\u043efficer",
            password=None,
            last_name="\u202eOfficer",
        )
    assert {error["field"] for error in caught.value.errors} == {"username", "last_name"}
    with pytest.raises(InvalidInput, match="looks the same"):
        create_user(acting_user=None, username="duty.0fficer", password=None)
