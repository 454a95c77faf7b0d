"""Who a request's session is signed in as: Django's ``auth.get_user``, taking the account the
session store read with the session's row (``accounts.session_store``) instead of asking the
database for it again.

The checks are Django's own (5.2's ``django.contrib.auth.get_user``), in the same order: the
session names an account and a backend among ``AUTHENTICATION_BACKENDS``; the backend's
account must be active (``ModelBackend.user_can_authenticate``); the session's hash must match
the account's (a changed password signs every other session out), else the session is
flushed. The account read with the row is used only for Django's ``ModelBackend`` and only
when it is the account the session names; otherwise the backend is asked, as Django does.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth import (
    BACKEND_SESSION_KEY,
    HASH_SESSION_KEY,
    SESSION_KEY,
    get_user_model,
    load_backend,
)
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest
from django.utils.crypto import constant_time_compare


def user_of(request: HttpRequest) -> Any:
    """The account the request's session is signed in as, or ``AnonymousUser``."""
    session: Any = request.session
    try:
        user_id = get_user_model()._meta.pk.to_python(session[SESSION_KEY])
        backend_path = session[BACKEND_SESSION_KEY]
    except KeyError:
        return AnonymousUser()
    if backend_path not in settings.AUTHENTICATION_BACKENDS:
        return AnonymousUser()
    backend = load_backend(backend_path)
    account = getattr(session, "account", None)
    if type(backend) is ModelBackend and account is not None and account.pk == user_id:
        user = account if backend.user_can_authenticate(account) else None
    else:
        user = backend.get_user(user_id)
    if user is not None and hasattr(user, "get_session_auth_hash") and not _verified(session, user):
        user = None
    return user or AnonymousUser()


def _verified(session: Any, user: Any) -> bool:
    """Whether the session's hash is the account's (Django's check): with a fallback secret
    the session gets a new key and the current hash; with none, it is flushed."""
    session_hash = session.get(HASH_SESSION_KEY)
    if not session_hash:
        verified = False
    else:
        session_auth_hash = user.get_session_auth_hash()
        verified = constant_time_compare(session_hash, session_auth_hash)
    if verified:
        return True
    if session_hash and any(
        constant_time_compare(session_hash, fallback)
        for fallback in user.get_session_auth_fallback_hash()
    ):
        session.cycle_key()
        session[HASH_SESSION_KEY] = session_auth_hash
        return True
    session.flush()
    return False
