"""Signal receivers: a session starts its clocks and is tracked when someone signs in."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.signals import user_logged_in, user_logged_out

from defector.accounts import actions, sessions


def on_signed_in(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    session = getattr(request, "session", None) if request is not None else None
    if session is None:
        return
    sessions.start(session)
    key = sessions.ensure_key(session)  # needed now, to track it (login() flushed the old one)
    actions.track_session(acting_user=user, session_key=key)
    sessions.mark_tracked(session)


def on_signed_out(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    session = getattr(request, "session", None) if request is not None else None
    if session is not None and session.session_key:
        actions.forget_session(session_key=session.session_key)


def connect() -> None:
    user_logged_in.connect(on_signed_in, dispatch_uid="defector.accounts.signed_in")
    user_logged_out.connect(on_signed_out, dispatch_uid="defector.accounts.signed_out")
