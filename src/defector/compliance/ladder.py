"""The installation's ladders: the policy's defaults, overridden by the setting
``DEFECTOR_COMPLIANCE_LADDER`` (read at each call, never at import), e.g.::

    DEFECTOR_COMPLIANCE_LADDER = {
        "default": {"lead": {"days": 1}, "senior": {"days": 2}},
        "establish_bona_fides": {"idc": {"days": 14}},
    }

``default`` sets the ladder of every obligation that has no ladder of its own in the policy
(threat information runs on minutes, ``6b(3)(a)``); an obligation identifier sets its own over
that. Each step given is a mapping of
``datetime.timedelta`` keyword arguments; a step left out keeps its value.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Mapping
from typing import Any, Final

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from defector.policy.gates.compliance import DEFAULT_LADDER, THREAT_LADDER, Ladder
from defector.policy.obligations import ObligationId

SETTING: Final = "DEFECTOR_COMPLIANCE_LADDER"
#: The policy's own ladder of an obligation, where it is not the default one.
POLICY_LADDERS: Final[Mapping[str, Ladder]] = {
    ObligationId.DISSEMINATE_THREAT_INFORMATION: THREAT_LADDER,
}
FIELDS: Final = ("lead", "chair", "senior", "idc")


def _override(base: Ladder, raw: object, where: str) -> Ladder:
    if not isinstance(raw, Mapping):
        raise ImproperlyConfigured(f"{SETTING}[{where!r}] must map steps to durations")
    changes: dict[str, dt.timedelta] = {}
    for key, value in raw.items():
        if key not in FIELDS:
            raise ImproperlyConfigured(
                f"{SETTING}[{where!r}]: unknown step {key!r}; known: {', '.join(FIELDS)}"
            )
        if isinstance(value, dt.timedelta):
            changes[key] = value
        elif isinstance(value, Mapping):
            try:
                changes[key] = dt.timedelta(**value)
            except TypeError as exc:
                raise ImproperlyConfigured(f"{SETTING}[{where!r}][{key!r}]: {exc}") from None
        else:
            raise ImproperlyConfigured(
                f'{SETTING}[{where!r}][{key!r}] must be a timedelta or a mapping like {{"days": 2}}'
            )
    try:
        return dataclasses.replace(base, **changes)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{SETTING}[{where!r}]: {exc}") from None


def _setting() -> Mapping[str, Any]:
    raw = getattr(settings, SETTING, None) or {}
    if not isinstance(raw, Mapping):
        raise ImproperlyConfigured(f"{SETTING} must be a mapping")
    known = {"default", *ObligationId.__members__.values()}
    for key in raw:
        if key not in known:
            raise ImproperlyConfigured(f"{SETTING}: unknown obligation {key!r}")
    return raw


def ladders() -> dict[str, Ladder]:
    """Every obligation's ladder, by identifier."""
    raw = _setting()
    default = _override(DEFAULT_LADDER, raw["default"], "default") if "default" in raw else None
    out: dict[str, Ladder] = {}
    for identifier in ObligationId:
        base = POLICY_LADDERS.get(identifier) or default or DEFAULT_LADDER
        if identifier in raw:
            base = _override(base, raw[identifier], identifier)
        out[identifier] = base
    return out
