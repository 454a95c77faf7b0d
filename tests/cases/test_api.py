"""The cases API (``/api/v1/cases``) through Django's client, with API tokens (and once with a
browser session and its CSRF token)."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.conf import settings
from django.contrib.auth.models import User
from django.middleware.csrf import get_token
from django.test import Client, RequestFactory
from django.utils import timezone

from defector.core import tokens
from defector.core.models import ApiToken, AuditEvent

pytestmark = pytest.mark.django_db

URL = "/api/v1/cases"
REASON = "Name trace requested by the committee for bona fides"


def field_of(error: dict[str, str]) -> str:
    """The field an error names, without the path of the body parameter that ninja adds
    (``payload.reason``)."""
    return error["field"].rsplit(".", 1)[-1]


@dataclass
class Api:
    """Calls the API as one user, with an API token."""

    client: Client
    token: str

    def get(self, path: str = "", **query: Any) -> Any:
        return self.client.get(URL + path, query, headers={"Authorization": f"Bearer {self.token}"})

    def post(self, path: str, body: object) -> Any:
        return self.client.post(
            URL + path,
            data=json.dumps(body),
            content_type="application/json",
            headers={"Authorization": f"Bearer {self.token}"},
        )


@pytest.fixture
def api() -> Callable[[User], Api]:
    def make(user: User) -> Api:
        # Made directly, not with the action: its audit record (core.token.create) would count
        # among the events these tests compare.
        plain = tokens.new_token()
        ApiToken.objects.create(
            user=user,
            name="tests",
            prefix=plain[:10],
            digest=tokens.digest(plain),
            scope="write",
            expires_at=timezone.now() + dt.timedelta(days=1),
        )
        return Api(Client(enforce_csrf_checks=True), plain)

    return make


@pytest.fixture
def walk_in(world: Any, identity: dict[str, str]) -> dict[str, Any]:
    return {"post_id": world.vienna.pk, "sensitivity": "SECRET", **identity}


# --- opening ------------------------------------------------------------------------------


def test_opening_a_case_answers_201_with_the_case_and_no_identity(
    api: Callable[[User], Api], officer: User, walk_in: dict[str, Any], identity: dict[str, str]
) -> None:
    response = api(officer).post("", {**walk_in, "compartments": ["ALPHA"]})
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["cryptonym"].isalpha()
    assert body["post"]["code"] == "VIENNA"
    assert body["sensitivity"] == "SECRET"
    assert body["kind"] == "walk_in"
    assert body["compartments"] == ["ALPHA"]
    assert [officer_["id"] for officer_ in body["officers"]] == [officer.official.pk]
    assert body["can_reveal"] is True
    assert {row["field"]: row["recorded"] for row in body["identity"]} == {
        "true_name": True,
        "aliases": True,
        "birth_date": True,
        "birth_place": True,
        "identity_documents": True,
    }
    for value in identity.values():
        assert value not in response.content.decode()


def test_a_bad_intake_answers_422_naming_every_field(
    api: Callable[[User], Api], officer: User, walk_in: dict[str, Any], counts: Any
) -> None:
    caller = api(officer)  # its token is audited: made before counting
    before = counts()
    response = caller.post(
        "", {**walk_in, "sensitivity": "COSMIC", "birth_date": "yesterday", "post_id": 999_999}
    )
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "validation_error"
    assert {error["field"] for error in body["errors"]} == {"post_id", "sensitivity", "birth_date"}
    assert "yesterday" not in response.content.decode()
    assert counts() == before


def test_an_unknown_field_in_the_intake_is_refused(
    api: Callable[[User], Api], officer: User, walk_in: dict[str, Any], counts: Any
) -> None:
    caller = api(officer)  # its token is audited: made before counting
    before = counts()
    response = caller.post("", {**walk_in, "truename": "misspelt"})
    assert response.status_code == 422
    assert "truename" in {field_of(error) for error in response.json()["errors"]}
    assert counts() == before


def test_opening_a_case_without_an_intake_role_answers_403(
    api: Callable[[User], Api], idc: User, walk_in: dict[str, Any], counts: Any
) -> None:
    caller = api(idc)  # its token is audited: made before counting
    before = counts()
    response = caller.post("", walk_in)
    assert response.status_code == 403
    assert response.json()["code"] == "permission_denied"
    assert response.json()["clauses"] == ["6b(1)"]
    assert counts() == before


def test_the_api_needs_authentication(walk_in: dict[str, Any]) -> None:
    client = Client()
    assert client.get(URL).status_code == 401
    response = client.post(URL, data=json.dumps(walk_in), content_type="application/json")
    assert response.status_code == 401


def test_a_browser_session_opens_a_case_with_its_csrf_token(
    client_for: Callable[[User], Client], officer: User, walk_in: dict[str, Any]
) -> None:
    client = client_for(officer)
    body = json.dumps(walk_in)
    refused = client.post(URL, data=body, content_type="application/json")
    assert refused.status_code == 403
    request = RequestFactory().get("/")
    token = get_token(request)
    client.cookies[settings.CSRF_COOKIE_NAME] = request.META["CSRF_COOKIE"]
    response = client.post(
        URL, data=body, content_type="application/json", headers={"X-CSRFToken": token}
    )
    assert response.status_code == 201


# --- reading ------------------------------------------------------------------------------


def test_the_list_shows_cryptonyms_of_visible_cases_only(
    api: Callable[[User], Api],
    open_case: Any,
    officer: User,
    officer_in_bonn: User,
    world: Any,
    identity: dict[str, str],
) -> None:
    vienna = open_case()
    bonn = open_case(acting_user=officer_in_bonn, post_id=world.bonn.pk)
    response = api(officer).get()
    assert response.status_code == 200
    assert [row["cryptonym"] for row in response.json()["items"]] == [vienna.cryptonym]
    assert set(response.json()["items"][0]) == {
        "id",
        "cryptonym",
        "kind",
        "post",
        "sensitivity",
        "opened_at",
        "received_at",
        "stage",
        "outcome",
        "categories",
        "open_count",
        "overdue_count",
        "version",
    }
    assert identity["true_name"] not in response.content.decode()
    assert [row["cryptonym"] for row in api(officer_in_bonn).get().json()["items"]] == [
        bonn.cryptonym
    ]


def test_the_list_filters_by_post_and_by_text_in_the_cryptonym(
    api: Callable[[User], Api], open_case: Any, idc: User, officer_in_bonn: User, world: Any
) -> None:
    vienna = open_case()
    bonn = open_case(acting_user=officer_in_bonn, post_id=world.bonn.pk)
    washington = api(idc)
    assert {row["cryptonym"] for row in washington.get().json()["items"]} == {
        vienna.cryptonym,
        bonn.cryptonym,
    }
    by_post = washington.get(post=world.bonn.pk).json()["items"]
    assert [row["cryptonym"] for row in by_post] == [bonn.cryptonym]
    by_text = washington.get(q=vienna.cryptonym[2:].lower()).json()["items"]
    assert vienna.cryptonym in [row["cryptonym"] for row in by_text]
    assert washington.get(post="x").status_code == 422


def test_a_case_answers_with_its_details(
    api: Callable[[User], Api], open_case: Any, member: User
) -> None:
    case = open_case()
    response = api(member).get(f"/{case.pk}")
    assert response.status_code == 200
    body = response.json()
    assert body["id"] == case.pk
    assert body["cryptonym"] == case.cryptonym
    assert body["can_reveal"] is False


@pytest.mark.parametrize(
    "who",
    ["officer_in_bonn", "second_officer", "auditor", "administrator"],
    ids=[
        "another post's officer",
        "an unassigned officer of the post",
        "an auditor",
        "an administrator",
    ],
)
def test_a_case_the_caller_may_not_see_answers_404_like_a_missing_one(
    api: Callable[[User], Api], open_case: Any, request: pytest.FixtureRequest, who: str
) -> None:
    case = open_case()
    caller = api(request.getfixturevalue(who))
    denied = caller.get(f"/{case.pk}")
    missing = caller.get(f"/{case.pk + 1000}")
    assert denied.status_code == missing.status_code == 404
    assert denied.json() == missing.json()


# --- revealing ----------------------------------------------------------------------------


def test_a_reveal_answers_the_value_and_records_the_reason(
    api: Callable[[User], Api], open_case: Any, chair: User, identity: dict[str, str]
) -> None:
    case = open_case()
    caller = api(chair)  # its token is audited: made before counting
    before = AuditEvent.objects.count()
    response = caller.post(f"/{case.pk}/reveal", {"field": "true_name", "reason": REASON})
    assert response.status_code == 200
    assert response.json() == {"field": "true_name", "value": identity["true_name"]}
    assert AuditEvent.objects.count() == before + 1
    assert AuditEvent.objects.order_by("-seq").values_list("reason", flat=True)[0] == REASON


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"field": "true_name", "reason": "short"}, "reason"),
        ({"field": "true_name", "reason": ""}, "reason"),
        ({"field": "true_name"}, "reason"),
        ({"field": "password", "reason": REASON}, "field"),
    ],
    ids=["a short reason", "an empty reason", "no reason", "an unknown field"],
)
def test_a_bad_reveal_answers_422_and_reveals_nothing(
    api: Callable[[User], Api],
    open_case: Any,
    officer: User,
    identity: dict[str, str],
    body: dict[str, str],
    field: str,
) -> None:
    case = open_case()
    caller = api(officer)  # its token is audited: made before counting
    before = AuditEvent.objects.count()
    response = caller.post(f"/{case.pk}/reveal", body)
    assert response.status_code == 422
    assert field in {field_of(error) for error in response.json()["errors"]}
    assert identity["true_name"] not in response.content.decode()
    assert AuditEvent.objects.count() == before


def test_a_reveal_by_someone_who_may_not_see_the_case_answers_404_and_records_nothing(
    api: Callable[[User], Api], open_case: Any, officer_in_bonn: User, identity: dict[str, str]
) -> None:
    case = open_case()
    caller = api(officer_in_bonn)  # its token is audited: made before counting
    before = AuditEvent.objects.count()
    response = caller.post(f"/{case.pk}/reveal", {"field": "true_name", "reason": REASON})
    assert response.status_code == 404
    assert identity["true_name"] not in response.content.decode()
    assert AuditEvent.objects.count() == before


def test_a_reveal_by_a_member_who_sees_the_case_answers_403(
    api: Callable[[User], Api], open_case: Any, member: User
) -> None:
    case = open_case()
    caller = api(member)  # its token is audited: made before counting
    before = AuditEvent.objects.count()
    response = caller.post(f"/{case.pk}/reveal", {"field": "true_name", "reason": REASON})
    assert response.status_code == 403
    assert AuditEvent.objects.count() == before


def test_the_openapi_document_describes_the_cases_endpoints(
    api: Callable[[User], Api], officer: User
) -> None:
    document = Client().get("/api/v1/openapi.json").json()
    paths = document["paths"]
    assert {"get", "post"} <= set(paths[URL])
    assert "get" in paths[URL + "/{case_id}"]
    assert "post" in paths[URL + "/{case_id}/reveal"]
