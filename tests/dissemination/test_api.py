"""The dissemination API (``/api/v1/dissemination``): issue a report from a case, read it
with its deliveries, acknowledge it, and keep a post's distribution."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth.models import User

from defector.cases.models import Case
from defector.dissemination.models import ThreatReport
from support.api import Api
from support.builders import TRUE_NAME, official_of

from .conftest import REPORT

pytestmark = pytest.mark.django_db


def test_an_officer_issues_a_flash_and_reads_its_deliveries(
    api: Callable[[User], Api], officer: User, threat_case: Case, committed: Any
) -> None:
    with committed():
        response = api(officer).post(f"/cases/{threat_case.pk}/reports", REPORT)
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["precedence_label"] == "FLASH"
    assert body["source"] == threat_case.cryptonym
    assert len(body["deliveries"]) == 3
    assert [step["minutes"] for step in body["ladder"]] == [5, 10, 15, 20]
    again = api(officer).get(f"/reports/{body['id']}")
    assert all(d["delivered_at"] for d in again.json()["deliveries"])


def test_a_recipient_acknowledges_and_the_issuer_sees_it(
    api: Callable[[User], Api],
    officer: User,
    senior: User,
    issue: Callable[..., ThreatReport],
) -> None:
    report = issue()
    response = api(senior).post(f"/reports/{report.pk}/acknowledge")
    assert response.status_code == 200, response.content
    mine = {
        d["recipient_id"]: d for d in api(officer).get(f"/reports/{report.pk}").json()["deliveries"]
    }
    assert mine[official_of(senior).pk]["acknowledged_at"]
    assert api(officer).get(f"/reports/{report.pk}").json()["acknowledged"] == 1


def test_a_true_name_is_refused_with_the_field_named(
    api: Callable[[User], Api], officer: User, threat_case: Case
) -> None:
    response = api(officer).post(
        f"/cases/{threat_case.pk}/reports", {**REPORT, "threatened": f"{TRUE_NAME}'s family"}
    )
    assert response.status_code == 422
    assert [e["field"] for e in response.json()["errors"]] == ["threatened"]
    assert TRUE_NAME not in response.content.decode()


def test_the_api_answers_404_for_what_is_hidden_and_403_for_what_is_refused(
    api: Callable[[User], Api],
    bonn_member: User,
    idc: User,
    state_member: User,
    threat_case: Case,
    issue: Callable[..., ThreatReport],
) -> None:
    report = issue()
    assert api(bonn_member).get(f"/reports/{report.pk}").status_code == 404
    assert api(bonn_member).post(f"/cases/{threat_case.pk}/reports", REPORT).status_code == 404
    assert api(idc).post(f"/cases/{threat_case.pk}/reports", REPORT).status_code == 403
    assert api(state_member).post(f"/reports/{report.pk}/acknowledge").status_code == 403
    assert api(bonn_member).get("/reports").json()["items"] == []
    assert [r["id"] for r in api(idc).get("/reports").json()["items"]] == [report.pk]


def test_the_chair_sets_the_distribution_and_members_read_it(
    api: Callable[[User], Api],
    chair: User,
    senior: User,
    state_member: User,
    security_officer: User,
    world: Any,
) -> None:
    chair_api = api(chair)
    default = api(state_member).get(f"/posts/{world.vienna.pk}/distribution").json()
    assert default["configured"] is False
    body = {
        "senior_representative": True,
        "committee_chair": False,
        "idc": False,
        "members": [{"official_id": official_of(security_officer).pk, "seat": "security_officer"}],
    }
    response = chair_api.client.put(
        f"{chair_api.prefix}/posts/{world.vienna.pk}/distribution",
        data=json.dumps(body),
        content_type="application/json",
        headers={"Authorization": f"Bearer {chair_api.token}"},
    )
    assert response.status_code == 200, response.content
    assert response.json()["configured"] is True
    seats = {r["seat"] for r in response.json()["recipients"]}
    assert seats == {"security_officer", "senior_representative"}
    member_api = api(state_member)
    refused = member_api.client.put(
        f"{member_api.prefix}/posts/{world.vienna.pk}/distribution",
        data=json.dumps(body),
        content_type="application/json",
        headers={"Authorization": f"Bearer {member_api.token}"},
    )
    assert refused.status_code == 403
