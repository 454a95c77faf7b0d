"""``core.inserts.Insert.ready``: rows converted before the transaction that writes them are
the rows ``save()`` writes then, but for the values named ``later``, converted at the write."""

from __future__ import annotations

import datetime as dt
import itertools
import uuid
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.test.utils import CaptureQueriesContext

from defector.core.inserts import Insert
from defector.core.models import IdempotencyKey

pytestmark = pytest.mark.django_db

MOMENT = dt.datetime(2026, 5, 1, 12, 30, 15, 123456, tzinfo=dt.UTC)
KEYS = Insert(IdempotencyKey)
_NAMES = itertools.count()


def key(user: User | None, number: int) -> IdempotencyKey:
    return IdempotencyKey(
        user=user,
        key=f"ready-{next(_NAMES)}",
        method="POST",
        path=f"/api/v1/things/{number}",
        fingerprint="f" * 64,
        status_code=201,
        headers={"Content-Type": "application/json", "n": [number, None, "é"]},
        body="" if number % 2 else "sealed text",
        created_at=MOMENT,
        expires_at=MOMENT + dt.timedelta(days=number),
    )


def stored(pks: list[int]) -> list[dict[str, Any]]:
    rows = IdempotencyKey.objects.filter(pk__in=pks).order_by("pk").values()
    return [{k: v for k, v in row.items() if k not in ("id", "key", "seal_uid")} for row in rows]


@pytest.fixture
def user(db: Any) -> User:
    return User.objects.create_user("ready")


def test_rows_made_ready_write_what_save_writes(user: User) -> None:
    saved = KEYS.save([key(user, 1), key(user, 2)])
    made = [key(None, 1), key(None, 2)]
    ready = KEYS.ready(made, later=("user",))
    for obj in made:
        obj.user = user  # what only the transaction knows: given after, converted at the write
    with CaptureQueriesContext(connection) as queries:
        written = KEYS.write(ready)
    assert len(queries.captured_queries) == 1
    assert written == made
    assert all(obj.pk is not None and not obj._state.adding for obj in made)
    assert stored([o.pk for o in made]) == stored([o.pk for o in saved])


def test_a_value_named_later_is_written_as_it_is_at_the_write_and_no_other(user: User) -> None:
    obj = key(user, 3)
    ready = KEYS.ready([obj], later=("path",))
    obj.path, obj.method = "/later", "PUT"
    KEYS.write(ready)
    row = IdempotencyKey.objects.get(pk=obj.pk)
    assert row.path == "/later"
    assert row.method == "POST"  # converted when made ready: the objects must not change so


def test_a_related_key_set_at_the_write_converts_its_row_again(user: User) -> None:
    later_user = User(username="saved-after")
    obj = key(later_user, 4)
    ready = KEYS.ready([obj])
    later_user.save()  # as ``save()`` does, the key is taken from the object saved since
    KEYS.write(ready)
    assert IdempotencyKey.objects.get(pk=obj.pk).user_id == later_user.pk


def test_an_insert_unless_taken_made_ready_tries_again_with_other_later_values(
    user: User,
) -> None:
    unless_taken = Insert(IdempotencyKey, unless_taken=("seal_uid",))
    first = KEYS.one(key(user, 5))
    obj = key(user, 6)
    ready = unless_taken.ready([obj], later=("seal_uid",))
    obj.seal_uid = first.seal_uid
    assert unless_taken.write_unless_taken(ready) is False
    assert obj.pk is None
    obj.seal_uid = uuid.uuid4()
    assert unless_taken.write_unless_taken(ready) is True
    assert IdempotencyKey.objects.get(pk=obj.pk).seal_uid == obj.seal_uid


def test_rows_made_ready_refuse_a_later_name_the_model_has_not(user: User) -> None:
    with pytest.raises(TypeError, match="no field"):
        KEYS.ready([key(user, 7)], later=("nonsense",))
    with pytest.raises(TypeError, match="unless taken"):
        Insert(IdempotencyKey, unless_taken=("seal_uid",)).write(KEYS.ready([key(user, 8)]))
