"""The committees API (``/api/v1/committees``): typed answers, refusals with their clauses,
404 for what the caller may not see."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client

from defector.committees.models import Committee
from defector.policy.gates import committees as rules

from .conftest import Schedule, at, official_of

pytestmark = pytest.mark.django_db
ClientFor = Callable[[User], Client]


def api(client: Client, method: str, path: str, body: Any = None) -> Any:
    client.get("/")  # sets the CSRF cookie
    token = client.cookies["csrftoken"].value if "csrftoken" in client.cookies else ""
    return getattr(client, method)(
        f"/api/v1/committees{path}",
        data=json.dumps(body) if body is not None else None,
        content_type="application/json",
        HTTP_X_CSRFTOKEN=token,
    )


@pytest.fixture
def as_(client_for: ClientFor) -> Callable[[User], Client]:
    def make(user: User) -> Client:
        client = client_for(user)
        client.get("/committees/")
        return client

    return make


def test_a_meeting_through_the_api(
    committee: Committee, chair: User, member: User, idc: User, as_: Any
) -> None:
    chair_api = as_(chair)
    created = api(
        chair_api,
        "post",
        f"/{committee.pk}/meetings",
        {
            "starts_at": "2026-03-05T09:00:00Z",
            "ends_at": "2026-03-05T11:00:00Z",
            "place": "Chancery",
        },
    )
    assert created.status_code == 201, created.content
    meeting = created.json()
    assert (meeting["status"], meeting["post"]["code"]) == ("scheduled", "VIENNA")
    path = f"/meetings/{meeting['id']}"
    assert api(chair_api, "post", f"{path}/agenda", {"title": "Drill review"}).status_code == 201
    assert api(chair_api, "post", f"{path}/held").json()["status"] == "held"
    attendance = api(
        chair_api,
        "put",
        f"{path}/attendance",
        {"entries": [{"official_id": official_of(member).pk, "status": "present"}]},
    )
    assert attendance.status_code == 200
    minutes = api(as_(member), "put", f"{path}/minutes", {"text": "AEGLOBE: drill held."})
    assert minutes.json()["status"] == "draft"
    refused = api(chair_api, "post", f"{path}/minutes/forward")
    assert refused.status_code == 422
    assert refused.json()["clauses"] == ["6a"]
    assert api(chair_api, "post", f"{path}/minutes/approve").status_code == 200
    assert api(chair_api, "post", f"{path}/minutes/forward").json()["status"] == "forwarded"
    idc_api = as_(idc)
    received = api(idc_api, "get", "/minutes-received").json()["items"]
    assert [r["post"]["code"] for r in received] == ["VIENNA"]
    acknowledged = api(idc_api, "post", f"{path}/minutes/acknowledge").json()
    assert acknowledged["receipt_acknowledged_by"]["name"] == str(official_of(idc))
    again = api(idc_api, "post", f"{path}/minutes/acknowledge")
    assert again.status_code == 409
    assert api(chair_api, "get", path).json()["minutes"]["receipt_acknowledged_at"]


def test_validation_errors_name_every_field(committee: Committee, chair: User, as_: Any) -> None:
    response = api(
        as_(chair),
        "post",
        f"/{committee.pk}/meetings",
        {"starts_at": "2026-03-05T11:00:00Z", "ends_at": "2026-03-05T09:00:00Z", "place": " "},
    )
    assert response.status_code == 422
    assert {e["field"] for e in response.json()["errors"]} == {"ends_at", "place"}


def test_procedures_through_the_api(
    committee: Committee, chair: User, senior: User, as_: Any
) -> None:
    chair_api = as_(chair)
    sections = {key: f"Text of {key}." for key in rules.REQUIRED_SECTIONS if key != "6b(3)(c)"}
    created = api(
        chair_api,
        "post",
        f"/{committee.pk}/procedures",
        {"sections": sections, "clocks": {"bona_fides_days": 21}},
    )
    assert created.status_code == 201, created.content
    version = created.json()
    assert version["missing_sections"] == ["6b(3)(c)"]
    assert version["clocks"]["bona_fides_days"] == 21
    refused = api(chair_api, "post", f"/procedures/{version['id']}/approve")
    assert refused.status_code == 422
    assert refused.json()["code"] == "policy_refusal"
    assert refused.json()["clauses"] == ["6b(3)(c)"]
    api(
        chair_api,
        "put",
        f"/procedures/{version['id']}",
        {"sections": {"6b(3)(c)": "Statement signed."}},
    )
    assert (
        api(chair_api, "post", f"/procedures/{version['id']}/approve").json()["status"] == "draft"
    )
    effective = api(as_(senior), "post", f"/procedures/{version['id']}/approve").json()
    assert effective["status"] == "effective"
    assert {o["name"] for o in effective["not_acknowledged"]} == {str(official_of(chair))}
    ack = api(chair_api, "post", f"/procedures/{version['id']}/acknowledge")
    assert ack.status_code == 201
    second = api(
        chair_api, "post", f"/{committee.pk}/procedures", {"sections": {"6b(1)": "New reception."}}
    ).json()
    diff = api(chair_api, "get", f"/procedures/{second['id']}/diff").json()
    changed = {s["key"]: s["changed"] for s in diff["sections"]}
    assert changed["6b(1)"]
    assert not changed["6b(2)"]


def test_the_senior_page_through_the_api(
    committee: Committee, senior: User, chair: User, as_: Any
) -> None:
    senior_api = as_(senior)
    person = api(
        senior_api,
        "post",
        f"/{committee.pk}/briefing-register",
        {"name": "Sgt. J. Doyle", "position": "marine_security_guard"},
    )
    assert person.status_code == 201, person.content
    assert person.json()["overdue"] is True
    briefing = api(
        senior_api,
        "post",
        f"/briefing-register/{person.json()['id']}/briefings",
        {"briefed_on": "2026-01-10", "briefed_by_id": official_of(chair).pk, "topics": "Walk-ins."},
    )
    assert briefing.status_code == 201, briefing.content
    guidance = api(
        senior_api, "post", f"/{committee.pk}/guidance", {"title": "Publicity", "body": "None."}
    )
    assert guidance.status_code == 201
    page = api(as_(chair), "get", f"/{committee.pk}/senior").json()
    assert [r["name"] for r in page["briefing_register"]] == ["Sgt. J. Doyle"]
    assert page["guidance"][0]["title"] == "Publicity"
    refused = api(as_(chair), "post", f"/{committee.pk}/guidance", {"title": "x", "body": "y"})
    assert refused.status_code == 403
    assert refused.json()["clauses"] == ["7c"]


def test_what_the_caller_may_not_see_is_404(
    committee: Committee,
    schedule: Schedule,
    bonn_member: User,
    auditor: User,
    invited: User,
    as_: Any,
) -> None:
    meeting = schedule(at(2026, 3, 5))
    for user in (bonn_member, auditor, invited):
        client = as_(user)
        assert api(client, "get", f"/meetings/{meeting.pk}").status_code == 404
        assert api(client, "post", f"/meetings/{meeting.pk}/held").status_code == 404
    assert api(as_(invited), "get", f"/{committee.pk}").status_code == 404
    assert api(as_(auditor), "get", "").json()["items"] == []


def test_an_invited_representative_sees_only_the_invited_meeting(
    committee: Committee, schedule: Schedule, chair: User, invited: User, as_: Any
) -> None:
    mine = schedule(at(2026, 3, 5))
    other = schedule(at(2026, 4, 5))
    assert (
        api(
            as_(chair),
            "post",
            f"/meetings/{mine.pk}/invitations",
            {"official_id": official_of(invited).pk},
        ).status_code
        == 201
    )
    client = as_(invited)
    assert [m["id"] for m in api(client, "get", f"/{committee.pk}/meetings").json()["items"]] == [
        mine.pk
    ]
    assert api(client, "get", f"/meetings/{mine.pk}").status_code == 200
    assert api(client, "get", f"/meetings/{other.pk}").status_code == 404
    detail = api(client, "get", f"/{committee.pk}").json()
    assert detail["members"] == []
    assert detail["procedures_in_effect"] is None
    assert api(client, "get", f"/{committee.pk}/senior").status_code == 404
    assert api(client, "get", f"/{committee.pk}/procedures").json()["items"] == []


@pytest.mark.parametrize("number", [0, 2**63, 10**30])
def test_an_id_no_row_can_have_is_404(
    committee: Committee, chair: User, as_: Any, number: int
) -> None:
    client = as_(chair)
    assert api(client, "get", f"/meetings/{number}").status_code == 404
    assert api(client, "get", f"/{number}").status_code == 404
    assert api(client, "post", f"/meetings/{number}/held").status_code == 404
    assert api(client, "post", f"/procedures/{number}/approve").status_code == 404
