"""Reads for the policy's faces: parsing request input into facts and assessing them."""

from __future__ import annotations

import json
from typing import Any

from django.utils import timezone

from defector import policy
from defector.core.errors import InvalidInput


class DuplicateKey(ValueError):
    pass


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    seen: dict[str, Any] = {}
    for key, value in pairs:
        if key in seen:
            raise DuplicateKey(key)
        seen[key] = value
    return seen


def _reject_constant(name: str) -> None:
    raise ValueError(f"{name} is not valid JSON")


def load_json(text: str | bytes) -> Any:
    """Parse JSON strictly: no NaN or Infinity, and no key given twice in one object.

    Raises ``ValueError`` with a message that says where the text is wrong.
    """
    try:
        return json.loads(text, object_pairs_hook=_no_duplicates, parse_constant=_reject_constant)
    except DuplicateKey as exc:
        raise ValueError(f"the key {exc.args[0]!r} is given twice in one object") from None
    except json.JSONDecodeError as exc:
        raise ValueError(
            f"not valid JSON: {exc.msg} at line {exc.lineno} column {exc.colno}"
        ) from None
    except UnicodeDecodeError:
        raise ValueError("not valid JSON: the text is not UTF-8") from None


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
