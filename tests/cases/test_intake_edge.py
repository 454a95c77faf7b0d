"""What a walk-in pays outside its write transaction, made cheaper and held to what it was:
the principals read from prepared reads (``directory.access.principals_of``: every request's
own, and the committee's a case's obligations and notices go to) give the principals the
queryset gave, whatever the number of users; an API token's read (``core.queries.active_token``,
every bearer request's) gives the token and its user the queryset gave."""

from __future__ import annotations

import datetime as dt
from typing import Any
from unittest import mock

import pytest
from django.contrib.auth.models import User
from django.db.models.sql.compiler import SQLCompiler
from django.utils import timezone

from defector.core import actions as core_actions
from defector.core import queries as core_queries
from defector.core.access import Principal, rank, user_only
from defector.core.models import ApiToken
from defector.directory import access
from defector.directory.models import Official
from support.builders import make_official as build_official
from support.world import World

pytestmark = pytest.mark.django_db


def _queryset_principals(users: list[User]) -> dict[int, Principal]:
    """The principals as the queryset read them before (the reference)."""
    by_user = {user.pk: user for user in users}
    principals = {pk: user_only(user) for pk, user in by_user.items()}
    for official in Official.objects.filter(user_id__in=sorted(by_user)).prefetch_related(
        "roles", "compartments"
    ):
        user = by_user[official.user_id]
        roles = {r.role for r in official.roles.all() if r.post_id is None}
        principals[user.pk] = Principal(
            user_id=user.pk,
            official_id=official.pk,
            post_id=official.post_id,
            post_roles=frozenset(
                (r.post_id, r.role) for r in official.roles.all() if r.post_id is not None
            ),
            roles=frozenset(roles | ({"administrator"} if user.is_superuser else set())),
            clearance_rank=rank(official.clearance),
            compartments=frozenset(c.code for c in official.compartments.all()),
        )
    return principals


@pytest.fixture
def everyone(
    officer: User,
    second_officer: User,
    member: User,
    chair: User,
    senior: User,
    officer_in_bonn: User,
    idc: User,
    auditor: User,
    no_roles: User,
    not_an_official: User,
    world: World,
) -> list[User]:
    superuser = build_official(
        "super.user",
        ("case_officer", world.bonn),
        ("idc_member", None),
        agency=world.cia,
        compartments=(world.alpha, world.bravo),
        clearance="TOP SECRET",
    )
    superuser.is_superuser = True
    superuser.save(update_fields=["is_superuser"])
    return [
        officer,
        second_officer,
        member,
        chair,
        senior,
        officer_in_bonn,
        idc,
        auditor,
        no_roles,
        not_an_official,
        superuser,
    ]


@pytest.mark.parametrize("count", [1, 2, 3, 5, 8, 11])
def test_the_principals_read_prepared_are_those_the_queryset_read(
    everyone: list[User], count: int
) -> None:
    for start in range(len(everyone) - count + 1):
        users = everyone[start : start + count]
        assert access.principals_of(users) == _queryset_principals(users)


def test_principals_past_the_largest_prepared_read_are_read_by_the_queryset(
    everyone: list[User], world: World
) -> None:
    many = everyone + [
        build_official(f"many.user{i}", ("committee_member", world.vienna), agency=world.cia)
        for i in range(access.USER_BUCKETS[-1])
    ]
    assert access.principals_of(many) == _queryset_principals(many)


def test_no_users_have_no_principals_and_read_nothing(
    django_assert_num_queries: Any,
) -> None:
    with django_assert_num_queries(0):
        assert access.principals_of([]) == {}


def test_principals_are_read_in_one_query_without_compiling_sql_once_prepared(
    everyone: list[User], django_assert_num_queries: Any
) -> None:
    for size in (1, 3):
        access.principals_of(everyone[:size])  # prepared on the first read of its size
        with (
            mock.patch.object(
                SQLCompiler, "as_sql", autospec=True, side_effect=SQLCompiler.as_sql
            ) as compiled,
            django_assert_num_queries(1),
        ):
            access.principals_of(everyone[1 : 1 + size])
        assert [call.args[0].query.model for call in compiled.call_args_list] == []


def _fields(obj: Any) -> dict[str, Any]:
    return {field.attname: getattr(obj, field.attname) for field in obj._meta.concrete_fields}


def test_an_api_tokens_read_gives_the_token_and_its_user_as_the_queryset_did(
    officer: User, django_assert_num_queries: Any
) -> None:
    token, plain = core_actions.create_api_token(
        acting_user=officer, user=officer, name="script", days=1
    )
    core_queries.active_token(plain)  # prepared on the first read
    with (
        mock.patch.object(
            SQLCompiler, "as_sql", autospec=True, side_effect=SQLCompiler.as_sql
        ) as compiled,
        django_assert_num_queries(1),
    ):
        found = core_queries.active_token(plain)
        assert found is not None
        user = found.user
    assert compiled.call_count == 0
    expected = (
        ApiToken.objects.select_related("user")
        .filter(digest=token.digest, revoked_at__isnull=True, expires_at__gt=timezone.now())
        .get()
    )
    assert _fields(found) == _fields(expected)
    assert _fields(user) == _fields(expected.user)
    assert not found._state.adding
    assert found._state.db == expected._state.db


def test_an_expired_revoked_or_inactive_users_token_is_not_found(officer: User) -> None:
    token, plain = core_actions.create_api_token(
        acting_user=officer, user=officer, name="script", days=1
    )
    assert core_queries.active_token(plain) is not None
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now())
    assert core_queries.active_token(plain) is None
    ApiToken.objects.filter(pk=token.pk).update(
        expires_at=timezone.now() + dt.timedelta(days=1), revoked_at=timezone.now()
    )
    assert core_queries.active_token(plain) is None
    ApiToken.objects.filter(pk=token.pk).update(revoked_at=None)
    assert core_queries.active_token(plain) is not None
    User.objects.filter(pk=officer.pk).update(is_active=False)
    assert core_queries.active_token(plain) is None
