"""An intake's body is validated once: ``WalkInIn`` (and ``ReportIn``, the walk-in's fields with
the kind and a required note) replaces ninja's ``Schema`` validator, which validates a schema
that forbids extra fields twice (the values, then again through its ``DjangoGetter``), and
gives the same values and the same errors; a report's fields go to the intake without being
made into a ``WalkInIn`` and validated again."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client
from ninja import Schema
from ninja import schema as ninja_schema
from pydantic import BaseModel, ConfigDict, ValidationError, create_model

from defector.cases.schemas import ReportIn, WalkInIn
from defector.core.actions import create_api_token


class _Forbidding(Schema):
    model_config = ConfigDict(extra="forbid")


def _twin(schema: type[BaseModel]) -> type[BaseModel]:
    """``schema``'s fields on ninja's own ``Schema`` (its validator, validating twice)."""
    fields: dict[str, Any] = {
        name: (field.annotation, field) for name, field in schema.model_fields.items()
    }
    made: type[BaseModel] = create_model(f"Twin{schema.__name__}", __base__=_Forbidding, **fields)
    return made


BODIES: tuple[dict[str, Any], ...] = (
    {"facts": {"nationalities": ["SU"], "threat_information": True}, "true_name": "Pyotr Popov"},
    {
        "facts": {"nationalities": ["PL"], "requests": ["asylum"]},
        "post_id": "7",
        "received_at": "2026-12-07T04:00:00Z",
        "received_where": "front desk",
        "sensitivity": "SECRET",
        "compartments": ["GAMMA"],
        "officer_ids": [3, "4"],
        "confirm_before_directive": True,
    },
    {"facts": {"nationalities": ["SU"]}, "colour": "red"},
    {"facts": "not facts", "post_id": "x", "received_at": "yesterday"},
    {"post_id": 2**70, "officer_ids": [0], "received_where": "x" * 301},
)


@pytest.mark.parametrize("schema", [WalkInIn, ReportIn])
@pytest.mark.parametrize("body", BODIES)
def test_an_intake_body_gives_the_values_and_errors_ninjas_validation_gives(
    schema: type[BaseModel], body: dict[str, Any]
) -> None:
    if schema is ReportIn:
        body = {**body, "kind": "potential_defector", "note": "Asked about asylum."}
    twin = _twin(schema)
    try:
        expected: Any = twin.model_validate(body).model_dump()
    except ValidationError as refused:
        expected = refused.errors(include_url=False)
    try:
        found: Any = schema.model_validate(body).model_dump()
    except ValidationError as refused:
        found = refused.errors(include_url=False)
    assert found == expected


def _getters_made(monkeypatch: pytest.MonkeyPatch) -> list[type[Any]]:
    """The schemas ninja makes a ``DjangoGetter`` for, from now on."""
    made: list[type[Any]] = []
    getter = ninja_schema.DjangoGetter

    def counted(obj: Any, schema_cls: type[Any], context: Any = None) -> Any:
        made.append(schema_cls)
        return getter(obj, schema_cls, context)

    monkeypatch.setattr(ninja_schema, "DjangoGetter", counted)
    return made


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("path", "extra"),
    [
        ("/api/v1/cases/walk-ins", {}),
        ("/api/v1/cases/reports", {"kind": "potential_defector", "note": "Asked twice."}),
    ],
    ids=["a walk-in", "a report"],
)
def test_an_intake_body_is_validated_once_not_again_through_ninjas_getter(
    officer: User, world: Any, monkeypatch: pytest.MonkeyPatch, path: str, extra: dict[str, Any]
) -> None:
    _, token = create_api_token(acting_user=officer, user=officer, name="tests")
    made = _getters_made(monkeypatch)
    body = {"post_id": world.vienna.pk, "facts": {"nationalities": ["SU"]}, **extra}
    response = Client().post(
        path,
        data=json.dumps(body),
        content_type="application/json",
        headers={"Authorization": f"Bearer {token}"},
    )
    assert response.status_code == 201, response.content
    assert WalkInIn not in made
    assert ReportIn not in made


def test_ninjas_schema_still_validates_a_forbidding_schema_through_its_getter(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # What the schemas above leave out: were ninja to stop, their validator would be no saving.
    made = _getters_made(monkeypatch)
    _twin(WalkInIn).model_validate({"facts": {"nationalities": ["SU"]}})
    assert len(made) == 1
