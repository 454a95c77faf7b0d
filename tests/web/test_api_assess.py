"""``POST /api/v1/policy/assess`` (``contracts/assessment.md``, HTTP) through Django's client.

Every client here enforces CSRF like a real browser or program does (``enforce_csrf_checks``);
the default test client skips the check and would hide how authentication really behaves.

The CSRF token: :func:`csrf_pair` asks Django itself for one with
``django.middleware.csrf.get_token`` on a bare request, which makes a fresh secret (what the
``csrftoken`` cookie holds) and a masked token (what a page embeds and a script sends as
``X-CSRFToken``). That is the pair a browser ends up with after loading any page with a form,
without depending on which page sets the cookie.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from typing import Any

import pytest
from django.conf import settings
from django.middleware.csrf import get_token
from django.test import Client, RequestFactory
from django.utils import timezone

from defector import policy
from defector.core.actions import create_api_token, revoke_api_token
from defector.core.models import ApiToken

URL = "/api/v1/policy/assess"
GOOD = {"as_of": "1980-01-01", "nationalities": ["SU"], "location": "AT"}


def csrf_pair() -> tuple[str, str]:
    """(cookie value, header value): a CSRF secret and a masked token for it, from Django."""
    request = RequestFactory().get("/")
    token = get_token(request)
    return request.META["CSRF_COOKIE"], token


def post(client: Client, body: object, **headers: str) -> Any:
    data = body if isinstance(body, str | bytes) else json.dumps(body)
    return client.post(URL, data=data, content_type="application/json", headers=headers)


@pytest.fixture
def with_csrf(signed_in: Client) -> Callable[..., Any]:
    """POST as the signed-in official with the CSRF cookie and header a browser would send."""
    secret, token = csrf_pair()
    signed_in.cookies[settings.CSRF_COOKIE_NAME] = secret

    def send(body: object) -> Any:
        return post(signed_in, body, **{"X-CSRFToken": token})

    return send


def expected(facts: dict[str, Any]) -> dict[str, Any]:
    return policy.assess(policy.parse_facts(facts, today=timezone.localdate())).to_dict()


BODY_ROWS = {
    "a Soviet walk-in with information": {
        **GOOD,
        "escaped_control": True,
        "special_value": ["information"],
        "dissatisfied": True,
        "susceptible": True,
        "willing_to_defect": True,
        "at_us_installation": True,
        "requests": ["asylum"],
    },
    "a person in no category": GOOD,
    "a refugee out of scope": {
        "as_of": "1990-01-01",
        "nationalities": ["IR"],
        "location": "TR",
        "unwilling_to_return": True,
        "persecution_grounds": ["religion"],
    },
    "facts without as_of are assessed as of today": {"nationalities": ["CU"], "location": "MX"},
}


@pytest.mark.parametrize(
    "facts",
    list(BODY_ROWS.values()),
    ids=[f"a signed-in session with the CSRF token gets the outcome for {r}" for r in BODY_ROWS],
)
def test_a_session_with_the_csrf_token_gets_the_policy_outcome(
    with_csrf: Callable[..., Any], facts: dict[str, Any]
) -> None:
    response = with_csrf(facts)
    assert response.status_code == 200, response.content
    assert response["Content-Type"].startswith("application/json")
    assert response.json() == expected(facts)


def test_a_session_post_without_the_csrf_token_is_refused(signed_in: Client) -> None:
    response = post(signed_in, GOOD)
    assert response.status_code == 403
    assert response.json()["code"]


def test_a_session_post_with_a_wrong_csrf_token_is_refused(signed_in: Client) -> None:
    secret, _ = csrf_pair()
    _, other_token = csrf_pair()
    signed_in.cookies[settings.CSRF_COOKIE_NAME] = secret
    response = post(signed_in, GOOD, **{"X-CSRFToken": other_token})
    assert response.status_code == 403
    assert response.json()["code"]


@pytest.mark.django_db
def test_an_anonymous_caller_is_not_authenticated() -> None:
    response = post(Client(enforce_csrf_checks=True), GOOD)
    assert response.status_code == 401, response.content
    assert response.json()["code"] == "not_authenticated"


@pytest.mark.django_db
def test_an_anonymous_caller_is_not_authenticated_even_when_csrf_is_not_checked() -> None:
    response = post(Client(), GOOD)
    assert response.status_code == 401, response.content
    assert response.json()["code"] == "not_authenticated"


@pytest.fixture
def bearer(official: Any) -> tuple[ApiToken, str]:
    return create_api_token(acting_user=official, user=official, name="script")


def test_a_bearer_token_works_without_csrf(bearer: tuple[ApiToken, str]) -> None:
    _, plain = bearer
    client = Client(enforce_csrf_checks=True)
    response = post(
        client, BODY_ROWS["a Soviet walk-in with information"], Authorization=f"Bearer {plain}"
    )
    assert response.status_code == 200, response.content
    assert response.json() == expected(BODY_ROWS["a Soviet walk-in with information"])


def test_a_bearer_token_records_its_last_use(bearer: tuple[ApiToken, str]) -> None:
    token, plain = bearer
    post(Client(enforce_csrf_checks=True), GOOD, Authorization=f"Bearer {plain}")
    token.refresh_from_db()
    assert token.last_used_at is not None


def _revoke(token: ApiToken) -> None:
    revoke_api_token(acting_user=token.user, token_id=token.pk)


def _expire(token: ApiToken) -> None:
    now = timezone.now()
    ApiToken.objects.filter(pk=token.pk).update(
        created_at=now - dt.timedelta(days=10), expires_at=now - dt.timedelta(seconds=1)
    )


def _deactivate_user(token: ApiToken) -> None:
    token.user.is_active = False
    token.user.save(update_fields=["is_active"])


@pytest.mark.parametrize(
    ("spoil", "header"),
    [
        (_revoke, None),
        (_expire, None),
        (_deactivate_user, None),
        (None, "Bearer dpa_not-a-token-anyone-made"),
        (None, "Bearer not-even-the-prefix"),
    ],
    ids=[
        "a revoked token is not authenticated",
        "an expired token is not authenticated",
        "the token of a deactivated user is not authenticated",
        "an unknown token is not authenticated",
        "a token without the dpa_ prefix is not authenticated",
    ],
)
def test_an_unusable_bearer_token_gets_401(
    bearer: tuple[ApiToken, str], spoil: Callable[[ApiToken], None] | None, header: str | None
) -> None:
    token, plain = bearer
    if spoil is not None:
        spoil(token)
    response = post(
        Client(enforce_csrf_checks=True), GOOD, Authorization=header or f"Bearer {plain}"
    )
    assert response.status_code == 401, response.content
    assert response.json()["code"] == "not_authenticated"


INVALID_ROWS: dict[str, tuple[object, list[str], str]] = {
    # sentence: (body, the fields the errors must name, a fragment of one message)
    "an unknown field is named": ({**GOOD, "locaton": "AT"}, ["locaton"], "did you mean"),
    "an unknown country is named": ({**GOOD, "location": "XX"}, ["location"], "XX"),
    "a missing location is named": ({"nationalities": ["SU"]}, ["location"], "required"),
    "an enum value is named with its index": (
        {**GOOD, "requests": ["asylum", "cash"]},
        ["requests[1]"],
        "cash",
    ),
    "an impossible date is named": ({**GOOD, "as_of": "1976-02-30"}, ["as_of"], "1976-02-30"),
    "several errors are listed together": (
        {"nationalities": "SU", "escaped_control": 1, "as_of": "76-5-18"},
        ["as_of", "escaped_control", "location", "nationalities"],
        "",
    ),
    "a body that is not JSON is refused": ('{"nationalities": ["SU"], ', [""], "JSON"),
    "a key given twice is refused and named": (
        '{"nationalities": ["SU"], "location": "AT", "location": "DE"}',
        [""],
        "'location'",
    ),
    "a JSON array is not a facts object": (json.dumps([GOOD]), [""], "object"),
    "an empty body is refused": ("", [""], "JSON"),
}


@pytest.mark.parametrize(
    ("body", "fields", "fragment"), list(INVALID_ROWS.values()), ids=list(INVALID_ROWS)
)
def test_invalid_facts_get_422_with_each_field(
    with_csrf: Callable[..., Any], body: object, fields: list[str], fragment: str
) -> None:
    response = with_csrf(body)
    assert response.status_code == 422, response.content
    answer = response.json()
    assert answer["code"] == "validation_error"
    assert answer["message"]
    assert sorted(error["field"] for error in answer["errors"]) == fields
    assert any(fragment in error["message"] for error in answer["errors"])


@pytest.mark.django_db
def test_the_openapi_document_describes_the_request_body() -> None:
    response = Client().get("/api/v1/openapi.json")
    assert response.status_code == 200
    document = response.json()
    operation = document["paths"][URL]["post"]
    body = operation["requestBody"]
    assert body["required"] is True
    schema = body["content"]["application/json"]["schema"]
    assert schema["type"] == "object"
    assert schema["additionalProperties"] is False
    assert sorted(schema["required"]) == ["location", "nationalities"]
    assert list(schema["properties"]) == list(policy.facts.FIELD_NAMES)
    assert schema["properties"]["escaped_control"]["type"] == "boolean"
    assert schema["properties"]["special_value"]["items"]["enum"] == [
        "information",
        "operational",
        "psychological",
    ]
    assert "SU" in schema["properties"]["location"]["enum"]
    assert {"200", "401", "422"} <= set(operation["responses"])
