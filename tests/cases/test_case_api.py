"""The case's record through the API: one case with its assessment, obligations and
timeline; facts; transitions; notes; obligations — 404 for a case the caller may not see,
422 naming every bad field with nothing saved."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client

from defector.cases.models import Case, Obligation
from defector.core.actions import create_api_token

pytestmark = pytest.mark.django_db

FACTS: dict[str, Any] = {
    "nationalities": ["SU"],
    "location": "AT",
    "escaped_control": True,
    "unwilling_to_return": True,
    "dissatisfied": True,
    "susceptible": True,
    "willing_to_defect": True,
    "special_value": ["information"],
    "requests": ["asylum"],
    "threat_information": True,
}


@dataclass
class Api:
    client: Client
    token: str

    @property
    def auth(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}

    def get(self, path: str, **query: Any) -> Any:
        return self.client.get("/api/v1/cases" + path, query, headers=self.auth)

    def send(self, method: str, path: str, body: object, **headers: str) -> Any:
        return getattr(self.client, method)(
            "/api/v1/cases" + path,
            data=json.dumps(body),
            content_type="application/json",
            headers={**self.auth, **headers},
        )


def api_for(user: User) -> Api:
    _, token = create_api_token(acting_user=user, user=user, name="tests")
    return Api(Client(), token)


@pytest.fixture
def case(open_case: Any) -> Case:
    return open_case(facts=FACTS, note="Came alone.")


def test_a_case_answers_with_its_assessment_obligations_and_timeline(
    case: Case, member: User
) -> None:
    response = api_for(member).get(f"/{case.pk}")
    assert response.status_code == 200
    assert response["ETag"] == '"1"'
    body = response.json()
    assert body["stage"] == "reception"
    assert body["next_stages"] == ["assessment", "closed"]
    assert body["latest_assessment"]["categories"][0] == "defector"
    assert body["latest_assessment"]["findings"][0]["clause"] == "1"
    identifiers = {o["identifier"] for o in body["obligations"]}
    assert "disseminate_threat_information" in identifiers
    statement = next(
        o for o in body["obligations"] if o["identifier"] == "obtain_voluntary_statement"
    )
    assert statement["due_at"] is None
    assert statement["due_text"] == "before status is granted"
    assert body["timeline"][0]["kind"] == "cases.case.open"


def test_the_assessments_are_listed_newest_first(case: Case, officer: User) -> None:
    api = api_for(officer)
    api.send("put", f"/{case.pk}/facts", {"version": 1, "facts": {**FACTS, "induced": True}})
    body = api.get(f"/{case.pk}/assessments").json()["items"]
    assert [a["number"] for a in body] == [2, 1]
    assert body[0]["facts"]["induced"] is True


def test_put_facts_answers_the_new_assessment(case: Case, officer: User) -> None:
    response = api_for(officer).send(
        "put", f"/{case.pk}/facts", {"version": 1, "facts": {**FACTS, "threat_information": False}}
    )
    assert response.status_code == 200, response.content
    assert response.json()["number"] == 2
    assert "disseminate_threat_information" not in response.json()["obligations"]
    threat = Obligation.objects.get(case=case, identifier="disseminate_threat_information")
    assert threat.status == "not_applicable"


def test_put_facts_names_every_bad_fact_and_saves_nothing(
    case: Case, officer: User, counts: Any
) -> None:
    api = api_for(officer)
    before = counts()
    response = api.send(
        "put",
        f"/{case.pk}/facts",
        {"version": 1, "facts": {"nationalities": ["XX"], "location": "AT", "spy": True}},
    )
    assert response.status_code == 422
    assert {e["field"] for e in response.json()["errors"]} == {
        "facts.nationalities[0]",
        "facts.spy",
    }
    assert counts() == before


def test_a_transition_through_the_api(case: Case, officer: User) -> None:
    api = api_for(officer)
    moved = api.send("post", f"/{case.pk}/transitions", {"to": "assessment"}, **{"If-Match": '"1"'})
    assert moved.status_code == 200, moved.content
    assert moved.json()["stage"] == "assessment"
    assert moved.json()["version"] == 2
    illegal = api.send("post", f"/{case.pk}/transitions", {"version": 2, "to": "resettlement"})
    assert illegal.status_code == 422
    assert illegal.json()["errors"][0]["message"] == (
        "a case cannot move from Assessment to Resettlement; "
        "from Assessment it may move to: Determination, Closed"
    )


def test_if_match_and_the_body_must_agree(case: Case, officer: User) -> None:
    response = api_for(officer).send(
        "post", f"/{case.pk}/transitions", {"version": 1, "to": "assessment"}, **{"If-Match": '"7"'}
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "version"


def test_notes_are_listed_and_added(case: Case, officer: User) -> None:
    api = api_for(officer)
    added = api.send("post", f"/{case.pk}/notes", {"version": 1, "text": "Moved to the safe flat."})
    assert added.status_code == 201, added.content
    assert added.json()["cryptonym"] == case.cryptonym
    notes = api.get(f"/{case.pk}/notes").json()["items"]
    assert [n["text"] for n in notes] == ["Moved to the safe flat.", "Came alone."]


def test_obligations_are_discharged_waived_and_reassigned(
    case: Case, officer: User, chair: User, member: User
) -> None:
    threat = Obligation.objects.get(case=case, identifier="disseminate_threat_information")
    report = Obligation.objects.get(case=case, identifier="report_to_idc")
    bona_fides = Obligation.objects.get(case=case, identifier="establish_bona_fides")
    officer_api, chair_api = api_for(officer), api_for(chair)
    done = officer_api.send(
        "post",
        f"/{case.pk}/obligations/{threat.pk}/discharge",
        {"version": 1, "evidence": "Flash cable at 09:41."},
    )
    assert done.status_code == 200, done.content
    assert done.json()["status"] == "done"
    waived = chair_api.send(
        "post",
        f"/{case.pk}/obligations/{report.pk}/waive",
        {"version": 2, "reason": "The station reports it in its own channel."},
    )
    assert waived.json()["status"] == "waived"
    refused = officer_api.send(
        "post",
        f"/{case.pk}/obligations/{bona_fides.pk}/waive",
        {"version": 3, "reason": "I would rather not check."},
    )
    assert refused.status_code == 403
    assert refused.json()["clauses"] == ["6b"]
    given = officer_api.send(
        "post",
        f"/{case.pk}/obligations/{bona_fides.pk}/reassign",
        {"version": 3, "owner_id": member.official.pk},
    )
    assert given.json()["owner"]["id"] == member.official.pk
    listed = officer_api.get(f"/{case.pk}/obligations").json()["items"]
    assert listed[-1]["status"] in {"done", "waived"}


def test_a_discharge_without_evidence_answers_422(case: Case, officer: User, counts: Any) -> None:
    threat = Obligation.objects.get(case=case, identifier="disseminate_threat_information")
    api = api_for(officer)
    before = counts()
    response = api.send(
        "post", f"/{case.pk}/obligations/{threat.pk}/discharge", {"version": 1, "evidence": ""}
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "evidence"
    assert counts() == before


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("get", "", None),
        ("get", "/timeline", None),
        ("get", "/notes", None),
        ("get", "/obligations", None),
        ("get", "/assessments", None),
        ("put", "/facts", {"version": 1, "facts": FACTS}),
        ("post", "/transitions", {"version": 1, "to": "assessment"}),
        ("post", "/notes", {"version": 1, "text": "a note"}),
    ],
    ids=[
        "the case",
        "its timeline",
        "its notes",
        "its obligations",
        "its assessments",
        "its facts",
        "a transition",
        "a note",
    ],
)
def test_a_case_the_caller_may_not_see_answers_404(
    case: Case, officer_in_bonn: User, method: str, path: str, body: Any
) -> None:
    api = api_for(officer_in_bonn)
    if body is None:
        response = api.get(f"/{case.pk}{path}")
        missing = api.get(f"/{case.pk + 1000}{path}")
    else:
        response = api.send(method, f"/{case.pk}{path}", body)
        missing = api.send(method, f"/{case.pk + 1000}{path}", body)
    assert response.status_code == missing.status_code == 404
    assert response.json() == missing.json()


def test_the_timeline_names_no_one_by_their_true_name(
    case: Case, member: User, identity: dict[str, str]
) -> None:
    body = api_for(member).get(f"/{case.pk}/timeline").content.decode()
    for value in identity.values():
        assert value not in body
