"""The API's intake defaults its post without reading it (``cases.queries.default_post_id``):
the user's own post, when they may open cases there and it is active, as the official's row
read with the principal says; any other default as ``default_post`` reads it. The action then
takes the post from that row, as when the post is named: the walk-in reads the post once."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from defector.cases import queries
from defector.core.access import forget_principal, principal_for
from defector.core.actions import create_api_token
from defector.directory.models import Official, Post
from defector.directory.queries import acting_official
from support.fixtures import MakeOfficial
from support.world import World

pytestmark = pytest.mark.django_db

WALK_IN: dict[str, Any] = {"facts": {"nationalities": ["SU"]}, "true_name": "Pyotr Popov"}


def _default_post_id(user: User) -> int | None:
    """``default_post_id`` as a request asks it: after the request's principal was read."""
    forget_principal(user)
    principal_for(user)
    return queries.default_post_id(user)


def _default_post_key(user: User) -> int | None:
    forget_principal(user)
    found = queries.default_post(user)
    return found.pk if found is not None else None


def test_the_default_post_is_the_key_of_the_post_default_post_reads(
    officer: User,
    member: User,
    officer_in_bonn: User,
    no_roles: User,
    make_official: MakeOfficial,
    world: World,
) -> None:
    # Own post in Bonn, a case officer in Vienna only: the only post where they may open.
    elsewhere = make_official("elsewhere.officer", ("case_officer", world.vienna))
    Official.objects.filter(user=elsewhere).update(post=world.bonn)
    # Case officer at both: their own post.
    both = make_official(
        "both.officer", ("case_officer", world.bonn), ("case_officer", world.vienna)
    )
    for user in (officer, member, officer_in_bonn, no_roles, elsewhere, both):
        assert _default_post_id(user) == _default_post_key(user), user.username
    assert _default_post_id(officer) == world.vienna.pk
    assert _default_post_id(elsewhere) == world.vienna.pk
    assert _default_post_id(both) == world.bonn.pk
    assert _default_post_id(no_roles) is None


def test_an_inactive_own_post_is_no_default_and_the_only_other_one_is(
    make_official: MakeOfficial, world: World
) -> None:
    user = make_official("two.posts", ("case_officer", world.bonn), ("case_officer", world.vienna))
    Post.objects.filter(pk=world.bonn.pk).update(active=False)
    assert _default_post_id(user) == _default_post_key(user) == world.vienna.pk


def test_the_default_post_without_the_principals_own_read_is_read_as_before(
    officer: User, world: World
) -> None:
    forget_principal(officer)
    principal_for(officer)
    acting_official(officer)  # takes the official's row read with the principal
    with CaptureQueriesContext(connection) as read:
        assert queries.default_post_id(officer) == world.vienna.pk
    assert len(read) == 1


def _walk_in(client: Client, body: dict[str, Any]) -> tuple[Any, list[str]]:
    with CaptureQueriesContext(connection) as made:
        response = client.post("/api/v1/cases/walk-ins", json.dumps(body), "application/json")
    assert response.status_code == 201, response.content
    return response, [query["sql"] for query in made.captured_queries]


def test_a_walk_in_naming_no_post_reads_no_post_and_no_more_than_one_naming_it(
    officer: User, world: World
) -> None:
    _, token = create_api_token(acting_user=officer, user=officer, name="tests")
    client = Client(headers={"Authorization": f"Bearer {token}"})
    _walk_in(client, WALK_IN)  # warm: the first of a process prepares its reads
    defaulted, unnamed = _walk_in(client, WALK_IN)
    _, named = _walk_in(client, {**WALK_IN, "post_id": world.vienna.pk})
    assert defaulted.json()["post"]["id"] == world.vienna.pk
    assert not [sql for sql in unnamed if 'FROM "directory_post"' in sql]
    assert len(unnamed) == len(named)
