"""The site's own versions of third-party middleware answer as the originals do: the
Content-Security-Policy built once per process (``core.middleware.CSPMiddleware``, django-csp's
otherwise), ``Cache-Control: no-store`` written at once (``core.middleware._never_cache``,
Django's ``add_never_cache_headers`` otherwise), and the second factor's device looked up at
once (``accounts.middleware.OTPMiddleware``, django-otp's otherwise)."""

from __future__ import annotations

from typing import Any
from unittest import mock

import pytest
from csp.constants import NONCE, SELF
from csp.exceptions import CSPNonceError
from csp.middleware import CSPMiddleware as DjangoCSPMiddleware
from django.contrib.auth.models import AnonymousUser
from django.contrib.sessions.middleware import SessionMiddleware
from django.http import HttpRequest, HttpResponse
from django.test import RequestFactory, override_settings
from django.utils.cache import add_never_cache_headers
from django.utils.functional import LazyObject
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.middleware import OTPMiddleware as DjangoOTPMiddleware
from django_otp.plugins.otp_totp.models import TOTPDevice

from defector.accounts.middleware import AuthenticationMiddleware, OTPMiddleware
from defector.core.middleware import CSPMiddleware, _never_cache

REPORT_ONLY = {"DIRECTIVES": {"default-src": ["'self'"], "report-uri": ["/csp-report/"]}}


def _csp_headers(middleware_class: type, prepare: Any = None, path: str = "/cases/") -> Any:
    """The response headers and the request after ``middleware_class`` answered ``path``."""
    request = RequestFactory().get(path)

    def view(request: HttpRequest) -> HttpResponse:
        response = HttpResponse("ok")
        if prepare is not None:
            prepare(request, response)
        return response

    response = middleware_class(view)(request)
    return dict(response.headers), request


def _nonce(request: HttpRequest, response: HttpResponse) -> None:
    str(request.csp_nonce)  # type: ignore[attr-defined]


def _update(request: HttpRequest, response: HttpResponse) -> None:
    response._csp_update = {"img-src": ["https://maps.example"]}  # type: ignore[attr-defined]


def _replace(request: HttpRequest, response: HttpResponse) -> None:
    response._csp_replace = {"script-src": ["'none'"]}  # type: ignore[attr-defined]


def _exempt(request: HttpRequest, response: HttpResponse) -> None:
    response._csp_exempt = True  # type: ignore[attr-defined]


def _own_header(request: HttpRequest, response: HttpResponse) -> None:
    response["Content-Security-Policy"] = "default-src 'none'"


@pytest.mark.parametrize("prepare", [None, _update, _replace, _exempt, _own_header])
def test_the_csp_headers_are_django_csps_whatever_the_view_asks(prepare: Any) -> None:
    for _ in range(2):  # built, then from memory
        ours, _request = _csp_headers(CSPMiddleware, prepare)
        theirs, _request = _csp_headers(DjangoCSPMiddleware, prepare)
        assert ours == theirs


def test_a_nonce_asked_for_is_in_the_header_and_refused_once_the_header_is_written() -> None:
    headers, request = _csp_headers(CSPMiddleware, _nonce)
    nonce = request._csp_nonce  # type: ignore[attr-defined]
    assert f"'nonce-{nonce}'" not in headers["Content-Security-Policy"]  # no NONCE in settings
    with override_settings(CONTENT_SECURITY_POLICY={"DIRECTIVES": {"script-src": [SELF, NONCE]}}):
        headers, request = _csp_headers(CSPMiddleware, _nonce)
        nonce = request._csp_nonce  # type: ignore[attr-defined]
        theirs, their_request = _csp_headers(DjangoCSPMiddleware, _nonce)
        their_nonce = their_request._csp_nonce  # type: ignore[attr-defined]
        assert f"script-src 'self' 'nonce-{nonce}'" in headers["Content-Security-Policy"]
        assert headers["Content-Security-Policy"].replace(nonce, "") == theirs[
            "Content-Security-Policy"
        ].replace(their_nonce, "")
        _headers, later = _csp_headers(CSPMiddleware)
        with pytest.raises(CSPNonceError):
            str(later.csp_nonce)  # type: ignore[attr-defined]


def test_a_changed_policy_setting_is_the_one_sent_and_report_only_is_sent_too() -> None:
    before, _request = _csp_headers(CSPMiddleware)
    with override_settings(
        CONTENT_SECURITY_POLICY={"DIRECTIVES": {"default-src": ["'none'"]}},
        CONTENT_SECURITY_POLICY_REPORT_ONLY=REPORT_ONLY,
    ):
        ours, _request = _csp_headers(CSPMiddleware)
        theirs, _request = _csp_headers(DjangoCSPMiddleware)
        assert ours == theirs
        assert ours["Content-Security-Policy"] == "default-src 'none'"
        assert "Content-Security-Policy-Report-Only" in ours
    after, _request = _csp_headers(CSPMiddleware)
    assert after == before


def test_excluded_prefixes_get_no_header_as_with_django_csp() -> None:
    policy = {"DIRECTIVES": {"default-src": ["'self'"]}, "EXCLUDE_URL_PREFIXES": ["/cases/"]}
    with override_settings(CONTENT_SECURITY_POLICY=policy):
        ours, _request = _csp_headers(CSPMiddleware)
        theirs, _request = _csp_headers(DjangoCSPMiddleware)
    assert ours == theirs
    assert "Content-Security-Policy" not in ours


@pytest.mark.parametrize(
    "headers",
    [{}, {"Cache-Control": "max-age=60, public"}, {"Expires": "Thu, 01 Jan 2026 00:00:00 GMT"}],
)
def test_no_store_headers_are_djangos_byte_for_byte(headers: dict[str, str]) -> None:
    ours, theirs = HttpResponse("x", headers=headers), HttpResponse("x", headers=headers)
    with mock.patch("time.time", return_value=1_780_000_000.25):
        _never_cache(ours)
        add_never_cache_headers(theirs)
    assert list(ours.headers.items()) == list(theirs.headers.items())


def _through_otp(middleware_class: type, request: HttpRequest) -> Any:
    """``request.user`` as the view sees it after the session, account and OTP middleware."""
    seen: dict[str, Any] = {}

    def view(request: HttpRequest) -> HttpResponse:
        seen["user"] = request.user
        return HttpResponse()

    chain = SessionMiddleware(AuthenticationMiddleware(middleware_class(view)))
    chain(request)
    return seen["user"]


def _request(session_key: str | None) -> HttpRequest:
    request = RequestFactory().get("/")
    if session_key:
        request.COOKIES["sessionid"] = session_key
    return request


@pytest.mark.django_db
def test_the_user_after_otp_is_the_account_itself_verified_as_django_otp_says(
    client: Any, django_user_model: Any
) -> None:
    user = django_user_model.objects.create_user("kestrel", password="x" * 16)
    device = TOTPDevice.objects.create(user=user, name="app", confirmed=True)
    client.force_login(user)
    key = client.session.session_key
    for with_device in (False, True):
        if with_device:
            session = client.session
            session[DEVICE_ID_SESSION_KEY] = device.persistent_id
            session.save()
        ours = _through_otp(OTPMiddleware, _request(key))
        theirs = _through_otp(DjangoOTPMiddleware, _request(key))
        assert not isinstance(ours, LazyObject)
        assert ours == theirs == user
        assert ours.is_verified() == theirs.is_verified() == with_device
        assert ours.otp_device == theirs.otp_device == (device if with_device else None)
    anonymous = _through_otp(OTPMiddleware, _request(None))
    assert isinstance(anonymous, AnonymousUser)
    assert anonymous.is_verified() is False
