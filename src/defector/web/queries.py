"""Reads for the policy's faces: parsing request input into facts and assessing them."""

from __future__ import annotations

from django.utils import timezone

from defector import policy
from defector.core.errors import InvalidInput
from defector.core.inputs import load_json

__all__ = ["assess_json", "facts_from", "load_json"]


def facts_from(data: object) -> policy.Facts:
    """Validate one facts value; raise :class:`InvalidInput` listing each bad field."""
    try:
        return policy.parse_facts(data, today=timezone.localdate())
    except policy.FactsInvalid as exc:
        raise InvalidInput(
            [{"field": error.field, "message": error.message} for error in exc.errors],
            message=str(exc),
        ) from None


def assess_json(body: bytes) -> policy.Outcome:
    """Assess the facts object in a request body."""
    try:
        data = load_json(body)
    except ValueError as exc:
        raise InvalidInput([{"field": "", "message": str(exc)}]) from None
    return policy.assess(facts_from(data))
