"""A session's last-seen time is written by one request only: every request of the session
that read the old time would write a new one, so when that is all that changed, the save is
conditional on the row holding what was read still (``accounts.middleware._touch``,
``accounts.session_store.SessionStore.mark_seen_only``)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from defector.accounts import middleware, sessions
from defector.accounts.session_store import SessionStore

pytestmark = pytest.mark.django_db

THEN = 1_000_000.0


def _session() -> str:
    """A session last seen long ago, saved; its key."""
    made = SessionStore()
    made[sessions.SIGNED_IN_AT] = THEN
    made[sessions.SEEN_AT] = THEN
    made.create()
    return str(made.session_key)


def _read(key: str) -> SessionStore:
    """The session as a request reads it (its data loaded)."""
    store = SessionStore(key)
    assert store[sessions.SEEN_AT] is not None
    return store


def _session_writes(captured: CaptureQueriesContext) -> list[str]:
    return [
        query["sql"]
        for query in captured.captured_queries
        if query["sql"].startswith("UPDATE") and "django_session" in query["sql"]
    ]


def test_of_two_requests_that_read_the_old_seen_time_only_the_first_writes() -> None:
    key = _session()
    first, second = _read(key), _read(key)  # both read before either wrote
    middleware._touch(first, THEN + 100)
    middleware._touch(second, THEN + 101)
    assert first.modified
    assert second.modified
    first.save()
    with CaptureQueriesContext(connection) as late:
        second.save()
    assert len(_session_writes(late)) == 1  # asked, but the row had changed
    assert _read(key)[sessions.SEEN_AT] == THEN + 100
    assert SessionStore(key).save_if_unchanged() == 1  # a fresh read writes
    assert second.save_if_unchanged() == 0


def test_a_request_within_the_resolution_writes_nothing() -> None:
    key = _session()
    first = _read(key)
    middleware._touch(first, THEN + 100)
    first.save()
    again = _read(key)
    middleware._touch(again, THEN + 100 + sessions.SEEN_RESOLUTION / 2)
    assert not again.modified


def test_a_session_changed_by_more_than_its_seen_time_is_saved_whatever_came_first() -> None:
    key = _session()
    first, second = _read(key), _read(key)
    middleware._touch(first, THEN + 100)
    middleware._touch(second, THEN + 101)
    second["note"] = "kept"
    first.save()
    second.save()
    stored = _read(key)
    assert stored["note"] == "kept"
    assert stored[sessions.SEEN_AT] == THEN + 101


def test_a_session_changed_in_place_after_its_seen_time_is_saved_whatever_came_first() -> None:
    key = _session()
    first, second = _read(key), _read(key)
    second["list"] = []
    second.save()
    first, second = _read(key), _read(key)
    middleware._touch(first, THEN + 100)
    middleware._touch(second, THEN + 101)
    second["list"].append("kept")  # a change Django's ``modified`` does not see
    first.save()
    second.save()
    assert _read(key)["list"] == ["kept"]
