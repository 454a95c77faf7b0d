"""The determinations through the API: typed answers with the case's new version; 403 naming
``7a`` for anyone but the senior representative; 422 ``policy_refusal`` with the clauses for
each gate of the directive; 409 on a stale version; 422 naming every bad field with nothing
saved; 404 for a case the caller may not see."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.utils import timezone

from defector.cases.models import (
    BonaFidesVerdict,
    Case,
    PoliticalRiskDetermination,
    StatusDetermination,
    VoluntaryStatement,
)
from defector.core.actions import create_api_token
from defector.directory.models import Official

pytestmark = pytest.mark.django_db

UNDER_CONTROL: dict[str, Any] = {
    "nationalities": ["PL"],
    "location": "AT",
    "dissatisfied": True,
    "susceptible": True,
    "special_value": ["operational"],
}


@dataclass
class Api:
    client: Client
    token: str

    @property
    def auth(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}

    def get(self, path: str) -> Any:
        return self.client.get("/api/v1/cases" + path, headers=self.auth)

    def post(self, path: str, body: object, **headers: str) -> Any:
        return self.client.post(
            "/api/v1/cases" + path,
            data=json.dumps(body),
            content_type="application/json",
            headers={**self.auth, **headers},
        )


def api_for(user: User) -> Api:
    _, token = create_api_token(acting_user=user, user=user, name="tests")
    return Api(Client(), token)


def version(case: Case) -> int:
    case.refresh_from_db()
    return case.version


@pytest.fixture
def case(open_case: Any, walk_in_facts: dict[str, Any], world: Any, member: User) -> Case:
    Official.objects.filter(user=member).update(agency=world.state)
    return open_case(facts=walk_in_facts)


def risk_body(case: Case, **overrides: Any) -> dict[str, Any]:
    return {
        "version": version(case),
        "subject": "case",
        "level": "moderate",
        "reasoning": "The talks in progress would suffer; manageable if quiet.",
        **overrides,
    }


def status_body(case: Case, world: Any, decision: str = "grant", **overrides: Any) -> Any:
    return {
        "version": version(case),
        "decision": decision,
        "special_value": "Order-of-battle information (2a(1)).",
        "rationale": "The information outweighs a moderate political cost.",
        "positions": [
            {"agency_id": world.cia.pk, "stance": "concur"},
            {"agency_id": world.state.pk, "stance": "dissent", "note": "State prefers a delay."},
        ],
        **overrides,
    }


# --- 7a -------------------------------------------------------------------------------------


def test_the_senior_representative_records_7a_and_gets_the_new_version(
    case: Case, senior: User
) -> None:
    api = api_for(senior)
    before = version(case)
    response = api.post(f"/{case.pk}/political-risk", risk_body(case))
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["subject"], body["level"], body["in_force"]) == ("case", "moderate", True)
    assert body["case_version"] == before + 1
    assert body["determined_by"]["name"] == "Senior Representative"
    listed = api.get(f"/{case.pk}/political-risk").json()
    assert [d["id"] for d in listed["in_force"]] == [body["id"]]
    assert listed["determined"] == {
        "allowed": True,
        "clauses": ["7a"],
        "reason": listed["determined"]["reason"],
    }


def test_anyone_else_gets_403_naming_7a(case: Case, chair: User, counts: Any) -> None:
    api = api_for(chair)
    before = counts()
    response = api.post(f"/{case.pk}/political-risk", risk_body(case))
    assert response.status_code == 403
    assert response.json()["code"] == "permission_denied"
    assert response.json()["clauses"] == ["7a"]
    assert counts() == before


def test_a_case_the_caller_may_not_see_is_not_found(case: Case, officer_in_bonn: User) -> None:
    api = api_for(officer_in_bonn)
    assert api.get(f"/{case.pk}/political-risk").status_code == 404
    assert api.get(f"/{case.pk}/status").status_code == 404
    assert api.post(f"/{case.pk}/political-risk", risk_body(case)).status_code == 404


def test_a_stale_version_answers_409(case: Case, senior: User) -> None:
    api = api_for(senior)
    stale = version(case)
    assert api.post(f"/{case.pk}/political-risk", risk_body(case)).status_code == 201
    again = api.post(f"/{case.pk}/political-risk", risk_body(case, version=stale))
    assert again.status_code == 409
    assert again.json()["code"] == "conflict"
    assert PoliticalRiskDetermination.objects.count() == 1


def test_if_match_carries_the_version(case: Case, senior: User) -> None:
    body = risk_body(case)
    del body["version"]
    response = api_for(senior).post(
        f"/{case.pk}/political-risk", body, **{"If-Match": f'"{version(case)}"'}
    )
    assert response.status_code == 201, response.content


def test_bad_input_names_every_field(case: Case, senior: User, counts: Any) -> None:
    api = api_for(senior)
    before = counts()
    response = api.post(
        f"/{case.pk}/political-risk", risk_body(case, subject="coup", level="x", reasoning="")
    )
    assert response.status_code == 422
    assert {e["field"] for e in response.json()["errors"]} == {"subject", "level", "reasoning"}
    assert counts() == before


def test_an_unknown_field_is_refused(case: Case, senior: User) -> None:
    response = api_for(senior).post(f"/{case.pk}/political-risk", risk_body(case, spy=True))
    assert response.status_code == 422


# --- 6b(2) and 2f ---------------------------------------------------------------------------


def test_a_grant_without_anything_answers_policy_refusal_naming_each_clause(
    case: Case, chair: User, world: Any, counts: Any
) -> None:
    api = api_for(chair)
    overview = api.get(f"/{case.pk}/status").json()
    assert overview["grant"]["allowed"] is False
    assert overview["grant"]["clauses"] == ["6b(3)(b)", "6b(3)(c)", "7a"]
    assert [a["code"] for a in overview["agencies"]] == ["CIA", "STATE"]
    before = counts()
    response = api.post(f"/{case.pk}/status", status_body(case, world))
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "policy_refusal"
    assert body["clauses"] == ["6b(3)(b)", "6b(3)(c)", "7a"]
    assert counts() == before


def test_a_grant_with_everything_in_place_moves_the_case_on(
    case: Case, chair: User, senior: User, second_officer: User, world: Any
) -> None:
    BonaFidesVerdict.objects.create(
        case=case, number=1, verdict="established", rationale="Every check came back clean."
    )
    VoluntaryStatement.objects.create(
        case=case,
        language_code="ru",
        language_name="Russian",
        text_original="Прошу убежища.",
        text_english="I request asylum.",
        signature_method="upload",
        file_path="statements/test.pdf",
        content_type="application/pdf",
        size=10,
        sha256="cd" * 32,
        signed_at=timezone.now(),
        witness=Official.objects.get(user=second_officer),
        witnessed_at=timezone.now(),
    )
    assert api_for(senior).post(f"/{case.pk}/political-risk", risk_body(case)).status_code == 201
    response = api_for(chair).post(f"/{case.pk}/status", status_body(case, world))
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["decision"] == "grant"
    assert body["stage"] == "exploitation"
    assert body["risk_level"] == "moderate"
    assert [(p["agency_code"], p["stance"]) for p in body["positions"]] == [
        ("CIA", "concur"),
        ("STATE", "dissent"),
    ]
    assert body["case_version"] == version(case)


def test_a_decline_then_a_referral_that_closes_the_case(
    case: Case, chair: User, officer: User, world: Any
) -> None:
    declined = api_for(chair).post(f"/{case.pk}/status", status_body(case, world, "decline"))
    assert declined.status_code == 201, declined.content
    referral = api_for(officer).post(
        f"/{case.pk}/refugee-referrals",
        {
            "version": version(case),
            "reason": "Well-founded fear of persecution for political opinion.",
            "referred_to": "UNHCR branch office",
            "close": True,
        },
    )
    assert referral.status_code == 201, referral.content
    body = referral.json()
    assert (body["stage"], body["outcome"]) == ("closed", "referred_refugee")
    assert body["determination_id"] == declined.json()["id"]
    listed = api_for(chair).get(f"/{case.pk}/status").json()
    assert listed["determinations"][0]["referrals"][0]["referred_to"] == "UNHCR branch office"


def test_a_referral_without_a_decline_is_a_policy_refusal_naming_2f(
    case: Case, officer: User
) -> None:
    response = api_for(officer).post(
        f"/{case.pk}/refugee-referrals",
        {"version": version(case), "reason": "Well-founded fear of persecution."},
    )
    assert response.status_code == 422
    assert response.json()["code"] == "policy_refusal"
    assert "2f" in response.json()["clauses"]


def test_a_case_officer_may_not_determine_status(case: Case, officer: User, world: Any) -> None:
    response = api_for(officer).post(f"/{case.pk}/status", status_body(case, world, "defer"))
    assert response.status_code == 403
    assert response.json()["clauses"] == ["6b(2)"]
    assert StatusDetermination.objects.count() == 0


def test_missing_positions_are_named(case: Case, chair: User, world: Any) -> None:
    response = api_for(chair).post(
        f"/{case.pk}/status", status_body(case, world, "defer", positions=[])
    )
    assert response.status_code == 422
    assert response.json()["errors"] == [
        {
            "field": "positions",
            "message": "every agency on the committee states its position; missing: CIA, STATE",
        }
    ]


# --- inducement -----------------------------------------------------------------------------


def test_inducement_through_the_api(
    open_case: Any, officer: User, senior: User, second_officer: User
) -> None:
    case = open_case(facts=UNDER_CONTROL)
    api = api_for(officer)
    refused = api.post(
        f"/{case.pk}/inducement-plans",
        {"version": version(case), "description": "Approach ORCHID at the fair.", "group_size": 9},
    )
    assert refused.status_code == 422
    assert refused.json()["clauses"] == ["5a(1)", "7a", "5a(4)"]
    considered = api.post(
        f"/{case.pk}/recruitment-considerations",
        {
            "version": version(case),
            "conclusion": "induce_defection",
            "reasoning": "ORCHID is about to be recalled; no access to keep.",
        },
    )
    assert considered.status_code == 201, considered.content
    determined = api_for(senior).post(
        f"/{case.pk}/political-risk", risk_body(case, subject="inducement", level="low")
    )
    assert determined.status_code == 201
    planned = api.post(
        f"/{case.pk}/inducement-plans",
        {"version": version(case), "description": "Approach ORCHID at the fair.", "group_size": 1},
    )
    assert planned.status_code == 201, planned.content
    plan = planned.json()
    assert (plan["risk_subject"], plan["risk_level"]) == ("inducement", "low")
    act = api.post(
        f"/{case.pk}/inducement-plans/{plan['id']}/acts",
        {
            "version": version(case),
            "description": "Offered ORCHID resettlement at the fair.",
            "occurred_at": "2026-03-03T19:00:00Z",
            "committed_by_id": Official.objects.get(user=second_officer).pk,
        },
    )
    assert act.status_code == 201, act.content
    assert act.json()["committed_by"]["name"] == "Second Officer"
    assert act.json()["instigated_by"] is None
    overview = api.get(f"/{case.pk}/inducement").json()
    assert overview["max_group_size"] == 3
    assert overview["plans"][0]["acts"][0]["id"] == act.json()["id"]
    assert overview["considerations"][0]["conclusion"] == "induce_defection"
    assert overview["plan_for_one"]["allowed"] is True


def test_an_act_without_an_official_names_the_field(
    open_case: Any, officer: User, senior: User
) -> None:
    case = open_case(facts=UNDER_CONTROL)
    api = api_for(officer)
    api.post(
        f"/{case.pk}/recruitment-considerations",
        {
            "version": version(case),
            "conclusion": "induce_defection",
            "reasoning": "ORCHID is about to be recalled.",
        },
    )
    api_for(senior).post(f"/{case.pk}/political-risk", risk_body(case, level="low"))
    plan = api.post(
        f"/{case.pk}/inducement-plans",
        {"version": version(case), "description": "Approach ORCHID at the fair.", "group_size": 1},
    ).json()
    response = api.post(
        f"/{case.pk}/inducement-plans/{plan['id']}/acts",
        {"version": version(case), "description": "Offered resettlement."},
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "committed_by_id"
    missing_plan = api.post(
        f"/{case.pk}/inducement-plans/999999/acts",
        {"version": version(case), "description": "Offered resettlement.", "committed_by_id": 1},
    )
    assert missing_plan.status_code == 404
