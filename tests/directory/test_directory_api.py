"""The directory API (``/api/v1/directory``): administrators manage; officials read."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from defector.core.models import AuditEvent
from defector.directory.models import Official, Post

pytestmark = pytest.mark.django_db

BASE = "/api/v1/directory"
Headers = dict[str, str]


def send(method: str, path: str, headers: Headers, body: object = None) -> Any:
    call = getattr(Client(), method)
    if body is None:
        return call(f"{BASE}{path}", headers=headers)
    return call(
        f"{BASE}{path}", data=json.dumps(body), content_type="application/json", headers=headers
    )


def fields(response: Any) -> set[str]:
    return {error["field"] for error in response.json()["errors"]}


# --- posts -----------------------------------------------------------------------------------


def test_an_administrator_creates_reads_and_changes_a_post(admin_api: Headers) -> None:
    body = {"code": "rome", "name": "Embassy Rome", "country": "IT", "city": "Rome"}
    created = send("post", "/posts", admin_api, body)
    assert created.status_code == 201, created.content
    post_id = created.json()["id"]
    assert created.json() == {
        "id": post_id,
        "code": "ROME",
        "name": "Embassy Rome",
        "kind": "embassy",
        "country": "IT",
        "country_name": "Italy",
        "city": "Rome",
        "diplomatic_representation": True,
        "active": True,
    }
    assert send("get", f"/posts/{post_id}", admin_api).json() == created.json()
    changed = send("patch", f"/posts/{post_id}", admin_api, {"kind": "consulate"})
    assert changed.status_code == 200
    assert (changed.json()["kind"], changed.json()["name"]) == ("consulate", "Embassy Rome")
    event = AuditEvent.objects.get(action="directory.post.update")
    assert (event.before["kind"], event.after["kind"]) == ("embassy", "consulate")


def test_officials_list_posts_with_the_pages_filters(officer_api: Headers) -> None:
    listed = send("get", "/posts", officer_api)
    assert listed.status_code == 200
    assert [p["code"] for p in listed.json()["items"]] == ["TOKYO", "VIENNA"]
    assert [p["code"] for p in send("get", "/posts?country=jp", officer_api).json()["items"]] == [
        "TOKYO"
    ]
    assert [p["code"] for p in send("get", "/posts?q=vien", officer_api).json()["items"]] == [
        "VIENNA"
    ]
    assert send("get", "/posts?representation=false", officer_api).json()["items"] == []
    assert send("get", "/posts?kind=mission", officer_api).json()["items"] == []


def test_a_filter_of_the_wrong_kind_answers_422(officer_api: Headers) -> None:
    response = send("get", "/posts?kind=palace", officer_api)
    assert response.status_code == 422
    assert fields(response) == {"kind"}


def test_a_non_administrator_cannot_create_and_cannot_see_what_to_change(
    officer_api: Headers, world: dict[str, Any]
) -> None:
    body = {"code": "ROME", "name": "Embassy Rome", "country": "IT", "city": "Rome"}
    refused = send("post", "/posts", officer_api, body)
    assert refused.status_code == 403
    assert refused.json()["code"] == "permission_denied"
    hidden = send("patch", f"/posts/{world['vienna'].pk}", officer_api, {"city": "Wien"})
    assert hidden.status_code == 404
    assert hidden.json()["code"] == "not_found"
    agency = send("patch", f"/agencies/{world['cia'].pk}", officer_api, {"name": "x"})
    assert agency.status_code == 404
    assert send("post", "/agencies", officer_api, {"code": "X", "name": "Y"}).status_code == 403
    assert not Post.objects.filter(code="ROME").exists()
    assert send("get", f"/posts/{world['vienna'].pk}", officer_api).status_code == 200


def test_a_bad_post_answers_422_with_each_field(admin_api: Headers) -> None:
    response = send(
        "post", "/posts", admin_api, {"code": "vienna", "name": "", "country": "ZZ", "city": "V"}
    )
    assert response.status_code == 422
    assert response.json()["code"] == "validation_error"
    assert fields(response) == {"code", "name", "country"}


def test_a_wrongly_typed_post_answers_422_before_any_action(admin_api: Headers) -> None:
    response = send("post", "/posts", admin_api, {"code": "X", "kind": "palace"})
    assert response.status_code == 422
    assert {"kind", "name", "country", "city"} <= fields(response)


def test_a_missing_post_is_404(admin_api: Headers) -> None:
    response = send("get", "/posts/99999", admin_api)
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_without_credentials_the_directory_answers_401(world: dict[str, Any]) -> None:
    response = send("get", "/posts", {})
    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"


def test_someone_who_is_neither_official_nor_administrator_sees_an_empty_directory(
    stranger: Any, world: dict[str, Any], api_headers: Callable[[Any], Headers]
) -> None:
    headers = api_headers(stranger)
    assert send("get", "/posts", headers).json()["items"] == []
    assert send("get", f"/posts/{world['vienna'].pk}", headers).status_code == 404


# --- agencies and compartments ---------------------------------------------------------------


def test_an_administrator_manages_agencies(admin_api: Headers) -> None:
    created = send(
        "post",
        "/agencies",
        admin_api,
        {"code": "pacom", "name": "US Pacific Command", "kind": "military_command"},
    )
    assert created.status_code == 201
    agency_id = created.json()["id"]
    assert created.json()["code"] == "PACOM"
    changed = send("patch", f"/agencies/{agency_id}", admin_api, {"active": False})
    assert changed.json()["active"] is False
    listed = send("get", "/agencies?active=true", admin_api).json()["items"]
    assert [a["code"] for a in listed] == ["CIA", "STATE"]
    assert send("get", f"/agencies/{agency_id}", admin_api).json()["name"] == "US Pacific Command"
    nulled = send("patch", f"/agencies/{agency_id}", admin_api, {"active": None, "name": None})
    assert nulled.status_code == 422
    assert fields(nulled) == {"active", "name"}
    duplicate = send("post", "/agencies", admin_api, {"code": "Cia", "name": "Again"})
    assert duplicate.status_code == 422
    assert fields(duplicate) == {"code"}


def test_an_administrator_adds_a_compartment_and_officials_list_them(
    admin_api: Headers, officer_api: Headers
) -> None:
    created = send("post", "/compartments", admin_api, {"code": "lantern", "name": "Lantern"})
    assert created.status_code == 201
    codes = [c["code"] for c in send("get", "/compartments", officer_api).json()["items"]]
    assert codes == ["HARBOR", "LANTERN"]
    assert send("post", "/compartments", officer_api, {"code": "X", "name": "Y"}).status_code == 403


# --- officials -------------------------------------------------------------------------------


def test_an_administrator_creates_an_official_with_roles(admin_api: Headers) -> None:
    body = {
        "username": "ruth.castillo",
        "first_name": "Ruth",
        "last_name": "Castillo",
        "email": "ruth.castillo@example.gov",
        "title": "Ambassador",
        "agency": "STATE",
        "post": "VIENNA",
        "clearance": "TOP SECRET",
        "compartments": ["HARBOR"],
        "roles": [{"role": "senior_representative", "post": "VIENNA"}],
    }
    created = send("post", "/officials", admin_api, body)
    assert created.status_code == 201, created.content
    out = created.json()
    assert out["username"] == "ruth.castillo"
    assert (out["agency"], out["post"], out["station"]) == ("STATE", "VIENNA", "Embassy Vienna")
    assert (out["clearance"], out["compartments"], out["active"]) == (
        "TOP SECRET",
        ["HARBOR"],
        True,
    )
    assert [(r["role"], r["label"], r["post"]) for r in out["roles"]] == [
        ("senior_representative", "Senior US Representative", "VIENNA")
    ]
    assert "password" not in out


def test_a_bad_official_answers_422_with_each_field_and_creates_no_account(
    admin_api: Headers,
) -> None:
    body = {
        "username": "x y",
        "agency": "KGB",
        "clearance": "COSMIC",
        "roles": [{"role": "committee_chair"}],
        "password": "123",
    }
    response = send("post", "/officials", admin_api, body)
    assert response.status_code == 422
    assert fields(response) == {"username", "agency", "clearance", "roles", "password"}
    assert not Official.objects.filter(user__username="x y").exists()


def test_officials_list_with_filters_hides_others_clearances(
    officer_api: Headers, admin: Any, officer: Any
) -> None:
    listed = send("get", "/officials", officer_api).json()["items"]
    assert [o["username"] for o in listed] == ["ops.admin", "dana.reyes"]
    by_name = {o["username"]: o for o in listed}
    assert by_name["dana.reyes"]["clearance"] == "SECRET"
    assert by_name["dana.reyes"]["compartments"] == ["HARBOR"]
    assert by_name["ops.admin"]["clearance"] is None
    assert by_name["ops.admin"]["compartments"] is None
    assert by_name["ops.admin"]["post"] is None
    assert by_name["ops.admin"]["station"] == "Washington"
    only = [
        o["username"]
        for o in send("get", "/officials?post=WASHINGTON", officer_api).json()["items"]
    ]
    assert only == ["ops.admin"]
    only = [
        o["username"]
        for o in send("get", "/officials?role=case_officer", officer_api).json()["items"]
    ]
    assert only == ["dana.reyes"]
    only = [
        o["username"]
        for o in send("get", "/officials?agency=cia&q=reyes", officer_api).json()["items"]
    ]
    assert only == ["dana.reyes"]


def test_an_administrator_changes_an_official_and_grants_and_revokes_roles(
    admin_api: Headers, officer: Any
) -> None:
    official_id = officer.official.pk
    changed = send(
        "patch",
        f"/officials/{official_id}",
        admin_api,
        {"post": None, "title": "Desk Officer", "compartments": []},
    )
    assert changed.status_code == 200, changed.content
    assert (changed.json()["post"], changed.json()["title"]) == (None, "Desk Officer")
    assert changed.json()["compartments"] == []
    granted = send(
        "post", f"/officials/{official_id}/roles", admin_api, {"role": "idc_member", "post": None}
    )
    assert granted.status_code == 201
    assert (granted.json()["role"], granted.json()["post"]) == ("idc_member", None)
    again = send("post", f"/officials/{official_id}/roles", admin_api, {"role": "idc_member"})
    assert again.status_code == 422
    revoked = send("delete", f"/officials/{official_id}/roles/{granted.json()['id']}", admin_api)
    assert revoked.status_code == 204
    roles = send("get", f"/officials/{official_id}", admin_api).json()["roles"]
    assert [r["role"] for r in roles] == ["case_officer"]


def test_a_non_administrator_cannot_manage_officials(
    officer_api: Headers, officer: Any, admin: Any
) -> None:
    own = officer.official.pk
    assert send("patch", f"/officials/{own}", officer_api, {"title": "Chief"}).status_code == 404
    grant = send(
        "post", f"/officials/{own}/roles", officer_api, {"role": "administrator", "post": None}
    )
    assert grant.status_code == 404
    role_id = officer.official.roles.get().pk
    assert send("delete", f"/officials/{own}/roles/{role_id}", officer_api).status_code == 404
    assert (
        send("post", f"/officials/{admin.official.pk}/deactivate", officer_api).status_code == 404
    )
    body = {"username": "someone", "agency": "CIA", "clearance": "SECRET"}
    refused = send("post", "/officials", officer_api, body)
    assert (refused.status_code, refused.json()["code"]) == (403, "permission_denied")


def test_an_administrator_deactivates_and_reactivates_an_official(
    admin_api: Headers, officer: Any, officer_api: Headers
) -> None:
    official_id = officer.official.pk
    gone = send("post", f"/officials/{official_id}/deactivate", admin_api)
    assert gone.json()["active"] is False
    assert send("get", "/posts", officer_api).status_code == 401
    back = send("post", f"/officials/{official_id}/reactivate", admin_api)
    assert back.json()["active"] is True


def test_the_openapi_document_types_every_directory_answer(admin_api: Headers) -> None:
    schema = Client().get("/api/v1/openapi.json").json()
    paths = {p: v for p, v in schema["paths"].items() if p.startswith("/api/v1/directory")}
    assert set(paths) >= {
        "/api/v1/directory/posts",
        "/api/v1/directory/posts/{post_id}",
        "/api/v1/directory/agencies",
        "/api/v1/directory/agencies/{agency_id}",
        "/api/v1/directory/officials",
        "/api/v1/directory/officials/{official_id}",
        "/api/v1/directory/officials/{official_id}/roles",
        "/api/v1/directory/officials/{official_id}/roles/{role_id}",
    }
    for path, operations in paths.items():
        for method, operation in operations.items():
            codes = set(operation["responses"])
            assert "401" in codes, f"{method} {path}"
            if method in {"patch", "delete"}:
                assert {"404", "422"} <= codes, f"{method} {path}"


def test_an_official_whose_username_hides_a_cyrillic_letter_answers_422_naming_it(
    admin_api: Headers,
) -> None:
    body = {"username": "duty.\u043efficer", "agency": "STATE", "clearance": "SECRET"}
    response = send("post", "/officials", admin_api, body)
    assert response.status_code == 422, response.content
    assert fields(response) == {"username"}
