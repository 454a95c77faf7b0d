"""Sessions: the id rotates at sign-in, the idle (30 minutes) and absolute (12 hours) limits,
sign-out and deactivation end every session of the account at once, and the cookies' flags."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse

from defector.accounts.models import TrackedSession
from defector.core.models import AuditEvent
from defector.directory import actions as directory_actions

pytestmark = pytest.mark.django_db


def signed_in_client(kit: Any, username: str) -> Client:
    client = Client(enforce_csrf_checks=True)
    response = kit.csrf_post(
        client, reverse("web:sign-in"), {"username": username, "password": kit.password}
    )
    assert response.status_code == 302
    return client


def test_the_session_id_changes_at_sign_in(make_user: Any, kit: Any) -> None:
    make_user("kestrel")
    client = Client(enforce_csrf_checks=True)
    client.get(reverse("web:sign-in"))
    client.session.save()  # an anonymous session with a key, as a fixation attack would plant
    before = client.session.session_key
    kit.csrf_post(client, reverse("web:sign-in"), {"username": "kestrel", "password": kit.password})
    after = client.cookies["sessionid"].value
    assert before
    assert after
    assert after != before
    assert not Session.objects.filter(session_key=before).exists()


def test_the_session_cookie_is_httponly_and_samesite(make_user: Any, kit: Any) -> None:
    client = signed_in_client(kit, make_user("kestrel").username)
    cookie = client.cookies["sessionid"]
    assert cookie["httponly"]
    assert cookie["samesite"] == "Lax"


def test_production_cookies_are_host_prefixed_and_secure(tmp_path: Path) -> None:
    code = (
        "import django, json; django.setup(); from django.conf import settings as s; "
        "print(json.dumps([s.SESSION_COOKIE_NAME, s.CSRF_COOKIE_NAME, s.SESSION_COOKIE_SECURE, "
        "s.CSRF_COOKIE_SECURE, s.SESSION_COOKIE_HTTPONLY, s.SESSION_COOKIE_SAMESITE, "
        "s.SESSION_IDLE_SECONDS, s.SESSION_ABSOLUTE_SECONDS, s.MFA_REQUIRED, "
        "s.SECURE_HSTS_SECONDS]))"
    )
    env = {
        "PATH": "/usr/bin:/bin",
        "DJANGO_SETTINGS_MODULE": "defector.settings",
        "DEFECTOR_ENV": "production",
        "DEFECTOR_SECRET_KEY": "p" * 60,
        "DEFECTOR_ALLOWED_HOSTS": "defector.example.gov",
        "DEFECTOR_STATE_DIR": str(tmp_path),
        "DEFECTOR_SESSION_IDLE_SECONDS": "600",
    }
    result = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
    values = json.loads(result.stdout)
    assert values == [
        "__Host-sessionid",
        "__Host-csrftoken",
        True,
        True,
        True,
        "Lax",
        600,
        12 * 60 * 60,
        True,
        63_072_000,
    ]


def test_production_refuses_to_run_without_multi_factor_authentication(tmp_path: Path) -> None:
    env = {
        "PATH": "/usr/bin:/bin",
        "DJANGO_SETTINGS_MODULE": "defector.settings",
        "DEFECTOR_ENV": "production",
        "DEFECTOR_SECRET_KEY": "p" * 60,
        "DEFECTOR_ALLOWED_HOSTS": "defector.example.gov",
        "DEFECTOR_STATE_DIR": str(tmp_path),
        "DEFECTOR_MFA_REQUIRED": "false",
    }
    result = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode != 0
    assert "production requires multi-factor authentication" in result.stderr


def age(client: Client, *, signed_in: float = 0, seen: float = 0) -> None:
    """Move the session's clocks back by so many seconds."""
    session = client.session
    session["defector_signed_in_at"] -= signed_in
    session["defector_seen_at"] -= seen
    session.save()


def test_thirty_idle_minutes_end_the_session(make_user: Any, kit: Any, settings: Any) -> None:
    client = signed_in_client(kit, make_user("kestrel").username)
    age(client, signed_in=29 * 60, seen=29 * 60)
    assert client.get(reverse("web:home")).status_code == 200
    age(client, signed_in=31 * 60, seen=31 * 60)
    response = client.get(reverse("web:home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("web:sign-in"))
    page = client.get(response["Location"])
    assert "signed out after 30 minutes without activity" in page.content.decode()
    assert not TrackedSession.objects.exists()


def test_twelve_hours_end_the_session_however_active(make_user: Any, kit: Any) -> None:
    client = signed_in_client(kit, make_user("kestrel").username)
    age(client, signed_in=12 * 60 * 60 - 60)
    assert client.get(reverse("web:home")).status_code == 200
    age(client, signed_in=120)
    response = client.get(reverse("web:home"))
    assert response.status_code == 302
    assert "a session lasts at most 12 hours" in client.get(response["Location"]).content.decode()


def test_the_limits_are_settings(make_user: Any, kit: Any, settings: Any) -> None:
    settings.SESSION_IDLE_SECONDS = 60
    client = signed_in_client(kit, make_user("kestrel").username)
    age(client, seen=61)
    assert client.get(reverse("web:home")).status_code == 302


def test_the_api_answers_401_once_the_session_has_expired(make_user: Any, kit: Any) -> None:
    client = signed_in_client(kit, make_user("kestrel").username)
    age(client, seen=31 * 60)
    response = client.get("/api/v1/directory/posts")
    assert response.status_code == 401


def test_signing_out_ends_every_session_of_the_account(make_user: Any, kit: Any) -> None:
    make_user("kestrel")
    make_user("osprey")
    laptop = signed_in_client(kit, "kestrel")
    phone = signed_in_client(kit, "kestrel")
    other = signed_in_client(kit, "osprey")
    assert TrackedSession.objects.filter(user__username="kestrel").count() == 2
    assert phone.get(reverse("web:home")).status_code == 200
    kit.csrf_post(laptop, reverse("web:sign-out"), {}, page=reverse("web:home"))
    assert laptop.get(reverse("web:home")).status_code == 302
    assert phone.get(reverse("web:home")).status_code == 302
    assert other.get(reverse("web:home")).status_code == 200
    event = AuditEvent.objects.get(action="accounts.sessions.end")
    assert event.after == {"sessions": 2}


def test_deactivating_an_account_ends_its_sessions_at_once(
    world: Any, kit: Any, settings: Any
) -> None:
    admin = world.users["administrator"]
    member = world.users["committee_member"]
    first = Client()
    first.force_login(member)
    second = Client()
    second.force_login(member)
    assert first.get(reverse("web:home")).status_code == 200
    official = world.official("committee_member")
    directory_actions.deactivate_official(acting_user=admin, official_id=official.pk)
    assert not Session.objects.filter(
        session_key__in=[first.session.session_key, second.session.session_key]
    ).exists()
    assert first.get(reverse("web:home")).status_code == 302
    assert second.get(reverse("web:home")).status_code == 302
    assert AuditEvent.objects.filter(
        action="accounts.sessions.end", reason="account deactivated"
    ).exists()
