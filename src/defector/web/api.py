"""The policy router: ``POST /api/v1/policy/assess`` (``contracts/assessment.md``)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Router

from defector.core import idempotency
from defector.core.schemas import ErrorOut
from defector.policy.facts import json_schema
from defector.web import queries
from defector.web.schemas import OutcomeOut

router = Router()


@router.post(
    "/assess",
    response={200: OutcomeOut, 401: ErrorOut, 422: ErrorOut},
    summary="Assess a person's facts against the directive",
    description=(
        "Decides the categories (`2a`-`2f`), whether the directive applies (`1`, `3`) and the "
        "obligations that follow, with one finding per clause. Unknown fields, unknown country "
        "codes, wrong types and impossible dates answer 422 with the field errors."
    ),
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {"application/json": {"schema": json_schema()}},
        }
    },
)
@idempotency.exempt  # a pure computation: it changes nothing a retry could repeat
def assess(request: HttpRequest) -> dict[str, Any]:
    return queries.assess_json(request.body).to_dict()
