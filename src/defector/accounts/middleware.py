"""Middleware of the accounts app: who is signed in, session time limits, and the second
factor's gate.

- :class:`AuthenticationMiddleware` is Django's, but for ``request.user``, which takes the
  account read with the session's row (``accounts.authentication.user_of``): one query for a
  page's session and account, as an API request has one for its token and account.
- :class:`OTPMiddleware` is django-otp's, but verifies the user at once: every request asks
  who its user is right away (``NoStoreForAuthenticatedMiddleware``, then
  :class:`SessionLimitsMiddleware`), so ``request.user`` is the account itself rather than a
  lazy object around a lazy object, which every later use of it would go through.
- :class:`SessionLimitsMiddleware` ends a session ``SESSION_IDLE_SECONDS`` after its last
  request or ``SESSION_ABSOLUTE_SECONDS`` after sign-in, whichever comes first.
- :class:`SecondFactorMiddleware`, while ``MFA_REQUIRED``: a session that signed in with its
  password but has not given its second factor reaches only the sign-in, sign-out, verify and
  enrol pages; every other page sends it to verify (or to enrol, the first time), and the API
  answers 401 ``mfa_required`` (unless the request carries a bearer token, a factor of its
  own). It also tells ``core.auth`` when the session last gave its second factor (step-up).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth import middleware as auth_middleware
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.urls import reverse
from django.utils.functional import LazyObject, SimpleLazyObject, empty
from django_otp import middleware as otp_middleware

from defector.accounts import actions, queries, sessions
from defector.accounts.authentication import user_of
from defector.core.auth import SecondFactorRequired, second_factor_context

API_PREFIX = "/api/"


class AuthenticationMiddleware(auth_middleware.AuthenticationMiddleware):
    """Django's, with ``request.user`` from :func:`~defector.accounts.authentication.user_of`
    (``request.auser`` stays Django's)."""

    def process_request(self, request: HttpRequest) -> None:
        super().process_request(request)
        request.user = SimpleLazyObject(lambda: _user(request))  # type: ignore[assignment]


class OTPMiddleware(otp_middleware.OTPMiddleware):
    """django-otp's, with ``request.user`` verified now instead of on its first use: the same
    account, with the same ``otp_device`` and ``is_verified()``, asked of the database in the
    same order (nothing between here and :class:`SessionLimitsMiddleware`, which asks
    ``request.user.is_authenticated`` of every request, reads the database); ``request.auser``
    stays django-otp's. Synchronous only (the user is read now): under ASGI, Django runs it in
    a thread, as it does the middleware around it."""

    async_capable = False

    def _install_lazy_accessors(self, request: HttpRequest) -> None:
        super()._install_lazy_accessors(request)
        if getattr(request, "user", None) is not None:
            request.user = _unwrapped(request.user)


def _unwrapped(user: Any) -> Any:
    """The object behind ``user``'s lazy wrappers (each evaluated if it was not yet)."""
    while isinstance(user, LazyObject):
        lazy: Any = user
        if lazy._wrapped is empty:
            lazy._setup()
        user = lazy._wrapped
    return user


def _user(request: HttpRequest) -> Any:
    """The request's user, asked once (where Django's middleware keeps it)."""
    if not hasattr(request, "_cached_user"):
        request._cached_user = user_of(request)  # type: ignore[attr-defined]
    return request._cached_user  # type: ignore[attr-defined]


class SessionLimitsMiddleware:
    """Sign a session out when its idle or absolute time is up; keep its last-seen time."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            now = time.time()
            why = sessions.expired(request.session, now)
            if why:
                logout(request)
                minutes = (
                    settings.SESSION_IDLE_SECONDS // 60
                    if why == "idle"
                    else settings.SESSION_ABSOLUTE_SECONDS // 60
                )
                messages.info(
                    request,
                    f"You were signed out after {minutes} minutes without activity."
                    if why == "idle"
                    else f"You were signed out: a session lasts at most {minutes // 60} hours.",
                )
            else:
                _touch(request.session, now)
                tracked = request.session.get(sessions.TRACKED_KEY, "")
                key = request.session.session_key
                if key and tracked != key:
                    actions.track_session(
                        acting_user=request.user,
                        session_key=key,
                        replaces=str(tracked or ""),
                    )
                    sessions.mark_tracked(request.session)
        return self.get_response(request)


def _touch(session: Any, now: float) -> None:
    """Keep the session's last-seen time (``sessions.touch``); when that alone changes the
    session, its save is conditional (``session_store.SessionStore.mark_seen_only``): of the
    requests that read the old time, the first writes the row, the others nothing."""
    untouched = not session.modified
    seen = session.get(sessions.SEEN_AT)
    sessions.touch(session, now)
    mark = getattr(session, "mark_seen_only", None)
    if untouched and session.get(sessions.SEEN_AT) != seen and mark is not None:
        mark()


def mfa_required() -> bool:
    return bool(getattr(settings, "MFA_REQUIRED", True))


def _is_verified(request: HttpRequest) -> bool:
    is_verified = getattr(request.user, "is_verified", None)
    return bool(is_verified()) if callable(is_verified) else False


def _open_paths() -> tuple[str, ...]:
    """Where a session without its second factor may go."""
    return (
        reverse("web:sign-in"),
        reverse("web:sign-out"),
        reverse("accounts:verify"),
        reverse("accounts:enrol"),
    )


class SecondFactorMiddleware:
    """Hold a signed-in session without its second factor at the verify or enrol page."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user_id: int | None = None
        verified_at: float | None = None
        if request.user.is_authenticated:
            user_id = request.user.pk
            if not mfa_required():
                pass
            elif _is_verified(request):
                verified_at = sessions.verified_at(request.session)
            else:
                held = self._hold(request)
                if held is not None:
                    return held
        with second_factor_context(user_id, verified_at):
            return self.get_response(request)

    def _hold(self, request: HttpRequest) -> HttpResponse | None:
        path = request.path
        static = "/" + str(settings.STATIC_URL).lstrip("/")
        if path in _open_paths() or path.startswith(static):
            return None
        if path.startswith(API_PREFIX):
            if request.headers.get("Authorization", "").lower().startswith("bearer "):
                return None
            error = SecondFactorRequired(
                "enter the code from your authenticator app first (the verify page), or "
                "send an API token"
            )
            return JsonResponse(error.to_dict(), status=error.status)
        target = "accounts:verify" if queries.has_authenticator(request.user) else "accounts:enrol"
        return HttpResponseRedirect(
            f"{reverse(target)}?{urlencode({'next': request.get_full_path()})}"
        )
