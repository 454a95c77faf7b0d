"""What the accounts app keeps in a session: when it signed in, when it was last used, when
it last gave the second factor. Timestamps are seconds since the epoch (UTC)."""

from __future__ import annotations

import time
from typing import Any, Final

from django.conf import settings

SIGNED_IN_AT: Final = "defector_signed_in_at"
SEEN_AT: Final = "defector_seen_at"
VERIFIED_AT: Final = "defector_verified_at"
TRACKED_KEY: Final = "defector_tracked_key"
ENROL_KEY: Final = "defector_enrol_key"
#: The last-seen time is written at most this often (each write saves the session).
SEEN_RESOLUTION: Final = 30


def start(session: Any) -> None:
    now = time.time()
    session[SIGNED_IN_AT] = now
    session[SEEN_AT] = now


def ensure_key(session: Any) -> str:
    """The session's key, saving it first if it has none yet (after ``login()`` flushed it)."""
    if session.session_key is None:
        session.save()
    return str(session.session_key)


def mark_tracked(session: Any) -> None:
    session[TRACKED_KEY] = session.session_key


def expired(session: Any, now: float) -> str:
    """Why the session's time is up (``idle`` or ``absolute``), or ``""``."""
    signed_in = _number(session.get(SIGNED_IN_AT))
    seen = _number(session.get(SEEN_AT))
    if signed_in is None or now - signed_in > settings.SESSION_ABSOLUTE_SECONDS:
        return "absolute"
    if seen is None or now - seen > settings.SESSION_IDLE_SECONDS:
        return "idle"
    return ""


def touch(session: Any, now: float) -> None:
    seen = _number(session.get(SEEN_AT))
    if seen is None or now - seen >= SEEN_RESOLUTION:
        session[SEEN_AT] = now


def verified_at(session: Any) -> float | None:
    return _number(session.get(VERIFIED_AT))


def _number(value: object) -> float | None:
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None
