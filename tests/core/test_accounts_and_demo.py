"""Creating accounts and loading the demo data."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from defector.core import actions
from defector.core.errors import InvalidInput
from defector.ops import demo

pytestmark = pytest.mark.django_db


@pytest.mark.argon2
def test_a_new_account_gets_an_argon2_password_hash() -> None:
    user = actions.create_user(
        acting_user=None, username="case.officer", password="a-long-enough-passphrase"
    )
    assert user.password.startswith("argon2")
    assert user.check_password("a-long-enough-passphrase")


@pytest.mark.parametrize(
    ("username", "password", "field"),
    [
        ("", "a-long-enough-passphrase", "username"),
        ("officer", "short", "password"),
        ("officer", "password12345", "password"),
        ("officer", "123456789012345", "password"),
    ],
    ids=[
        "an empty name is refused",
        "a password under twelve characters is refused",
        "a common password is refused",
        "an all-numeric password is refused",
    ],
)
def test_account_creation_refuses_bad_input(username: str, password: str, field: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        actions.create_user(acting_user=None, username=username, password=password)
    assert field in {error["field"] for error in caught.value.errors}
    assert not get_user_model().objects.exists()


def test_a_taken_name_is_refused_whatever_its_case(make_user: Any) -> None:
    make_user("officer")
    with pytest.raises(InvalidInput, match="already taken"):
        actions.create_user(acting_user=None, username="OFFICER", password="a-long-passphrase!")


def test_demo_data_loads_twice_without_change(capsys: pytest.CaptureFixture[str]) -> None:
    call_command("demo")
    call_command("demo")
    users = get_user_model().objects.filter(username__in=[a.username for a in demo.ACCOUNTS])
    assert users.count() == len(demo.ACCOUNTS)
    printed = capsys.readouterr().out
    assert "http://127.0.0.1:8000/" in printed
    for account in demo.ACCOUNTS:
        assert account.username in printed
    assert demo.DEMO_PASSWORD in printed
    assert get_user_model().objects.get(username="duty.officer").check_password(demo.DEMO_PASSWORD)
