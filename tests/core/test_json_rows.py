"""``core.json_rows``: a subquery's rows as a JSON column of a prepared read are the rows of
the subquery's own read (values, types, times with their time zone), on PostgreSQL."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth.models import Group, User
from django.db import connection
from django.db.models import F, OuterRef

from defector.core.json_rows import JsonRows
from defector.core.models import IdempotencyKey
from defector.core.prepared import Param, Prepared

pytestmark = pytest.mark.django_db

COLUMNS = ("id", "username", "first_name", "is_active", "last_login", "date_joined")
MEMBERS = JsonRows(User.objects.filter(groups=OuterRef("pk")).values(*COLUMNS), order=("username",))
GROUP = Prepared(lambda: Group.objects.filter(pk=Param("group")).values("name", members=MEMBERS))
OWN = Prepared(
    lambda: User.objects.filter(groups=Param("group")).order_by("username").values(*COLUMNS)
)


def test_a_groups_members_as_json_are_the_rows_of_their_own_read() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("JSON columns are PostgreSQL's")
    group = Group.objects.create(name="readers")
    empty = Group.objects.create(name="nobody")
    at = dt.datetime(2026, 12, 7, 1, 2, 3, 120000, tzinfo=dt.UTC)  # written as .12
    for n, login in enumerate([at, None, at.replace(microsecond=0), at.replace(microsecond=7)]):
        user = User.objects.create(username=f"u{n}", first_name='Ann "Q" \\ Ünal', last_login=login)
        user.groups.add(group)

    row = GROUP.one(group=group.pk)
    assert row is not None
    rows = MEMBERS.rows(row["members"])
    own = OWN.rows(group=group.pk)
    assert rows == own
    for found, expected in zip(rows, own, strict=True):
        assert list(found) == list(expected)
        assert [type(v) for v in found.values()] == [type(v) for v in expected.values()]
        for name in ("last_login", "date_joined"):
            if expected[name] is not None:
                assert found[name].tzinfo is expected[name].tzinfo
    nobody = GROUP.one(group=empty.pk)
    assert nobody is not None
    assert MEMBERS.rows(nobody["members"]) == []


KEYS = JsonRows(
    IdempotencyKey.objects.filter(user=OuterRef("pk")).values("id", "key", "headers"),
    order=("key",),
)
HOLDER = Prepared(lambda: User.objects.filter(pk=Param("user")).values("id", keys=KEYS))
OWN_KEYS = Prepared(
    lambda: (
        IdempotencyKey.objects.filter(user=Param("user"))
        .order_by("key")
        .values("id", "key", "headers")
    )
)


def test_json_fields_as_json_are_what_their_own_read_gives_in_their_order() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("JSON columns are PostgreSQL's")
    user = User.objects.create(username="keeper")
    values = [
        {"zebra": 1, "a": [1, 2.5, None, 'ü \\ "q"'], "mid": {"y": True, "x": {}}},
        [],
        "text",
        7,
        {"longer key": 1.0e20, "k": -0.5},
    ]
    at = dt.datetime(2026, 12, 7, tzinfo=dt.UTC)
    for n, headers in enumerate(values):
        IdempotencyKey.objects.create(
            user=user,
            key=f"k{n}",
            method="POST",
            path="/",
            fingerprint="0" * 64,
            status_code=201,
            headers=headers,
            expires_at=at,
        )
    row = HOLDER.one(user=user.pk)
    assert row is not None
    rows = KEYS.rows(row["keys"])
    own = OWN_KEYS.rows(user=user.pk)
    assert rows == own
    for found, expected in zip(rows, own, strict=True):
        assert repr(found["headers"]) == repr(expected["headers"])  # keys in the same order


def test_a_column_that_is_not_a_field_is_refused() -> None:
    with pytest.raises(TypeError, match="fields, not expressions"):
        JsonRows(User.objects.values("id", n=F("id")))
    with pytest.raises(TypeError, match=r"a \.values"):
        JsonRows(User.objects.all())
