"""The second factor given again: at the verify page, or in a form that needs a fresh one.

``confirm(request, code)`` is what a view calls before an action that needs the second factor
within the last ``STEP_UP_SECONDS`` (revealing a sealed value, ``core.auth.
require_recent_second_factor``): an empty code changes nothing (a recent one may do); a code
is checked like at sign-in (failures count towards the lockout) and, when right, the session
is marked as having just given its second factor.
"""

from __future__ import annotations

import time
from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django_otp import login as otp_login

from defector.accounts import actions, mfa, sessions
from defector.core.auth import note_second_factor
from defector.core.errors import InvalidInput


def mark_verified(request: HttpRequest, device: Any) -> None:
    """The session has just given its second factor with ``device``."""
    now = time.time()
    otp_login(request, device)
    request.session[sessions.VERIFIED_AT] = now
    if request.user.pk is not None:
        note_second_factor(request.user.pk, now)


def confirm(request: HttpRequest, code: str) -> None:
    """Check ``code`` as a fresh second factor, if one was entered (see the module)."""
    if not getattr(settings, "MFA_REQUIRED", True) or not (code or "").strip():
        return
    if not request.user.is_authenticated:
        return
    try:
        device = actions.verify_second_factor(
            acting_user=request.user,
            code=code,
            address=mfa.client_address(request),
        )
    except actions.SignInLocked as exc:
        raise InvalidInput([{"field": "code", "message": exc.message}], exc.message) from None
    mark_verified(request, device)
