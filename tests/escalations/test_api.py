"""The escalations API (``/api/v1/escalations``): both paths of ``6c`` end to end, and its
answers for bad input, the wrong seat and the wrong status."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.middleware.csrf import get_token
from django.test import Client, RequestFactory
from django.utils import timezone

from defector.notifications.models import Notice

pytestmark = pytest.mark.django_db

ApiFor = Callable[[User], Any]


def test_the_referral_path_through_the_api(
    api: ApiFor, committee: dict[str, User], open_case: Any, world: Any, committed: Any
) -> None:
    case = open_case()
    state, cia, idc = (api(committee[s]) for s in ("state_member", "cia_member", "idc"))
    with committed():
        created = state.post(
            "/problems",
            {
                "post_id": world.vienna.pk,
                "title": "Housing",
                "description": "Who houses him.",
                "cryptonyms": [case.cryptonym],
                "agencies": ["CIA", "STATE"],
            },
        )
    assert created.status_code == 201, created.content
    body = created.json()
    problem_id = body["id"]
    assert body["status"] == "raised"
    assert body["cases"] == [case.cryptonym]
    assert body["agencies"] == ["CIA", "STATE"]
    assert [m["agency"] for m in body["cia_members"]] == ["CIA"]
    assert body["steps"] == ["resolve_locally", "request_referral", "submit_to_senior_rep"]

    assert state.post(f"/problems/{problem_id}/referral", {"summary": "Decide."}).status_code == 200
    answer = state.post(f"/problems/{problem_id}/referral/transmit", {})
    assert answer.status_code == 403
    assert answer.json()["code"] == "permission_denied"
    assert answer.json()["clauses"] == ["6c"]
    assert idc.get(f"/problems/{problem_id}").status_code == 404

    noted = state.post(
        f"/problems/{problem_id}/referral/communications", {"summary": "Told the Desk."}
    )
    assert noted.status_code == 200
    assert [(n["agency"], n["summary"]) for n in noted.json()["referral"]["communications"]] == [
        ("STATE", "Told the Desk.")
    ]

    with committed():
        sent = cia.post(
            f"/problems/{problem_id}/referral/transmit", {"channel_reference": "VIEN 4471"}
        )
    assert sent.status_code == 200
    assert sent.json()["status"] == "referred"
    assert sent.json()["referral"]["routed_by"]["agency"] == "CIA"

    waiting = idc.get("/problems", idc_waiting="true").json()["items"]
    assert [(p["id"], p["idc_status"]) for p in waiting] == [(problem_id, "to_acknowledge")]
    acknowledged = idc.post(f"/problems/{problem_id}/referral/acknowledge")
    assert acknowledged.status_code == 200
    assert acknowledged.json()["idc_status"] == "to_decide"
    decided = idc.post(f"/problems/{problem_id}/referral/decision", {"decision": "CIA houses."})
    assert decided.status_code == 200
    assert decided.json()["status"] == "decided_by_idc"
    assert decided.json()["referral"]["idc_decision"] == "CIA houses."
    assert Notice.objects.filter(recipient__user=committee["idc"]).count() == 1


def test_the_idc_takes_only_its_own_steps(
    api: ApiFor, committee: dict[str, User], raise_problem: Any
) -> None:
    problem = raise_problem()
    cia = api(committee["cia_member"])
    cia.post(f"/problems/{problem.pk}/referral", {"summary": "Decide."})
    cia.post(f"/problems/{problem.pk}/referral/transmit", {})
    steps = api(committee["idc"]).get(f"/problems/{problem.pk}").json()["steps"]
    assert steps == ["idc_acknowledge", "idc_decide"]


def test_the_urgent_path_through_the_api(
    api: ApiFor, committee: dict[str, User], raise_problem: Any, committed: Any
) -> None:
    problem = raise_problem()
    chair, senior, idc = (api(committee[s]) for s in ("chair", "senior", "idc"))
    submitted = chair.post(f"/problems/{problem.pk}/urgent", {"reason": "He moves tonight."})
    assert submitted.status_code == 200
    assert submitted.json()["status"] == "awaiting_senior_rep"
    assert (
        chair.post(f"/problems/{problem.pk}/urgent/decision", {"decision": "Mine."}).status_code
        == 403
    )
    with committed():
        decided = senior.post(f"/problems/{problem.pk}/urgent/decision", {"decision": "Move."})
    assert decided.status_code == 200
    body = decided.json()
    assert body["status"] == "decided_by_senior_rep"
    assert body["urgent"]["idc_informed_at"] is not None
    assert body["idc_status"] == "information_to_acknowledge"
    seen = idc.get(f"/problems/{problem.pk}")
    assert seen.status_code == 200
    assert seen.json()["steps"] == ["idc_acknowledge_information"]
    done = idc.post(f"/problems/{problem.pk}/urgent/acknowledge")
    assert done.status_code == 200
    assert done.json()["idc_status"] == "informed"
    again = idc.post(f"/problems/{problem.pk}/urgent/acknowledge")
    assert again.status_code == 422
    assert again.json()["code"] == "policy_refusal"


def test_the_refusal_without_a_cia_member_names_6c(
    api: ApiFor, world: Any, tokyo_member: User
) -> None:
    tokyo = api(tokyo_member)
    created = tokyo.post("/problems", {"post_id": world.tokyo.pk, "title": "Housing"})
    assert created.status_code == 201
    assert created.json()["cia_members"] == []
    refused = tokyo.post(f"/problems/{created.json()['id']}/referral", {"summary": "Decide."})
    assert refused.status_code == 422
    assert refused.json()["code"] == "policy_refusal"
    assert refused.json()["clauses"] == ["6c"]
    assert "TOKYO has no committee member from the CIA" in refused.json()["message"]


def test_bad_input_names_each_field(api: ApiFor, world: Any, state_member: User) -> None:
    answer = api(state_member).post(
        "/problems",
        {
            "post_id": world.vienna.pk,
            "title": "",
            "cryptonyms": ["AENOSUCH"],
            "due_date": (timezone.localdate() - dt.timedelta(days=1)).isoformat(),
        },
    )
    assert answer.status_code == 422
    assert {(e["field"], e["message"]) for e in answer.json()["errors"]} == {
        ("title", "is required"),
        ("cryptonyms", "there is no case AENOSUCH that you may see"),
        ("due_date", "is in the past"),
    }


def test_unknown_fields_and_filters_are_refused(
    api: ApiFor, world: Any, state_member: User
) -> None:
    caller = api(state_member)
    answer = caller.post(
        "/problems", {"post_id": world.vienna.pk, "title": "x", "true_name": "Someone"}
    )
    assert answer.status_code == 422
    assert answer.json()["errors"][0]["field"].endswith("true_name")
    assert caller.get("/problems", status="lost").status_code == 422
    # an id past any column's range is refused, not handed to the database
    assert caller.get("/problems", post=2**63).status_code == 422


def test_list_filters(api: ApiFor, raise_problem: Any, chair: User) -> None:
    open_one = raise_problem(title="Open one")
    settled = raise_problem(title="Settled one")
    caller = api(chair)
    caller.post(f"/problems/{settled.pk}/resolve", {"text": "Done."})
    assert [p["id"] for p in caller.get("/problems", open="true").json()["items"]] == [open_one.pk]
    assert [
        p["id"] for p in caller.get("/problems", status="resolved_locally").json()["items"]
    ] == [settled.pk]
    assert [p["id"] for p in caller.get("/problems", q="open").json()["items"]] == [open_one.pk]


def test_a_browser_session_needs_the_csrf_token(
    client_for: Callable[[User], Client], state_member: User, world: Any
) -> None:
    browser = client_for(state_member)
    url = "/api/v1/escalations/problems"
    body = {"post_id": world.vienna.pk, "title": "Housing"}
    assert browser.post(url, body, content_type="application/json").status_code == 403
    request = RequestFactory().get("/")
    token = get_token(request)
    browser.cookies["csrftoken"] = request.META["CSRF_COOKIE"]
    answer = browser.post(
        url, body, content_type="application/json", headers={"X-CSRFToken": token}
    )
    assert answer.status_code == 201, answer.content


def test_an_anonymous_caller_gets_401(client: Client) -> None:
    assert client.get("/api/v1/escalations/problems").status_code == 401
