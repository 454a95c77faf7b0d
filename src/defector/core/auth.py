"""How the API knows who is calling, and what a caller must have proven.

- a browser session (CSRF checked on writes) that has passed the second factor, or
- a bearer token (``Authorization: Bearer dpa_…``), used only within its scope.

And the **step-up** rule: revealing a sealed value needs the second factor within the last
``STEP_UP_SECONDS``. Each web request carries what the session has proven
(:func:`second_factor_context`, set by ``accounts.middleware``), and
:func:`require_recent_second_factor` checks it. Outside a web request (an operator's command,
a test calling an action) there is nothing to step up from, and the rule does not apply.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any, Final

from django.conf import settings
from django.http import HttpRequest
from django.urls import reverse
from ninja.security import HttpBearer, SessionAuth

from defector.core import actions, queries
from defector.core.choices import TokenScope
from defector.core.errors import DomainError
from defector.core.users import AnyUser

SAFE_METHODS: Final = frozenset({"GET", "HEAD", "OPTIONS"})


class SecondFactorRequired(DomainError):
    """The session signed in with a password but has not yet given its second factor."""

    code = "mfa_required"
    status = 401


class StepUpRequired(DomainError):
    """The second factor was given too long ago for this action (revealing a sealed value)."""

    code = "step_up_required"
    status = 401


class InsufficientScope(DomainError):
    """The API token's scope does not allow this request."""

    code = "insufficient_scope"
    status = 403


# --- what the current request has proven -----------------------------------------------------


@dataclass
class SecondFactor:
    """The user a web request is for and when their session last gave the second factor
    (seconds since the epoch), or ``None``."""

    user_id: int | None
    verified_at: float | None


_current: ContextVar[SecondFactor | None] = ContextVar("defector_second_factor", default=None)


@contextmanager
def second_factor_context(user_id: int | None, verified_at: float | None) -> Iterator[SecondFactor]:
    """Run one web request with what its session has proven."""
    state = SecondFactor(user_id, verified_at)
    token = _current.set(state)
    try:
        yield state
    finally:
        _current.reset(token)


def note_second_factor(user_id: int, verified_at: float) -> None:
    """The current request's user has just given their second factor."""
    state = _current.get()
    if state is not None:
        state.user_id = user_id
        state.verified_at = verified_at


def step_up_seconds() -> int:
    return int(getattr(settings, "STEP_UP_SECONDS", 300))


def require_recent_second_factor(user: AnyUser | None) -> None:
    """Raise :class:`StepUpRequired` unless ``user``'s session gave its second factor within
    the last ``STEP_UP_SECONDS`` (only while ``MFA_REQUIRED``, and only in a web request)."""
    if not getattr(settings, "MFA_REQUIRED", True):
        return
    state = _current.get()
    if state is None:
        return  # no web request: an operator's command or a direct call
    fresh = (
        user is not None
        and state.user_id is not None
        and state.user_id == user.pk
        and state.verified_at is not None
        and time.time() - state.verified_at <= step_up_seconds()
    )
    if not fresh:
        minutes = max(1, step_up_seconds() // 60)
        raise StepUpRequired(
            f"enter a code from your authenticator app: revealing a sealed value needs one "
            f"from the last {minutes} minutes"
        )


# --- the API's authentication ----------------------------------------------------------------


def scope_allows(scope: str, request: HttpRequest) -> bool:
    """Whether a token of ``scope`` may make ``request``."""
    if scope == TokenScope.WRITE:
        return True
    if request.method in SAFE_METHODS:
        return scope in (TokenScope.READ, TokenScope.ASSESS)
    if scope == TokenScope.ASSESS and request.method == "POST":
        return request.path == reverse("api:assess")
    return False


class TokenAuth(HttpBearer):
    """``Authorization: Bearer dpa_...`` with an active API token, within its scope."""

    openapi_description = (
        "An API token (tokens page under /account/tokens/, or `defector token create`). "
        "Scopes: read (GET only), assess (read and POST /policy/assess), write."
    )

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        found = queries.active_token(token)
        if found is None:
            return None
        if not scope_allows(found.scope, request):
            raise InsufficientScope(
                f"this token's scope ({found.scope}) does not allow {request.method} here"
            )
        actions.touch_api_token(found)
        request.user = found.user
        return found.user


class BrowserSession(SessionAuth):
    """The signed-in browser's session cookie; unsafe methods need the CSRF token.

    A session that has not given its second factor (while ``MFA_REQUIRED``) does not count:
    ``accounts.middleware`` answers such a request 401 ``mfa_required`` before it gets here,
    unless it also carries a bearer token, which then gets its turn.
    """

    openapi_description = "The session of a signed-in browser; send X-CSRFToken on writes."

    def __call__(self, request: HttpRequest) -> Any:
        # Only a signed-in session is checked for CSRF; otherwise the next method (a bearer
        # token) gets its turn, and a caller with neither is answered 401, not 403.
        if not request.user.is_authenticated:
            return None
        if getattr(settings, "MFA_REQUIRED", True) and not _is_verified(request.user):
            return None
        return super().__call__(request)


def _is_verified(user: Any) -> bool:
    is_verified = getattr(user, "is_verified", None)
    return bool(is_verified()) if callable(is_verified) else False


API_AUTH = [BrowserSession(), TokenAuth()]
