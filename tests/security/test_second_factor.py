"""The second factor (TOTP, django-otp): enrolment at the first sign-in, the code after the
password, recovery codes shown once and stored as digests, and the gate in front of every page
and the API while a session has not given it. Off in demo mode only."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from defector.accounts import mfa
from defector.accounts.models import RecoveryCode
from defector.core.models import AuditEvent

pytestmark = [pytest.mark.django_db, pytest.mark.mfa]


def sign_in(client: Client, kit: Any, username: str, *, next_url: str = "") -> Any:
    data = {"username": username, "password": kit.password}
    if next_url:
        data["next"] = next_url
    return kit.csrf_post(client, reverse("web:sign-in"), data)


def pending_key(client: Client) -> str:
    """Open the enrolment page (which picks the secret) and read the secret it keeps."""
    assert client.get(reverse("accounts:enrol")).status_code == 200
    return str(client.session["defector_enrol_key"])


def test_the_first_sign_in_leads_to_enrolment_with_a_qr_code_and_the_secret(
    make_user: Any, kit: Any
) -> None:
    make_user("kestrel")
    client = Client(enforce_csrf_checks=True)
    response = sign_in(client, kit, "kestrel")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:enrol"))
    page = client.get(response["Location"])
    html = page.content.decode()
    assert '<svg role="img"' in html
    assert "<title>QR code for your authenticator app</title>" in html
    assert "otpauth://totp/Defector%20Program%3Akestrel?secret=" in html
    secret = re.search(r'id="totp-secret">([A-Z2-7 ]+)<', html)
    assert secret is not None
    assert len(secret.group(1).replace(" ", "")) == 32
    assert "<script>" not in html.replace(" ", "")
    assert 'autocomplete="one-time-code"' in html


def test_enrolling_with_the_apps_code_shows_ten_recovery_codes_once_and_stores_digests(
    make_user: Any, kit: Any
) -> None:
    user = make_user("kestrel")
    client = Client(enforce_csrf_checks=True)
    sign_in(client, kit, "kestrel")
    key = pending_key(client)
    code = mfa.current_totp(key)
    response = kit.csrf_post(client, reverse("accounts:enrol"), {"code": code})
    assert response.status_code == 200
    codes = re.findall(r"<li><code>([0-9A-Z-]+)</code></li>", response.content.decode())
    assert len(codes) == 10
    assert all(len(c.replace("-", "")) == 24 for c in codes)
    stored = list(RecoveryCode.objects.filter(device__user=user).values_list("digest", flat=True))
    assert len(stored) == 10
    for plain in codes:
        assert plain not in stored
        assert plain.replace("-", "") not in stored
    assert TOTPDevice.objects.get(user=user).confirmed
    assert "defector_enrol_key" not in client.session
    assert client.get(reverse("web:home")).status_code == 200
    # shown once: the account page does not show them again
    assert codes[0] not in client.get(reverse("accounts:index")).content.decode()
    actions = list(AuditEvent.objects.values_list("action", flat=True))
    assert "accounts.mfa.enrol" in actions
    assert "accounts.sign_in" in actions


def test_a_wrong_first_code_does_not_enrol(make_user: Any, kit: Any) -> None:
    user = make_user("kestrel")
    client = Client(enforce_csrf_checks=True)
    sign_in(client, kit, "kestrel")
    key = pending_key(client)
    wrong = str((int(mfa.current_totp(key)) + 1) % 1_000_000).zfill(6)
    response = kit.csrf_post(client, reverse("accounts:enrol"), {"code": wrong})
    assert response.status_code == 200
    assert 'id="error-summary"' in response.content.decode()
    assert not TOTPDevice.objects.filter(user=user).exists()
    assert client.get(reverse("web:home")).status_code == 302


def test_after_the_password_an_enrolled_account_is_asked_for_its_code(
    make_user: Any, kit: Any
) -> None:
    user = make_user("kestrel")
    device = kit.enrol(user)
    client = Client(enforce_csrf_checks=True)
    response = sign_in(client, kit, "kestrel", next_url=reverse("web:assess"))
    assert response["Location"].startswith(reverse("accounts:verify"))
    # the pages are held until the code is given
    held = client.get(reverse("web:assess"))
    assert held.status_code == 302
    assert held["Location"].startswith(reverse("accounts:verify"))
    before = client.session.session_key
    response = kit.csrf_post(
        client,
        reverse("accounts:verify"),
        {"code": kit.code_of(device), "next": reverse("web:assess")},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("web:assess")
    assert client.session.session_key != before, "the session id is renewed after the code"
    assert client.get(reverse("web:assess")).status_code == 200


def test_a_code_cannot_be_used_twice(make_user: Any, kit: Any) -> None:
    user = make_user("kestrel")
    device = kit.enrol(user)
    code = kit.code_of(device)
    first = Client(enforce_csrf_checks=True)
    sign_in(first, kit, "kestrel")
    assert kit.csrf_post(first, reverse("accounts:verify"), {"code": code}).status_code == 302
    second = Client(enforce_csrf_checks=True)
    sign_in(second, kit, "kestrel")
    response = kit.csrf_post(second, reverse("accounts:verify"), {"code": code})
    assert response.status_code == 200
    assert "The code is not right" in response.content.decode()


def test_a_recovery_code_signs_in_once(make_user: Any, kit: Any) -> None:
    user = make_user("kestrel")
    client = Client(enforce_csrf_checks=True)
    sign_in(client, kit, "kestrel")
    key = pending_key(client)
    response = kit.csrf_post(client, reverse("accounts:enrol"), {"code": mfa.current_totp(key)})
    codes = re.findall(r"<li><code>([0-9A-Z-]+)</code></li>", response.content.decode())
    kit.csrf_post(client, reverse("web:sign-out"), {}, page=reverse("web:home"))

    again = Client(enforce_csrf_checks=True)
    sign_in(again, kit, "kestrel")
    typed = codes[3].lower().replace("-", " ")
    response = kit.csrf_post(again, reverse("accounts:verify"), {"code": typed})
    assert response.status_code == 302
    home = again.get(reverse("web:home"))
    assert home.status_code == 200
    assert "You used a recovery code; 9 left." in home.content.decode()
    kit.csrf_post(again, reverse("web:sign-out"), {}, page=reverse("web:home"))

    third = Client(enforce_csrf_checks=True)
    sign_in(third, kit, "kestrel")
    response = kit.csrf_post(third, reverse("accounts:verify"), {"code": codes[3]})
    assert response.status_code == 200
    assert third.get(reverse("web:home")).status_code == 302
    assert AuditEvent.objects.filter(action="accounts.recovery_code.use").count() == 1
    assert user.recoverycodedevice_set.get().remaining() == 9


def test_the_api_answers_401_mfa_required_to_a_session_without_its_second_factor(
    make_user: Any, kit: Any
) -> None:
    user = make_user("kestrel")
    kit.enrol(user)
    client = Client(enforce_csrf_checks=True)
    sign_in(client, kit, "kestrel")
    response = client.get("/api/v1/directory/posts")
    assert response.status_code == 401
    assert response.json()["code"] == "mfa_required"
    assert "no-store" in response["Cache-Control"]


def test_an_api_token_is_a_factor_of_its_own(make_user: Any, kit: Any) -> None:
    user = make_user("kestrel")
    plain = kit.token_for(user, "read")
    response = Client().get("/api/v1/directory/posts", headers={"Authorization": f"Bearer {plain}"})
    assert response.status_code in (200, 404)
    assert response.json() != {"code": "mfa_required"}


def test_a_verified_session_reaches_the_api(make_user: Any, kit: Any) -> None:
    user = make_user("kestrel")
    device = kit.enrol(user)
    client = Client(enforce_csrf_checks=True)
    sign_in(client, kit, "kestrel")
    kit.csrf_post(client, reverse("accounts:verify"), {"code": kit.code_of(device)})
    response = client.get("/api/v1/audit/events")
    assert response.status_code != 401


@pytest.mark.parametrize("demo", [True, False], ids=["demo mode", "normal mode"])
def test_multi_factor_authentication_is_off_only_in_demo_mode(demo: bool, tmp_path: Any) -> None:
    import subprocess
    import sys
    from pathlib import Path

    env = {
        "PATH": "/usr/bin:/bin",
        "DEFECTOR_STATE_DIR": str(tmp_path),
        "DJANGO_SETTINGS_MODULE": "defector.settings",
    }
    if demo:
        env["DEFECTOR_DEMO"] = "true"
    code = "from django.conf import settings; print(settings.MFA_REQUIRED)"
    python = Path(sys.executable)
    result = subprocess.run(
        [str(python), "-c", f"import django; django.setup(); {code}"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == str(not demo)


def test_without_mfa_the_password_alone_signs_in(settings: Any, make_user: Any, kit: Any) -> None:
    settings.MFA_REQUIRED = False
    make_user("kestrel")
    client = Client(enforce_csrf_checks=True)
    response = sign_in(client, kit, "kestrel")
    assert response["Location"] == reverse("web:home")
    assert client.get(reverse("web:home")).status_code == 200


def test_new_recovery_codes_need_a_fresh_code_and_replace_the_old(
    make_user: Any, kit: Any, settings: Any
) -> None:
    settings.OTP_TOTP_THROTTLE_FACTOR = 0  # django-otp's own delay after a wrong code
    user: User = make_user("kestrel")
    device = kit.enrol(user)
    client = Client(enforce_csrf_checks=True)
    sign_in(client, kit, "kestrel")
    kit.csrf_post(client, reverse("accounts:verify"), {"code": kit.code_of(device)})
    refused = kit.csrf_post(client, reverse("accounts:recovery-codes"), {"code": "000000"})
    assert refused.status_code == 200
    assert "The code is not right" in refused.content.decode()
    response = kit.csrf_post(
        client, reverse("accounts:recovery-codes"), {"code": kit.code_of(device, step=1)}
    )
    codes = re.findall(r"<li><code>([0-9A-Z-]+)</code></li>", response.content.decode())
    assert len(codes) == 10
    assert AuditEvent.objects.filter(action="accounts.recovery_codes.renew").count() == 1


def test_an_operator_resets_the_second_factor_and_ends_the_sessions(
    make_user: Any, kit: Any
) -> None:
    from django.core.management import call_command

    user = make_user("kestrel")
    device = kit.enrol(user)
    client = Client(enforce_csrf_checks=True)
    sign_in(client, kit, "kestrel")
    kit.csrf_post(client, reverse("accounts:verify"), {"code": kit.code_of(device)})
    assert client.get(reverse("web:home")).status_code == 200
    call_command("mfa", "reset", "kestrel", "--reason", "lost phone")
    assert not TOTPDevice.objects.filter(user=user).exists()
    assert client.get(reverse("web:home")).status_code == 302
    assert AuditEvent.objects.filter(action="accounts.mfa.reset").count() == 1
