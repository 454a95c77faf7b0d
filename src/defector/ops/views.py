"""The health checks and the metrics: ``/healthz``, ``/readyz``, ``/metrics``.

None needs a session (``SESSIONLESS_PATHS``); none is part of the API's OpenAPI document.
``/metrics`` answers only a request bearing the metrics token (``DEFECTOR_METRICS_TOKEN``) as
``Authorization: Bearer <token>``; any other request, and every request while no token is set,
is answered 404, as if there were no such page: a scanner learns nothing, and a scraper with a
wrong token sees its target down (Prometheus's ``up == 0``).
"""

from __future__ import annotations

import hmac

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.utils.cache import add_never_cache_headers
from django.views.decorators.http import require_safe
from prometheus_client import CONTENT_TYPE_LATEST

from defector.core import metrics as core_metrics
from defector.ops import health
from defector.web.views import page_not_found


@require_safe
def healthz(request: HttpRequest) -> HttpResponse:
    """The process answers (nothing else is looked at)."""
    response = JsonResponse({"status": "ok"})
    add_never_cache_headers(response)
    return response


@require_safe
def readyz(request: HttpRequest) -> HttpResponse:
    """200 when every readiness check passes, else 503; the body names each check."""
    readiness = health.readiness()
    response = JsonResponse(readiness.to_dict(), status=200 if readiness.ok else 503)
    add_never_cache_headers(response)
    return response


def bears_the_metrics_token(request: HttpRequest) -> bool:
    token = str(getattr(settings, "METRICS_TOKEN", "") or "")
    scheme, _, given = request.headers.get("Authorization", "").partition(" ")
    if not token or scheme.lower() != "bearer":
        return False
    return hmac.compare_digest(given.strip().encode("utf-8"), token.encode("utf-8"))


@require_safe
def metrics(request: HttpRequest) -> HttpResponse:
    """Prometheus's text format, for the holders of the metrics token only (else 404)."""
    if not bears_the_metrics_token(request):
        # The site's own 404 page, as for any address that does not exist (never kept).
        response = page_not_found(request, Http404("no such page"))
    else:
        response = HttpResponse(core_metrics.exposition(), content_type=CONTENT_TYPE_LATEST)
    add_never_cache_headers(response)
    return response
