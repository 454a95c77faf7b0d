"""The acting official read with the request's own principal (``directory.access``): one read
of the official, its roles and compartments, its agency, post and user, where there were two;
the official made from it once, and read again after that, as before."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import User

from defector.core import access
from defector.directory import access as directory_access
from defector.directory import actions
from defector.directory.models import Official
from defector.directory.queries import acting_official

pytestmark = pytest.mark.django_db


def _fresh(user: User) -> User:
    """The user as a new request reads it: an object of its own, nothing cached on it."""
    return get_user_model().objects.get(pk=user.pk)


def _fields(obj: Any) -> dict[str, Any] | None:
    if obj is None:
        return None
    return {field.attname: getattr(obj, field.attname) for field in obj._meta.concrete_fields}


def _same_as_select_related(read: Official | None, user: User) -> None:
    assert read is not None
    expected = Official.objects.select_related("agency", "post", "user").get(user=user)
    assert _fields(read) == _fields(expected)
    for name in ("agency", "post", "user"):
        assert Official._meta.get_field(name).is_cached(read)
        assert _fields(getattr(read, name)) == _fields(getattr(expected, name))


def test_the_official_comes_with_the_principals_read_without_a_query_of_its_own(
    officer: User, django_assert_num_queries: Any
) -> None:
    user = _fresh(officer)
    with django_assert_num_queries(1):
        principal = access.principal_for(user)
        read = acting_official(user)
    assert principal.official_id is not None
    _same_as_select_related(read, officer)


def test_the_principal_is_the_one_the_principals_read_of_several_users_gives(
    officer: User, admin: User
) -> None:
    alone = directory_access.principals_of([_fresh(officer)])
    together = directory_access.principals_of([_fresh(officer), _fresh(admin)])
    assert alone[officer.pk] == together[officer.pk]


def test_the_official_is_given_once_and_read_again_after(
    officer: User, django_assert_num_queries: Any
) -> None:
    user = _fresh(officer)
    access.principal_for(user)
    acting_official(user)
    with django_assert_num_queries(1):
        again = acting_official(user)
    _same_as_select_related(again, officer)


def test_an_official_changed_after_its_first_use_is_read_as_it_is_now(
    officer: User, world: dict[str, Any]
) -> None:
    user = _fresh(officer)
    first = acting_official(user)
    assert first is not None
    assert first.post_id == world["vienna"].pk
    Official.objects.filter(user=officer).update(title="Consul", post=world["tokyo"])
    again = acting_official(user)
    assert again is not None
    assert (again.title, again.post.code) == ("Consul", "TOKYO")


def test_a_principal_forgotten_and_read_again_among_others_reads_the_official_itself(
    officer: User, admin: User, world: dict[str, Any], django_assert_num_queries: Any
) -> None:
    user = _fresh(officer)
    access.principal_for(user)  # with the official's row, not used
    Official.objects.filter(user=officer).update(post=world["tokyo"])
    access.forget_principal(user)
    access.principals_for([user, _fresh(admin)])  # read again in a batch: no row with it
    with django_assert_num_queries(1):
        read = acting_official(user)
    assert read is not None
    assert read.post.code == "TOKYO"
    _same_as_select_related(read, officer)


def test_an_official_without_a_post_agency_or_roles_is_read_whole_with_its_principal(
    make_official: Callable[..., Official], django_assert_num_queries: Any
) -> None:
    official = make_official("lone.analyst", post=None)
    user = _fresh(official.user)
    with django_assert_num_queries(1):
        principal = access.principal_for(user)
        read = acting_official(user)
    assert principal.post_roles == frozenset()
    assert principal.roles == frozenset()
    assert read is not None
    assert read.post is None
    _same_as_select_related(read, official.user)


def test_a_user_who_is_no_official_has_no_acting_official(stranger: User) -> None:
    user = _fresh(stranger)
    assert access.principal_for(user).official_id is None
    assert acting_official(user) is None


def test_an_official_moved_is_read_with_the_principal_read_again(
    officer: User, world: dict[str, Any], django_assert_num_queries: Any
) -> None:
    user = _fresh(officer)
    assert acting_official(user) is not None
    official = Official.objects.get(user=officer)
    actions.update_official(acting_user=None, official_id=official.pk, changes={"post": "TOKYO"})
    access.forget_principal(user)
    with django_assert_num_queries(1):
        principal = access.principal_for(user)
        read = acting_official(user)
    assert principal.post_id == world["tokyo"].pk
    assert read is not None
    assert read.post.code == "TOKYO"
