"""Lockout of repeated failed sign-ins, per account name and per client address, kept in the
database (so every server process sees it), audited, and worded the same whether or not the
account exists; the code step counts too."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from defector.accounts import actions
from defector.accounts.models import SignInFailure, SignInLock
from defector.core.errors import InvalidInput
from defector.core.models import AuditEvent

pytestmark = pytest.mark.django_db

WRONG = "not-the-password-1976"


def attempt(kit: Any, username: str, password: str, *, address: str = "127.0.0.1") -> Any:
    client = Client(enforce_csrf_checks=True, REMOTE_ADDR=address)
    return kit.csrf_post(
        client, reverse("web:sign-in"), {"username": username, "password": password}
    )


def message_of(response: Any) -> str:
    errors = response.context["form"].non_field_errors()
    assert len(errors) == 1
    return str(errors[0])


def test_five_wrong_passwords_lock_the_account_even_against_the_right_one(
    make_user: Any, kit: Any
) -> None:
    make_user("kestrel")
    messages = [message_of(attempt(kit, "kestrel", WRONG)) for _ in range(4)]
    assert set(messages) == {actions.WRONG_CREDENTIALS}
    fifth = message_of(attempt(kit, "kestrel", WRONG))
    assert fifth == actions.locked_message()
    right = attempt(kit, "kestrel", kit.password)
    assert not right.wsgi_request.user.is_authenticated
    assert message_of(right) == actions.locked_message()
    # another account from another address is not affected
    make_user("osprey")
    other = attempt(kit, "osprey", kit.password, address="10.9.8.7")
    assert other.status_code == 302


def test_a_name_that_is_no_account_locks_the_same_way(make_user: Any, kit: Any) -> None:
    make_user("kestrel")
    real = [message_of(attempt(kit, "kestrel", WRONG, address="10.0.0.1")) for _ in range(6)]
    ghost = [message_of(attempt(kit, "nobody-here", WRONG, address="10.0.0.2")) for _ in range(6)]
    assert real == ghost
    assert "exist" not in " ".join(real).lower()


def test_the_lock_ends_after_its_time(make_user: Any, kit: Any, settings: Any) -> None:
    make_user("kestrel")
    for _ in range(settings.SIGN_IN_ACCOUNT_FAILURES):
        attempt(kit, "kestrel", WRONG)
    assert SignInLock.objects.count() == 1
    past = timezone.now() - dt.timedelta(seconds=settings.SIGN_IN_WINDOW_SECONDS + 1)
    SignInLock.objects.update(locked_at=past - dt.timedelta(minutes=1), until=past)
    SignInFailure.objects.update(at=past)
    assert attempt(kit, "kestrel", kit.password).status_code == 302


def test_a_success_forgets_the_accounts_earlier_failures(make_user: Any, kit: Any) -> None:
    make_user("kestrel")
    for _ in range(4):
        attempt(kit, "kestrel", WRONG)
    assert attempt(kit, "kestrel", kit.password).status_code == 302
    for _ in range(4):
        attempt(kit, "kestrel", WRONG)
    assert attempt(kit, "kestrel", kit.password).status_code == 302


def test_twenty_failures_from_one_address_throttle_it_for_every_name(
    make_user: Any, kit: Any
) -> None:
    make_user("kestrel")
    for number in range(20):
        attempt(kit, f"guess{number}", WRONG, address="192.0.2.9")
    refused = attempt(kit, "kestrel", kit.password, address="192.0.2.9")
    assert message_of(refused) == actions.locked_message()
    assert attempt(kit, "kestrel", kit.password, address="192.0.2.10").status_code == 302
    lock = SignInLock.objects.get(scope="address")
    assert lock.key == "192.0.2.9"


def test_failures_and_locks_are_in_the_audit_log_without_unknown_names(
    make_user: Any, kit: Any
) -> None:
    make_user("kestrel")
    for _ in range(5):
        attempt(kit, "kestrel", WRONG)
    attempt(kit, "hunter2-typed-into-the-name-field", WRONG)
    failed = AuditEvent.objects.filter(action="accounts.sign_in.failed")
    assert failed.count() == 6
    assert failed.first().after["username"] == "kestrel"  # type: ignore[union-attr]
    assert failed.last().after["username"] is None  # type: ignore[union-attr]
    assert not any(b"hunter2" in bytes(event.body or b"") for event in AuditEvent.objects.all())
    locked = AuditEvent.objects.get(action="accounts.locked")
    assert locked.after["scope"] == "account"
    assert locked.after["username"] == "kestrel"


@pytest.mark.mfa
def test_wrong_codes_count_towards_the_lock_and_end_the_half_signed_in_session(
    make_user: Any, kit: Any
) -> None:
    user = make_user("kestrel")
    kit.enrol(user)
    client = Client(enforce_csrf_checks=True)
    kit.csrf_post(client, reverse("web:sign-in"), {"username": "kestrel", "password": kit.password})
    for _ in range(4):
        response = kit.csrf_post(client, reverse("accounts:verify"), {"code": "000000"})
        assert "The code is not right" in response.content.decode()
    response = kit.csrf_post(client, reverse("accounts:verify"), {"code": "000000"})
    assert response.status_code == 302
    assert response["Location"] == reverse("web:sign-in")
    assert not client.get(reverse("web:sign-in")).wsgi_request.user.is_authenticated
    assert SignInFailure.objects.filter(stage="code").count() == 5
    assert message_of(attempt(kit, "kestrel", kit.password)) == actions.locked_message()


def test_the_lock_is_kept_in_the_database_for_every_process(make_user: Any, kit: Any) -> None:
    make_user("kestrel")
    for _ in range(5):
        with pytest.raises((InvalidInput, actions.SignInLocked)):
            actions.check_password(username="Kestrel ", password=WRONG, address=None)
    assert SignInLock.objects.filter(scope="account", key="kestrel").exists()
    with pytest.raises(actions.SignInLocked):
        actions.check_password(username="kestrel", password=kit.password, address=None)
