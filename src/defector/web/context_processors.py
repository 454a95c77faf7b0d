"""What every page of the shell needs: navigation, demo mode, the API docs and the citation."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.urls import NoReverseMatch

from defector.core.reversing import reverse
from defector.policy import versions
from defector.web.navigation import navigation

#: Where the API's interactive documentation lives, should its URL name not resolve.
API_DOCS_FALLBACK = "/api/v1/docs"


def api_docs_url() -> str:
    try:
        return reverse("api:openapi-view")
    except NoReverseMatch:
        return API_DOCS_FALLBACK


def constants() -> dict[str, Any]:
    """The parts of the shell's context that need no request (the 500 page uses only these)."""
    return {
        "DIRECTIVE": versions.CURRENT,
        "POLICY_VERSION": versions.POLICY_VERSION,
        "API_DOCS_URL": api_docs_url(),
    }


def shell(request: HttpRequest) -> dict[str, Any]:
    """Context processor of every page (``settings.TEMPLATES``)."""
    return {
        **constants(),
        "navigation": navigation(request),
        "DEMO_MODE": bool(getattr(settings, "DEMO_MODE", False)),
    }
