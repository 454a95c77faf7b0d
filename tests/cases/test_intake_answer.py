"""``POST /api/v1/cases/walk-ins`` and ``/reports`` answer, byte for byte, what ninja's
validation of the case's record gives, and what ``GET /api/v1/cases/{id}`` answers: the record
is read in ``CaseRecordOut``'s shape and written without validating it again
(``cases.api.common.trusted_created``)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client
from ninja import Status

from defector.cases.api import intake as intake_api
from defector.core.actions import create_api_token

pytestmark = pytest.mark.django_db

BODIES: tuple[tuple[str, dict[str, Any]], ...] = (
    (
        "/api/v1/cases/walk-ins",
        {
            "facts": {"nationalities": ["SU"], "threat_information": True, "dissatisfied": True},
            "received_where": "consular section",
            "true_name": "Pyotr Popov",
        },
    ),
    ("/api/v1/cases/walk-ins", {"facts": {"nationalities": ["PL"]}, "true_name": "Jan Nowak"}),
    (
        "/api/v1/cases/reports",
        {
            "kind": "potential_defector",
            "facts": {"nationalities": ["SU"], "threat_information": True},
            "note": "Asked the duty officer about asylum twice.",
            "true_name": "Pyotr Popov",
        },
    ),
)


def _client(user: User) -> Client:
    _, token = create_api_token(acting_user=user, user=user, name="tests")
    return Client(headers={"Authorization": f"Bearer {token}"})


@pytest.mark.parametrize(("path", "body"), BODIES)
def test_an_intake_answers_the_bytes_ninjas_validation_gives_and_reading_the_case_answers(
    member: User, world: Any, path: str, body: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    client = _client(member)
    sent = json.dumps({**body, "post_id": world.vienna.pk})
    trusted = client.post(path, sent, "application/json")
    assert trusted.status_code == 201, trusted.content
    read = client.get(f"/api/v1/cases/{trusted.json()['id']}")
    assert read.status_code == 200, read.content
    assert trusted.content == read.content
    with monkeypatch.context() as patched:
        # The validation put back: the record handed to ninja as the operation's 201 answer.
        patched.setattr(intake_api, "trusted_created", lambda request, data: Status(201, data))
        validated = client.post(path, sent, "application/json")
    assert validated.status_code == 201, validated.content
    again = client.get(f"/api/v1/cases/{validated.json()['id']}")
    assert validated.content == again.content
    assert trusted["Content-Type"] == validated["Content-Type"]
    assert set(trusted.headers) == set(validated.headers)
