"""``GET /api/v1/cases`` answers, byte for byte, what ninja's validation of its page gives: the
summaries are read in ``CaseSummaryOut``'s shape and written without validating each one again
(``cases.api.common.trusted_pages``); the same requests with the validation put back (the
trusted writer made to hand the page to ninja) answer the same bytes, for every role, with
filters, pages and a page past the end."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client

from defector.cases import actions
from defector.cases.api import common
from defector.cases.models import Case
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
ROLES = ("officer", "second_officer", "member", "officer_in_bonn", "idc", "auditor")
QUERIES = (
    "",
    "?page_size=2",
    "?page_size=2&page=2",
    "?page=9",
    "?overdue=false&category=defector",
    "?stage=closed",
    "?q=%25",
)


@pytest.fixture
def cases(open_case: Any, officer: User, second_officer: User) -> list[Case]:
    assessed = open_case(facts=FACTS)
    compartmented = open_case(compartments=["ALPHA"])
    closed = open_case(facts=FACTS, officer_ids=[second_officer.official.pk])
    version = Case.objects.values_list("version", flat=True).get(pk=closed.pk)
    actions.move_case(
        acting_user=officer,
        case_id=closed.pk,
        expected_version=version,
        to="closed",
        outcome="withdrew",
    )
    return [assessed, compartmented, closed, open_case()]


def test_the_case_list_answers_what_ninjas_validation_of_its_page_gives(
    cases: list[Case], request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch
) -> None:
    listed = 0
    for role in ROLES:
        user: User = request.getfixturevalue(role)
        _, token = create_api_token(acting_user=user, user=user, name="tests")
        client = Client(headers={"Authorization": f"Bearer {token}"})
        for query in QUERIES:
            trusted = client.get(f"/api/v1/cases{query}")
            with monkeypatch.context() as patched:
                # The page handed back to ninja, which validates and writes it.
                patched.setattr(common, "trusted_answer", lambda request, response, data: data)
                validated = client.get(f"/api/v1/cases{query}")

            assert trusted.status_code == validated.status_code == 200, (role, query)
            assert trusted.content == validated.content, (role, query)
            assert trusted["Content-Type"] == validated["Content-Type"]
            listed += len(trusted.json()["items"])
    assert listed > len(cases)
