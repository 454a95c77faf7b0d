"""Pages of the accounts app: sign-in and sign-out, the second factor, the account, API tokens.

Thin: each view parses a form, calls one action or query, and renders. Secrets shown once (a
new API token, recovery codes) are shown on the answer to the POST that made them, and never
put in the session, a message, a URL or a log line.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseBase,
    HttpResponseRedirect,
)
from django.shortcuts import render, resolve_url
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.utils.http import url_has_allowed_host_and_scheme
from django.views import View
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters, sensitive_variables
from django.views.generic import TemplateView

from defector.accounts import actions, mfa, queries, sessions, stepup
from defector.accounts.forms import CodeForm, EnrolForm, SignInForm, TokenForm
from defector.core import actions as core_actions
from defector.core.errors import Conflict, InvalidInput, NotFound


def _mfa_required() -> bool:
    return bool(getattr(settings, "MFA_REQUIRED", True))


def _is_verified(request: HttpRequest) -> bool:
    is_verified = getattr(request.user, "is_verified", None)
    return bool(is_verified()) if callable(is_verified) else False


def _next_url(request: HttpRequest) -> str:
    """The page to go to afterwards (``next``), if it is on this site; else home."""
    wanted = request.POST.get("next") or request.GET.get("next") or ""
    if wanted and url_has_allowed_host_and_scheme(
        wanted, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return wanted
    return resolve_url(settings.LOGIN_REDIRECT_URL)


def _with_next(name: str, next_url: str) -> str:
    return f"{reverse(name)}?{urlencode({'next': next_url})}"


def _second_factor_page(request: HttpRequest, next_url: str) -> HttpResponseRedirect:
    target = "accounts:verify" if queries.has_authenticator(request.user) else "accounts:enrol"
    return HttpResponseRedirect(_with_next(target, next_url))


def _renew_session(request: HttpRequest) -> None:
    """A new session id once every factor is given (the old one may have been seen)."""
    old = request.session.session_key or ""
    request.session.cycle_key()
    sessions.ensure_key(request.session)
    actions.track_session(
        acting_user=request.user,  # type: ignore[arg-type]
        session_key=request.session.session_key or "",
        replaces=old,
    )
    sessions.mark_tracked(request.session)


# --- signing in and out ---------------------------------------------------------------------


@method_decorator(sensitive_post_parameters("password"), name="dispatch")
@method_decorator(never_cache, name="dispatch")
class SignInView(TemplateView):
    """The name and password; then the second factor (while MFA is required)."""

    template_name = "accounts/sign_in.html"

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if request.user.is_authenticated:
            next_url = _next_url(request)
            if _mfa_required() and not _is_verified(request):
                return _second_factor_page(request, next_url)
            return HttpResponseRedirect(next_url)
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context.setdefault("form", SignInForm())
        context["MFA_REQUIRED"] = _mfa_required()
        wanted = self.request.POST.get("next") or self.request.GET.get("next") or ""
        context["next"] = wanted if wanted == _next_url(self.request) else ""
        return context

    @method_decorator(sensitive_variables())
    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        form = SignInForm(request.POST)
        if form.is_valid():
            address = mfa.client_address(request)
            try:
                user = actions.check_password(
                    username=form.cleaned_data["username"],
                    password=form.cleaned_data["password"],
                    address=address,
                )
            except actions.SignInLocked as exc:
                form.add_error(None, exc.message)
            except InvalidInput as exc:
                form.add_action_errors(exc.errors)
            else:
                login(request, user)
                next_url = _next_url(request)
                if _mfa_required():
                    return _second_factor_page(request, next_url)
                actions.record_sign_in(acting_user=user, address=address, method="password")
                return HttpResponseRedirect(next_url)
        return self.render_to_response(self.get_context_data(form=form))


class SignOutView(View):
    """Sign out (POST only): every session of the account ends, on every device."""

    http_method_names = ["post", "options"]

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.user.is_authenticated:
            actions.end_all_sessions(request.user, acting_user=request.user, reason="signed out")
        logout(request)
        messages.success(request, "You have signed out.")
        return HttpResponseRedirect(resolve_url(settings.LOGOUT_REDIRECT_URL))


# --- the second factor ----------------------------------------------------------------------


@method_decorator(sensitive_post_parameters("code"), name="dispatch")
class VerifyView(LoginRequiredMixin, TemplateView):
    """Enter a code from the authenticator app (or a recovery code): after the password, and
    again before revealing a sealed value if the last one is more than minutes old."""

    template_name = "accounts/verify.html"

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if request.user.is_authenticated and not queries.has_authenticator(request.user):
            return HttpResponseRedirect(_with_next("accounts:enrol", _next_url(request)))
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context.setdefault("form", CodeForm())
        context |= {
            "next": _next_url(self.request),
            "step_up": _is_verified(self.request),
            "step_up_minutes": max(1, int(settings.STEP_UP_SECONDS) // 60),
        }
        return context

    @method_decorator(sensitive_variables())
    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        form = CodeForm(request.POST)
        if form.is_valid():
            was_verified = _is_verified(request)
            address = mfa.client_address(request)
            try:
                device = actions.verify_second_factor(
                    acting_user=request.user,  # type: ignore[arg-type]
                    code=form.cleaned_data["code"],
                    address=address,
                )
            except actions.SignInLocked as exc:
                if was_verified:
                    form.add_error("code", exc.message)
                else:
                    logout(request)
                    messages.error(request, exc.message)
                    return HttpResponseRedirect(resolve_url(settings.LOGIN_URL))
            except InvalidInput as exc:
                form.add_action_errors(exc.errors)
            else:
                stepup.mark_verified(request, device)
                left = queries.recovery_codes_left(device)
                recovery = left is not None
                if not was_verified:
                    _renew_session(request)
                    actions.record_sign_in(
                        acting_user=request.user,  # type: ignore[arg-type]
                        address=address,
                        method="password and recovery code" if recovery else "password and TOTP",
                    )
                if recovery:
                    messages.warning(
                        request,
                        f"You used a recovery code; {left} left. Set up your authenticator app "
                        "again or make new codes on your account page.",
                    )
                return HttpResponseRedirect(_next_url(request))
        return self.render_to_response(self.get_context_data(form=form))


@method_decorator(sensitive_post_parameters("code"), name="dispatch")
class EnrolView(LoginRequiredMixin, TemplateView):
    """Add an authenticator app: scan the QR code (or type the secret), enter its first code,
    and keep the recovery codes shown once."""

    template_name = "accounts/enrol.html"

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if request.user.is_authenticated and queries.has_authenticator(request.user):
            if _mfa_required() and not _is_verified(request):
                return HttpResponseRedirect(_with_next("accounts:verify", _next_url(request)))
            return HttpResponseRedirect(reverse("accounts:index"))
        return super().dispatch(request, *args, **kwargs)

    def pending_key(self) -> str:
        """The secret being enrolled: kept in the (server-side) session until confirmed."""
        key = self.request.session.get(sessions.ENROL_KEY)
        if not mfa.is_totp_key(key):
            key = mfa.new_totp_key()
            self.request.session[sessions.ENROL_KEY] = key
        return str(key)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        key = self.pending_key()
        uri = mfa.otpauth_uri(key, self.request.user.get_username(), str(settings.OTP_TOTP_ISSUER))
        context.setdefault("form", EnrolForm())
        context |= {
            "next": _next_url(self.request),
            "qr_svg": mfa.qr_svg(uri, "QR code for your authenticator app"),
            "secret": mfa.base32_secret(key),
            "uri": uri,
        }
        return context

    @method_decorator(sensitive_variables())
    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        form = EnrolForm(request.POST)
        if form.is_valid():
            was_verified = _is_verified(request)
            try:
                device, codes = actions.enrol_totp(
                    acting_user=request.user,  # type: ignore[arg-type]
                    key=str(request.session.get(sessions.ENROL_KEY, "")),
                    code=form.cleaned_data["code"],
                )
            except InvalidInput as exc:
                form.add_action_errors(exc.errors)
            except Conflict:
                return HttpResponseRedirect(reverse("accounts:index"))
            else:
                request.session.pop(sessions.ENROL_KEY, None)
                stepup.mark_verified(request, device)
                if not was_verified:
                    _renew_session(request)
                    actions.record_sign_in(
                        acting_user=request.user,  # type: ignore[arg-type]
                        address=mfa.client_address(request),
                        method="password and TOTP (enrolment)",
                    )
                return render_codes(request, codes, _next_url(request), enrolled=True)
        return self.render_to_response(self.get_context_data(form=form))


def render_codes(
    request: HttpRequest, codes: list[str], next_url: str, *, enrolled: bool
) -> HttpResponse:
    return render(
        request,
        "accounts/recovery_codes.html",
        {"codes": codes, "next": next_url, "enrolled": enrolled},
    )


# --- the account page -----------------------------------------------------------------------


class AccountView(LoginRequiredMixin, TemplateView):
    """The second factor's state, new recovery codes, and the way to API tokens."""

    template_name = "accounts/index.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context.setdefault("renew_form", CodeForm())
        context |= {
            "status": queries.second_factor_status(self.request.user),
            "mfa_required": _mfa_required(),
            "SESSION_IDLE_MINUTES": int(settings.SESSION_IDLE_SECONDS) // 60,
            "SESSION_ABSOLUTE_HOURS": int(settings.SESSION_ABSOLUTE_SECONDS) // 3600,
        }
        return context


@method_decorator(sensitive_post_parameters("code"), name="dispatch")
class RenewRecoveryCodesView(AccountView):
    """New recovery codes (POST, with a fresh code): the old ones stop working."""

    http_method_names = ["post", "options"]

    @method_decorator(sensitive_variables())
    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        form = CodeForm(request.POST)
        if form.is_valid():
            try:
                stepup.confirm(request, form.cleaned_data["code"])
                codes = actions.renew_recovery_codes(acting_user=request.user)  # type: ignore[arg-type]
            except InvalidInput as exc:
                form.add_action_errors(exc.errors)
            except Conflict as exc:
                form.add_error(None, exc.message)
            else:
                return render_codes(request, codes, reverse("accounts:index"), enrolled=False)
        return self.render_to_response(self.get_context_data(renew_form=form))


# --- API tokens -----------------------------------------------------------------------------


class TokensView(LoginRequiredMixin, TemplateView):
    """The account's API tokens: make one (shown once), see them, revoke them."""

    template_name = "accounts/tokens.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context.setdefault("form", TokenForm())
        context["tokens"] = list(queries.tokens_of(self.request.user))
        return context

    @method_decorator(sensitive_variables())
    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        form = TokenForm(request.POST)
        context: dict[str, Any] = {"form": form}
        if form.is_valid():
            try:
                token, plain = core_actions.create_api_token(
                    acting_user=request.user,  # type: ignore[arg-type]
                    user=request.user,  # type: ignore[arg-type]
                    name=form.cleaned_data["name"],
                    days=form.cleaned_data["days"],
                    scope=form.cleaned_data["scope"],
                )
            except InvalidInput as exc:
                form.add_action_errors(exc.errors)
            else:
                context = {"form": TokenForm(), "created": token, "plain": plain}
        return self.render_to_response(self.get_context_data(**context))


class RevokeTokenView(LoginRequiredMixin, View):
    """Revoke one of the account's tokens (POST only)."""

    http_method_names = ["post", "options"]

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            token = core_actions.revoke_api_token(
                acting_user=request.user,  # type: ignore[arg-type]
                token_id=int(kwargs["token_id"]),
            )
        except NotFound:
            raise Http404("no such token") from None
        messages.success(request, f"Token “{token.name}” ({token.prefix}…) is revoked.")
        return HttpResponseRedirect(reverse("accounts:tokens"))
