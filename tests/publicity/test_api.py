"""The publicity API (``/api/v1/publicity``): a proposal through both sign-offs to the IDC's
decision, refusals with their clauses, 403, 404 and 409."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.utils import timezone

from defector.cases.models import Case
from defector.exploitation.models import CaseRequirement

from .conftest import satisfy

pytestmark = pytest.mark.django_db


def _body(case: Case, **overrides: Any) -> dict[str, Any]:
    return {
        "summary": "Surface AEFOX at a press conference.",
        "window_start": (timezone.localdate() + dt.timedelta(days=10)).isoformat(),
        "channels": ["press", "testimony"],
        "risks": "Reprisals at home.",
        **overrides,
    }


def test_a_proposal_goes_through_both_sign_offs_to_the_decision(
    api: Any, case: Case, chair: User, idc: User, usia_idc: User, requirement: CaseRequirement
) -> None:
    made = api(chair).post(f"/cases/{case.pk}/proposals", _body(case))
    assert made.status_code == 201, made.content
    proposal = made.json()
    assert proposal["status"] == "awaiting_sign_offs"
    assert proposal["risk_determination"]["level"] == "moderate"
    assert proposal["objectives"] == {
        "clause": "5a(5)",
        "holds": False,
        "because": "1 intelligence requirement of the case not yet satisfied",
    }
    pid = proposal["id"]
    early = api(idc).post(
        f"/proposals/{pid}/decide", {"expected_version": 1, "outcome": "reject", "reason": "No."}
    )
    assert early.status_code == 422
    assert early.json()["clauses"] == ["5a(6)"]
    state = api(idc).post(
        f"/proposals/{pid}/sign-off", {"expected_version": 1, "position": "approve"}
    )
    assert state.status_code == 200, state.content
    assert state.json()["agency"] == "STATE"
    usia = api(usia_idc).post(
        f"/proposals/{pid}/sign-off",
        {"expected_version": 2, "position": "object", "comments": "The timing is poor."},
    )
    assert usia.status_code == 200
    approve = api(idc).post(
        f"/proposals/{pid}/decide", {"expected_version": 3, "outcome": "approve"}
    )
    assert approve.status_code == 422
    assert approve.json()["clauses"] == ["5a(5)"]
    satisfy(requirement)
    decided = api(idc).post(
        f"/proposals/{pid}/decide", {"expected_version": 3, "outcome": "approve"}
    )
    assert decided.status_code == 200, decided.content
    body = decided.json()
    assert body["status"] == "approved"
    assert {s["agency"]: s["position"] for s in body["sign_offs"]} == {
        "STATE": "approve",
        "USIA": "object",
    }
    released = api(chair).post(
        f"/proposals/{pid}/release",
        {
            "expected_version": 4,
            "released_on": timezone.localdate().isoformat(),
            "channel": "press",
            "summary": "A press conference at the Department of State.",
        },
    )
    assert released.status_code == 200
    assert released.json()["status"] == "released"


def test_the_override_is_recorded_through_the_api(
    api: Any, case: Case, chair: User, idc: User, requirement: CaseRequirement
) -> None:
    pid = api(chair).post(f"/cases/{case.pk}/proposals", _body(case)).json()["id"]
    answer = api(idc).post(
        f"/proposals/{pid}/override", {"expected_version": 1, "reason": "The window closes."}
    )
    assert answer.status_code == 200
    assert answer.json()["override_reason"] == "The window closes."
    again = api(idc).post(f"/proposals/{pid}/override", {"expected_version": 2, "reason": "Again."})
    assert again.status_code == 422
    assert again.json()["clauses"] == ["5a(5)"]


def test_a_stale_version_answers_409(api: Any, case: Case, chair: User, idc: User) -> None:
    pid = api(chair).post(f"/cases/{case.pk}/proposals", _body(case)).json()["id"]
    assert (
        api(idc)
        .post(f"/proposals/{pid}/sign-off", {"expected_version": 1, "position": "approve"})
        .status_code
        == 200
    )
    stale = api(idc).post(
        f"/proposals/{pid}/sign-off", {"expected_version": 1, "position": "approve"}
    )
    assert stale.status_code == 409


def test_who_may_not_act_is_refused_and_who_may_not_see_finds_nothing(
    api: Any, case: Case, chair: User, senior: User, bonn_member: User, administrator: User
) -> None:
    pid = api(chair).post(f"/cases/{case.pk}/proposals", _body(case)).json()["id"]
    refused = api(senior).post(
        f"/proposals/{pid}/sign-off", {"expected_version": 1, "position": "approve"}
    )
    assert refused.status_code == 403
    assert refused.json()["clauses"] == ["5a(6)"]
    assert api(senior).post(f"/cases/{case.pk}/proposals", _body(case)).status_code == 403
    assert api(bonn_member).get(f"/proposals/{pid}").status_code == 404
    assert api(administrator).get(f"/proposals/{pid}").status_code == 404
    assert api(bonn_member).get("/proposals").json()["count"] == 0


def test_the_list_narrows_to_those_before_washington(
    api: Any, case: Case, chair: User, idc: User
) -> None:
    pid = api(chair).post(f"/cases/{case.pk}/proposals", _body(case)).json()["id"]
    listed = api(idc).get("/proposals", pending="true").json()
    assert [item["id"] for item in listed["items"]] == [pid]
    api(chair).post(f"/proposals/{pid}/withdraw", {"expected_version": 1, "reason": "Later."})
    assert api(idc).get("/proposals", pending="true").json()["count"] == 0
    assert api(idc).get("/proposals", status="withdrawn").json()["count"] == 1


def test_a_proposal_without_the_7a_determination_answers_422_naming_7a(
    api: Any, open_case: Any, chair: User
) -> None:
    bare = open_case()
    refused = api(chair).post(f"/cases/{bare.pk}/proposals", _body(bare))
    assert refused.status_code == 422
    assert refused.json()["clauses"] == ["7a"]
