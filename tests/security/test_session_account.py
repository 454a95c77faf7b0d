"""A page reads its session and its account in one statement (``accounts.session_store``),
and the account read that way changes none of Django's checks: the session must still be
there and unexpired, name that account, and carry its password's hash; the account must be
active."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.contrib.sessions.models import Session
from django.db import connection
from django.test import Client, RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from defector.accounts.authentication import user_of
from defector.accounts.models import TrackedSession
from defector.accounts.session_store import SessionStore

pytestmark = pytest.mark.django_db


def signed_in(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    assert client.get(reverse("accounts:index")).status_code == 200  # tracks the session
    return client


def request_with(key: str) -> Any:
    request = RequestFactory().get("/")
    request.session = SessionStore(key)
    return request


def test_a_page_reads_its_session_and_its_account_in_one_query(make_user: Any) -> None:
    client = signed_in(make_user("kestrel"))
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("accounts:index")).status_code == 200
    sessions = [q["sql"] for q in queries if "django_session" in q["sql"]]
    assert len(sessions) == 1
    assert "auth_user" in sessions[0]
    assert not [q["sql"] for q in queries if q["sql"].startswith('SELECT "auth_user"')]


def test_the_session_store_reads_the_tracked_account_with_the_row(make_user: Any) -> None:
    user = make_user("kestrel", first_name="Kes")
    client = signed_in(user)
    store = SessionStore(client.session.session_key)
    store.load()
    assert store.account is not None
    assert store.account.pk == user.pk
    assert store.account.first_name == "Kes"
    assert store.account.date_joined == user.date_joined
    assert store.account.is_active is True


def test_a_session_not_yet_tracked_is_still_signed_in(make_user: Any) -> None:
    user = make_user("kestrel")
    client = Client()
    client.force_login(user)
    TrackedSession.objects.all().delete()
    request = request_with(client.session.session_key)
    assert user_of(request).pk == user.pk
    assert request.session.account is None


def test_an_account_tracked_for_another_session_is_not_taken(make_user: Any) -> None:
    user = make_user("kestrel")
    other = make_user("osprey")
    client = signed_in(user)
    TrackedSession.objects.filter(session_key=client.session.session_key).update(user=other)
    request = request_with(client.session.session_key)
    assert user_of(request).pk == user.pk
    assert request.session.account.pk == other.pk


def test_a_changed_password_signs_the_session_out(make_user: Any) -> None:
    user = make_user("kestrel")
    client = signed_in(user)
    user.set_password("another long passphrase")
    user.save()
    assert client.get(reverse("accounts:index")).status_code == 302
    assert not Session.objects.filter(session_key=client.session.session_key).exists()


def test_an_ended_session_is_signed_out(make_user: Any) -> None:
    client = signed_in(make_user("kestrel"))
    Session.objects.all().delete()
    assert client.get(reverse("accounts:index")).status_code == 302


def test_an_expired_session_is_signed_out(make_user: Any) -> None:
    client = signed_in(make_user("kestrel"))
    Session.objects.update(expire_date="2000-01-01T00:00:00Z")
    assert client.get(reverse("accounts:index")).status_code == 302


def test_a_deactivated_account_is_signed_out(make_user: Any) -> None:
    user = make_user("kestrel")
    client = signed_in(user)
    get_user_model().objects.filter(pk=user.pk).update(is_active=False)
    assert client.get(reverse("accounts:index")).status_code == 302
