"""API tokens (``core.actions``, ``core.queries``): shown once, stored as a digest, revocable."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable
from typing import Any

import pytest
from django.utils import timezone

from defector.core import actions, queries, tokens
from defector.core.errors import InvalidInput, NotFound
from defector.core.models import ApiToken

pytestmark = pytest.mark.django_db


def test_a_new_token_is_returned_once_and_stored_only_as_its_sha256_digest(official: Any) -> None:
    token, plain = actions.create_api_token(acting_user=official, user=official, name="script")
    assert plain.startswith(tokens.TOKEN_PREFIX)
    assert len(plain) > 40
    stored = ApiToken.objects.filter(pk=token.pk).values().get()
    assert stored["digest"] == hashlib.sha256(plain.encode("utf-8")).hexdigest()
    for column, value in stored.items():
        assert plain not in str(value), f"the plain token is stored in {column}"
    assert plain.startswith(stored["prefix"])
    assert len(stored["prefix"]) < len(plain) // 2


def test_two_tokens_are_never_the_same(official: Any) -> None:
    _, one = actions.create_api_token(acting_user=official, user=official, name="a")
    _, two = actions.create_api_token(acting_user=official, user=official, name="b")
    assert one != two


def test_a_new_token_belongs_to_its_user_and_expires_after_the_days_given(official: Any) -> None:
    before = timezone.now()
    token, _ = actions.create_api_token(acting_user=official, user=official, name=" ci ", days=30)
    assert token.user == official
    assert token.name == "ci"
    assert token.expires_at - token.created_at == dt.timedelta(days=30)
    assert token.created_at >= before
    assert token.is_active
    assert token.revoked_at is None


def test_a_new_token_finds_its_user(official: Any) -> None:
    token, plain = actions.create_api_token(acting_user=official, user=official, name="script")
    found = queries.active_token(plain)
    assert found == token
    assert found is not None
    assert found.user == official


INVALID_ROWS: dict[str, tuple[dict[str, Any], str]] = {
    "an empty name is required": ({"name": ""}, "name"),
    "a blank name is required": ({"name": "   "}, "name"),
    "zero days is too short": ({"days": 0}, "days"),
    "negative days are too short": ({"days": -5}, "days"),
    "367 days is longer than a year and a day": ({"days": 367}, "days"),
    "a name longer than its column is refused, not cut or left to the database": (
        {"name": "x" * 101},
        "name",
    ),
}


@pytest.mark.parametrize(
    ("overrides", "field"), list(INVALID_ROWS.values()), ids=list(INVALID_ROWS)
)
def test_invalid_token_requests_are_refused_with_the_field(
    official: Any, overrides: dict[str, Any], field: str
) -> None:
    arguments = {"name": "script", "days": 90, **overrides}
    with pytest.raises(InvalidInput) as caught:
        actions.create_api_token(acting_user=official, user=official, **arguments)
    assert [error["field"] for error in caught.value.errors] == [field]
    assert ApiToken.objects.count() == 0


def test_an_empty_name_and_bad_days_are_reported_together(official: Any) -> None:
    with pytest.raises(InvalidInput) as caught:
        actions.create_api_token(acting_user=official, user=official, name="", days=0)
    assert {error["field"] for error in caught.value.errors} == {"name", "days"}
    assert caught.value.to_dict()["code"] == "validation_error"


@pytest.mark.parametrize("days", [1, 366], ids=["one day is allowed", "366 days are allowed"])
def test_the_bounds_of_days_are_allowed(official: Any, days: int) -> None:
    token, _ = actions.create_api_token(acting_user=official, user=official, name="s", days=days)
    assert token.expires_at - token.created_at == dt.timedelta(days=days)


def test_the_owner_revokes_their_token(official: Any) -> None:
    token, plain = actions.create_api_token(acting_user=official, user=official, name="script")
    revoked = actions.revoke_api_token(acting_user=official, token_id=token.pk)
    assert revoked.revoked_at is not None
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert not token.is_active
    assert queries.active_token(plain) is None


def test_revoking_twice_keeps_the_first_revocation_time(official: Any) -> None:
    token, _ = actions.create_api_token(acting_user=official, user=official, name="script")
    first = actions.revoke_api_token(acting_user=official, token_id=token.pk).revoked_at
    second = actions.revoke_api_token(acting_user=official, token_id=token.pk).revoked_at
    assert first == second


def test_another_user_cannot_revoke_a_token_and_learns_nothing(
    official: Any, make_user: Callable[..., Any]
) -> None:
    token, plain = actions.create_api_token(acting_user=official, user=official, name="script")
    stranger = make_user("stranger")
    with pytest.raises(NotFound) as not_theirs:
        actions.revoke_api_token(acting_user=stranger, token_id=token.pk)
    with pytest.raises(NotFound) as no_such:
        actions.revoke_api_token(acting_user=stranger, token_id=token.pk + 1000)
    assert str(not_theirs.value) == str(no_such.value)
    token.refresh_from_db()
    assert token.revoked_at is None
    assert queries.active_token(plain) == token


def test_an_administrator_may_revoke_any_token(
    official: Any, make_user: Callable[..., Any]
) -> None:
    token, _ = actions.create_api_token(acting_user=official, user=official, name="script")
    admin = make_user("admin", is_superuser=True)
    assert actions.revoke_api_token(acting_user=admin, token_id=token.pk).revoked_at is not None


def test_an_expired_token_is_not_active(official: Any) -> None:
    token, plain = actions.create_api_token(acting_user=official, user=official, name="script")
    now = timezone.now()
    ApiToken.objects.filter(pk=token.pk).update(
        created_at=now - dt.timedelta(days=91), expires_at=now - dt.timedelta(seconds=1)
    )
    token.refresh_from_db()
    assert not token.is_active
    assert queries.active_token(plain) is None


def test_the_token_of_a_deactivated_user_is_not_found(official: Any) -> None:
    _, plain = actions.create_api_token(acting_user=official, user=official, name="script")
    official.is_active = False
    official.save(update_fields=["is_active"])
    assert queries.active_token(plain) is None


@pytest.mark.parametrize(
    "plain",
    ["", "dpa_", "dpa_unknown", "not-a-token"],
    ids=[
        "an empty token finds nothing",
        "the bare prefix finds nothing",
        "an unknown token finds nothing",
        "a token without the prefix finds nothing",
    ],
)
def test_a_token_that_was_never_made_finds_nothing(official: Any, plain: str) -> None:
    actions.create_api_token(acting_user=official, user=official, name="script")
    assert queries.active_token(plain) is None


def test_a_token_is_listed_for_its_owner_only(official: Any, make_user: Callable[..., Any]) -> None:
    token, _ = actions.create_api_token(acting_user=official, user=official, name="script")
    other = make_user("other")
    assert list(queries.tokens_of(official)) == [token]
    assert list(queries.tokens_of(other)) == []


def test_the_digest_is_the_hex_sha256_of_the_token() -> None:
    assert tokens.digest("dpa_x") == hashlib.sha256(b"dpa_x").hexdigest()
    assert len(tokens.digest(tokens.new_token())) == 64
