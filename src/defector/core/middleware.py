"""Middleware of the whole site."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import asdict

from csp import middleware as csp_middleware
from csp.constants import HEADER, HEADER_REPORT_ONLY
from csp.utils import build_policy
from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.http import (
    HttpRequest,
    HttpResponse,
    HttpResponseBadRequest,
    HttpResponseBase,
    HttpResponseRedirect,
    JsonResponse,
)
from django.shortcuts import render
from django.urls import Resolver404, resolve
from django.utils.cache import add_never_cache_headers
from django.utils.http import http_date

from defector.core import access
from defector.core.context import REQUEST_ID_RE, new_request_id, request_context
from defector.core.errors import AuditChainFault

logger = logging.getLogger(__name__)


class NoStoreForAuthenticatedMiddleware:
    """Authenticated pages must not be kept by browsers or proxies (``Cache-Control: no-store``)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        # Signed in before the view ran (a session that then timed out or signed out) or after
        # it (the answer to signing in): either way the answer is not for anyone else.
        before = _signed_in(request)
        response = self.get_response(request)
        if before or _signed_in(request):
            _never_cache(response)
        return response


#: What ``add_never_cache_headers`` makes the ``Cache-Control`` of a response without one.
NEVER_CACHE = "max-age=0, no-cache, no-store, must-revalidate, private"


def _never_cache(response: HttpResponseBase) -> None:
    """Django's ``add_never_cache_headers``, written at once when the response has neither of
    its headers yet (every page but a few): the same ``Expires`` (now) and ``Cache-Control``,
    in the same order, without parsing and merging a header that is not there."""
    if response.has_header("Expires") or response.has_header("Cache-Control"):
        add_never_cache_headers(response)
        return
    response.headers["Expires"] = http_date(time.time())
    response.headers["Cache-Control"] = NEVER_CACHE


def _signed_in(request: HttpRequest) -> bool:
    user = getattr(request, "user", None)
    return bool(user is not None and user.is_authenticated)


class RequestIdMiddleware:
    """Give every request an id (the client's ``X-Request-ID`` if well-formed, else a new one).

    Audit records written while the request runs carry it, and the response returns it, so a
    user's report of a problem can be matched to the log and the audit chain.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        supplied = request.headers.get("X-Request-ID", "")
        request_id = supplied if REQUEST_ID_RE.fullmatch(supplied) else new_request_id()
        with request_context(request_id):
            response = self.get_response(request)
        response["X-Request-ID"] = request_id
        return response


class SessionlessPathsMiddleware:
    """Requests to ``SESSIONLESS_PATHS`` (the health checks and the metrics) are answered
    without a session: their session cookie is set aside before the session middleware looks,
    so they never read the session store, never count as a user's activity, and are never held
    for a second factor. They are for probes and scrapers, which sign in by other means."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path in getattr(settings, "SESSIONLESS_PATHS", ()):
            request.COOKIES.pop(settings.SESSION_COOKIE_NAME, None)
        return self.get_response(request)


class RejectNulCharactersMiddleware:
    """Refuse text with NUL characters before any view sees it.

    PostgreSQL cannot store U+0000 in text, so such input would fail deep in a query (a 500,
    and on PostgreSQL an aborted transaction); it is never meaningful in this system. The
    query string and JSON or form-encoded bodies are checked; file uploads are not (binary
    files hold NUL bytes). The API answers 422 ``validation_error``; pages answer 400.
    """

    CHECKED_BODIES = ("application/json", "application/x-www-form-urlencoded")

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if self._has_nul(request):
            message = "text may not contain NUL characters"
            if request.path.startswith("/api/"):
                return JsonResponse(
                    {
                        "code": "validation_error",
                        "message": message,
                        "errors": [{"field": "", "message": message}],
                    },
                    status=422,
                )
            return HttpResponseBadRequest(message, content_type="text/plain")
        return self.get_response(request)

    def _has_nul(self, request: HttpRequest) -> bool:
        query = request.META.get("QUERY_STRING", "")
        if "%00" in query or "\x00" in query:
            return True
        content_type = request.content_type or ""
        if request.method in ("POST", "PUT", "PATCH") and content_type in self.CHECKED_BODIES:
            body = request.body
            encoded_nul = b"\\u0000" if content_type == "application/json" else b"%00"
            return b"\x00" in body or encoded_nul in body
        return False


class AuditChainFaultMiddleware:
    """A write refused because the audit chain is faulty answers a 503 page naming the fault.

    Actions raise :class:`~defector.core.errors.AuditChainFault` when the chain cannot be
    extended (an event past the head row: a forged append); the API maps it to a 503 JSON
    body (``defector.api``), and pages get this, not a 500.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, AuditChainFault):
            return None
        logger.error("audit chain fault: %s", exception.message)
        return render(
            request,
            "core/audit_chain_fault.html",
            {"fault": exception},
            status=exception.status,
        )


class RefuseOversizedBodiesMiddleware:
    """Answer 413 to a body over ``DATA_UPLOAD_MAX_MEMORY_SIZE``, before anything reads it.

    Django would raise ``RequestDataTooBig`` where the body is first read and answer an HTML
    400; the API answers JSON (``code: too_large``) and pages a plain 413. File uploads
    (``multipart/form-data``) are left to Django's upload handlers, which stream them.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.content_type != "multipart/form-data":
            try:
                request.body  # noqa: B018 (read now, so that a body too big is refused here)
            except RequestDataTooBig:
                return self._too_large(request)
        return self.get_response(request)

    @staticmethod
    def _too_large(request: HttpRequest) -> HttpResponse:
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        message = f"the request body is larger than {limit} bytes"
        if request.path.startswith("/api/"):
            return JsonResponse({"code": "too_large", "message": message}, status=413)
        return HttpResponse(message, status=413, content_type="text/plain")


class HeadAsGetForTheApiMiddleware:
    """Answer ``HEAD`` wherever the API answers ``GET``: the same status and headers, no body.

    Pages answer it already (Django's class-based views); the API's operations are declared
    for ``GET`` only. The request runs as ``GET`` (a safe method: a read token may send it).
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.method != "HEAD" or not request.path.startswith("/api/"):
            return self.get_response(request)
        request.method = "GET"
        try:
            response = self.get_response(request)
        finally:
            request.method = "HEAD"
        if not response.streaming:
            response["Content-Length"] = str(len(response.content))
            response.content = b""
        return response


def _takes_get(path: str) -> bool:
    """Whether the page at ``path`` exists and answers ``GET``."""
    try:
        match = resolve(path)
    except Resolver404:
        return False
    view_class = getattr(match.func, "view_class", None)
    if view_class is None:
        return True
    names = getattr(match.func, "view_initkwargs", {}).get(
        "http_method_names", view_class.http_method_names
    )
    return "get" in names and hasattr(view_class, "get")


def page_of_action(path: str) -> str:
    """The page an action's address belongs to: the nearest address above it (dropping one
    part at a time) that answers ``GET``; the home page when none does."""
    parts = [part for part in path.split("/") if part]
    while parts:
        parts.pop()
        candidate = "/" + "".join(f"{part}/" for part in parts)
        if _takes_get(candidate):
            return candidate
    return "/"


class ActionGetRedirectMiddleware:
    """A ``GET`` (or ``HEAD``) of a page's action address — where the address bar stays after
    a form's errors — answers 303 to the page the action belongs to, instead of an empty 405.

    Every form posts to an address that only takes ``POST``; whatever view serves it, the
    answer Django gives is a 405, which this turns, once for the whole site, into a redirect.
    The 303 keeps the ``Allow`` header of the 405. The API keeps its 405s.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if (
            response.status_code != 405
            or request.method not in ("GET", "HEAD")
            or request.path.startswith("/api/")
        ):
            return response
        redirect = HttpResponseRedirect(page_of_action(request.path), status=303)
        if response.has_header("Allow"):
            redirect["Allow"] = response["Allow"]
        return redirect


class RememberAccessForReadsMiddleware:
    """While a ``GET`` or ``HEAD`` is answered, each access decision on one object is asked of
    the database once (``core.access.remembering``): a page asks whether its reader may change
    the case in every section, and a read changes none of what the rules read."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.method not in ("GET", "HEAD"):
            return self.get_response(request)
        with access.remembering():
            return self.get_response(request)


#: The settings each of django-csp's two headers is made of, and the response attribute that
#: exempts a response from it (``csp.decorators.csp_exempt``).
_CSP_HEADERS: tuple[tuple[bool, str, str, str], ...] = (
    (False, HEADER, "_csp_exempt", "CONTENT_SECURITY_POLICY"),
    (True, HEADER_REPORT_ONLY, "_csp_exempt_ro", "CONTENT_SECURITY_POLICY_REPORT_ONLY"),
)
#: Each header's value from the settings alone (no decorator's parts, no nonce), built once.
_csp_policies: dict[bool, str] = {}
_csp_lock = threading.Lock()


@receiver(setting_changed)
def _forget_csp_policies(*, setting: str, **kwargs: object) -> None:
    if setting.startswith("CONTENT_SECURITY_POLICY"):
        with _csp_lock:
            _csp_policies.clear()


def _csp_policy(parts: csp_middleware.PolicyParts, report_only: bool) -> str:
    """``csp.utils.build_policy`` of ``parts``; the settings' own policy (what every response
    but one a decorator changed, or one asking for a nonce, gets) is built once per process."""
    if parts.config is None and parts.update is None and parts.replace is None and not parts.nonce:
        policy = _csp_policies.get(report_only)
        if policy is None:
            policy = build_policy(report_only=report_only)
            with _csp_lock:
                _csp_policies[report_only] = policy
        return policy
    return build_policy(**asdict(parts), report_only=report_only)


class CSPMiddleware(csp_middleware.CSPMiddleware):
    """django-csp's (4.0), but the header from the settings alone is built once per process,
    not on every response (``csp.utils.build_policy`` walks every directive each time): the
    same ``Content-Security-Policy`` and ``-Report-Only`` headers, on the same responses, and
    the same nonce (``request.csp_nonce``) and its refusal once the header is written."""

    def process_response(
        self, request: HttpRequest, response: HttpResponseBase
    ) -> HttpResponseBase:
        # The debug pages keep their own inline styles and scripts.
        if response.status_code in (500, 404) and settings.DEBUG:
            return response
        for report_only, header, exempt, setting in _CSP_HEADERS:
            parts = self.get_policy_parts(
                request=request, response=response, report_only=report_only
            )
            policy = _csp_policy(parts, report_only)
            if not policy or header in response or getattr(response, exempt, False) is not False:
                continue
            prefixes = (getattr(settings, setting, None) or {}).get("EXCLUDE_URL_PREFIXES") or ()
            if not request.path_info.startswith(tuple(prefixes)):
                response[header] = policy
        if getattr(request, "_csp_nonce", None) is None:
            request.csp_nonce = csp_middleware.CheckableLazyObject(  # type: ignore[attr-defined]
                self._csp_nonce_post_response
            )
        return response
