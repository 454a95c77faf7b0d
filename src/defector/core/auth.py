"""How the API knows who is calling: a browser session (CSRF checked) or a bearer token."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja.security import HttpBearer, SessionAuth

from defector.core import actions, queries


class TokenAuth(HttpBearer):
    """``Authorization: Bearer dpa_...`` with an active API token."""

    openapi_description = "An API token created with `defector token create`."

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        found = queries.active_token(token)
        if found is None:
            return None
        actions.touch_api_token(found)
        request.user = found.user
        return found.user


class BrowserSession(SessionAuth):
    """The signed-in browser's session cookie; unsafe methods need the CSRF token."""

    openapi_description = "The session of a signed-in browser; send X-CSRFToken on writes."

    def __call__(self, request: HttpRequest) -> Any:
        # Only a signed-in session is checked for CSRF; otherwise the next method (a bearer
        # token) gets its turn, and a caller with neither is answered 401, not 403.
        if not request.user.is_authenticated:
            return None
        return super().__call__(request)


API_AUTH = [BrowserSession(), TokenAuth()]
