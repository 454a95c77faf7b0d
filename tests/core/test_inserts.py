"""``core.inserts``: an insert built once writes the rows ``save()`` and ``bulk_create`` write;
``core.known``: principals read once within an action are not read again."""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Any

import pytest
from django.apps import apps
from django.contrib.auth.models import Group, User
from django.db import IntegrityError, connection, transaction
from django.db.models import Model
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from defector.cases.choices import ObligationStatus
from defector.core.access import principal_for
from defector.core.inserts import Insert, _conversion, new
from defector.core.known import (
    decisions,
    keep_decisions,
    knowing_principals,
    read_principals,
    recall_principals,
)
from defector.core.models import IdempotencyKey
from defector.directory.choices import Role
from defector.exploitation.choices import Priority

pytestmark = pytest.mark.django_db

MOMENT = dt.datetime(2026, 5, 1, 12, 30, 15, 123456, tzinfo=dt.UTC)
KEYS = Insert(IdempotencyKey)
MEMBERSHIPS = Insert(User.groups.through, ignore_conflicts=True)
_NAMES = itertools.count()


def key(user: User, number: int) -> IdempotencyKey:
    return IdempotencyKey(
        user=user,
        key=f"key-{next(_NAMES)}",
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
    return User.objects.create_user("inserting")


def test_an_insert_writes_the_rows_save_and_bulk_create_write(user: User) -> None:
    saved = key(user, 1)
    saved.save()
    bulk = IdempotencyKey.objects.bulk_create([key(user, 2), key(user, 3)])
    one = KEYS.one(key(user, 1))
    many = KEYS.save([key(user, 2), key(user, 3)])

    assert isinstance(one.pk, int)
    assert [o.pk for o in many] == sorted(o.pk for o in many)
    assert stored([one.pk]) == stored([saved.pk])
    assert stored([o.pk for o in many]) == stored([o.pk for o in bulk])
    for obj in (one, *many):
        assert not obj._state.adding
        assert obj._state.db == "default"
        assert IdempotencyKey.objects.get(pk=obj.pk).key == obj.key


def test_an_insert_is_built_once_and_sends_its_sql_as_django_does(user: User) -> None:
    IdempotencyKey.objects.bulk_create([key(user, 4), key(user, 5)])
    with CaptureQueriesContext(connection) as django_sql:
        IdempotencyKey.objects.bulk_create([key(user, 6), key(user, 7)])
    with CaptureQueriesContext(connection) as ours:
        KEYS.save([key(user, 8), key(user, 9)])
        KEYS.save([key(user, 10), key(user, 11)])

    def shape(sql: str) -> str:
        # The table and its columns (PostgreSQL's bulk_create sends its rows as UNNEST arrays,
        # an insert built once as VALUES: the same rows).
        return sql[: sql.index(")") + 1]

    assert len(ours.captured_queries) == 2
    assert {shape(q["sql"]) for q in ours.captured_queries} == {
        shape(django_sql.captured_queries[0]["sql"])
    }
    assert len(KEYS._local.built) >= 1


def test_an_insert_refuses_a_row_that_has_a_key(user: User) -> None:
    saved = key(user, 12)
    saved.save()
    with pytest.raises(ValueError, match="new rows"):
        KEYS.save([saved])


def test_an_insert_that_breaks_a_constraint_raises_django_s_integrity_error(user: User) -> None:
    first = KEYS.one(key(user, 13))
    clash = key(user, 14)
    clash.seal_uid = first.seal_uid
    with pytest.raises(IntegrityError), transaction.atomic():
        KEYS.one(clash)
    assert clash.pk is None


def test_an_insert_unless_taken_writes_nothing_when_taken_and_the_transaction_goes_on(
    user: User,
) -> None:
    """No error and no savepoint: on PostgreSQL a failed statement would refuse every later
    one of the transaction."""
    unless_taken = Insert(IdempotencyKey, unless_taken=("seal_uid",))
    first = key(user, 15)
    assert unless_taken.one_unless_taken(first) is True
    assert first.pk is not None
    clash = key(user, 16)
    clash.seal_uid = first.seal_uid
    with CaptureQueriesContext(connection) as queries:
        assert unless_taken.one_unless_taken(clash) is False
    assert clash.pk is None
    assert len(queries.captured_queries) == 1
    assert "ON CONFLICT" in queries.captured_queries[0]["sql"]
    assert IdempotencyKey.objects.filter(seal_uid=first.seal_uid).count() == 1
    with pytest.raises(TypeError, match="one row"):
        unless_taken.save([key(user, 17)])


def test_an_insert_that_ignores_conflicts_writes_a_link_once(user: User) -> None:
    group = Group.objects.create(name="inserted")
    link = User.groups.through
    MEMBERSHIPS.save([link(user_id=user.pk, group_id=group.pk)])
    MEMBERSHIPS.save([link(user_id=user.pk, group_id=group.pk)])
    assert list(user.groups.all()) == [group]


def test_an_empty_insert_writes_nothing(user: User) -> None:
    with CaptureQueriesContext(connection) as queries:
        assert KEYS.save([]) == []
    assert not queries.captured_queries


#: Values of every type a field may be given, kept or not: each field's conversion must write
#: what ``get_db_prep_save(pre_save(obj, True))`` writes (or fail as it fails).
SAMPLES: list[Any] = [
    None,
    "",
    "text é",
    0,
    7,
    -3,
    True,
    False,
    MOMENT,
    MOMENT.astimezone(dt.timezone(dt.timedelta(hours=-5))),
    MOMENT.replace(tzinfo=None),  # naive: Django warns and makes it aware
    dt.date(2026, 5, 1),
    "42",
    ObligationStatus.OPEN,  # a choice: a ``str`` of its own class
    Role.CASE_OFFICER,
    next(iter(Priority)),  # a choice of integers: ``int()`` makes it a plain ``int``
    1.5,
    ["a"],
]


def _written(convert: Any, obj: Any, connection: Any) -> Any:
    try:
        return ("value", convert(obj, connection))
    except Exception as exc:  # the same failure either way
        return ("error", type(exc))


@pytest.mark.filterwarnings("ignore::RuntimeWarning")
def test_each_field_s_conversion_writes_what_django_s_methods_write() -> None:
    checked = 0
    for model in apps.get_models():
        for field in model._meta.concrete_fields:
            fast = _conversion(field)
            if fast.__name__ == "generic":  # Django's methods themselves
                continue

            def generic(obj: Any, connection: Any, field: Any = field) -> Any:
                return field.get_db_prep_save(field.pre_save(obj, True), connection=connection)

            for value in SAMPLES:
                obj = model.__new__(model)
                obj.__dict__[field.attname] = value
                assert repr(_written(fast, obj, connection)) == repr(
                    _written(generic, obj, connection)
                ), (model._meta.label, field.name, value)
                checked += 1
    assert checked > 500


def test_principals_read_within_an_action_are_recalled_for_other_objects(user: User) -> None:
    other = User.objects.create_user("other")
    with knowing_principals():
        read_principals([user, other])
        again = [User.objects.get(pk=user.pk), User.objects.get(pk=other.pk)]
        recall_principals(again)
        with CaptureQueriesContext(connection) as queries:
            principals = [principal_for(u) for u in again]
    assert not queries.captured_queries
    assert principals == [principal_for(user), principal_for(other)]


def test_principals_are_not_recalled_outside_an_action(user: User) -> None:
    read_principals([user])
    again = User.objects.get(pk=user.pk)
    recall_principals([again])
    assert getattr(again, "_defector_principal", None) is None
    with knowing_principals():
        pass
    recall_principals([again])
    assert getattr(again, "_defector_principal", None) is None
    assert timezone.is_aware(MOMENT)


def test_decisions_kept_within_an_action_answer_for_the_same_users_only(user: User) -> None:
    other = User.objects.create_user("another")
    stranger = User.objects.create_user("stranger")
    group = Group.objects.create(name="decided")
    keep_decisions([user, other], "view", group, [other])
    assert decisions([user, other], "view", group) is None
    with knowing_principals():
        keep_decisions([user, other], "view", group, [other])
        assert decisions([other, user], "view", group) == [other]
        assert decisions([User.objects.get(pk=user.pk)], "view", group) == []
        assert decisions([user, stranger], "view", group) is None
        assert decisions([user], "change", group) is None
    assert decisions([user, other], "view", group) is None


def _values_for(model: Any, related_db: str | None) -> dict[str, Any]:
    """Every field of ``model`` given: a related object (a new one each time, its database
    ``related_db``) for each relation, a sample value of the field's kind otherwise."""
    values: dict[str, Any] = {}
    for field in model._meta.concrete_fields:
        if field.primary_key:
            continue
        if field.is_relation:
            related = field.related_model(pk=next(_NAMES) + 1)
            related._state.db = related_db
            values[field.name] = related
        elif field.get_internal_type() in ("CharField", "TextField"):
            values[field.attname] = f"text {next(_NAMES)}"
    return values


def _made(obj: Any) -> tuple[Any, ...]:
    kept = {name: value for name, value in obj.__dict__.items() if name != "_state"}
    cached = {
        name: None if value is None else (type(value).__name__, value.pk)
        for name, value in obj._state.fields_cache.items()
    }
    return kept, obj._state.db, obj._state.adding, cached


def test_a_new_instance_is_the_one_its_model_makes_from_the_same_values() -> None:
    checked = 0
    for model in apps.get_models():
        for related_db in (None, "default"):
            for given in ({}, _values_for(model, related_db)):
                twin = {
                    name: (type(value)(pk=value.pk) if isinstance(value, Model) else value)
                    for name, value in given.items()
                }
                for value in twin.values():
                    if isinstance(value, Model):
                        value._state.db = related_db
                made, expected = new(model, **given), model(**twin)
                # Defaults of a function (a random uid, the time) differ: their kind does not.
                ours, theirs = _made(made), _made(expected)
                drawn = {f.attname for f in model._meta.concrete_fields if callable(f.default)}
                for name in drawn - set(given):
                    if name in theirs[0]:
                        assert type(ours[0][name]) is type(theirs[0][name])
                        ours[0][name] = theirs[0][name] = None
                assert repr(ours) == repr(theirs), model._meta.label
                assert [obj._state.db for obj in given.values() if isinstance(obj, Model)] == [
                    obj._state.db for obj in twin.values() if isinstance(obj, Model)
                ]
                checked += 1
    assert checked > 200


def test_a_new_instance_refuses_what_its_model_refuses(user: User) -> None:
    with pytest.raises(TypeError):
        new(IdempotencyKey, nonsense=1)
    with pytest.raises(ValueError, match="must be a"):
        new(IdempotencyKey, user=Group(pk=1))
    made = new(IdempotencyKey, pk=5, user=user)
    assert made.pk == 5
    assert made.user is user
    assert made.user_id == user.pk


def test_an_insert_takes_the_key_of_a_related_object_saved_after_it_was_given(
    user: User,
) -> None:
    other = User(username=f"later-{next(_NAMES)}")
    row = key(user, 3)
    row.user = other
    with pytest.raises(ValueError, match="unsaved related object"):
        KEYS.save([row])
    other.save()
    KEYS.save([row])
    assert IdempotencyKey.objects.get(pk=row.pk).user_id == other.pk


def test_an_insert_of_more_rows_than_a_statement_holds_writes_them_all_with_their_keys(
    user: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Two rows a statement (as ``bulk_create`` splits a long list by the database's limit on
    # parameters): five rows are three statements, each given the keys of its own rows.
    batch = Insert(IdempotencyKey)
    monkeypatch.setattr(batch, "_batch_size", lambda alias, objs: 2)
    with CaptureQueriesContext(connection) as queries:
        many = batch.save([key(user, number) for number in range(12, 17)])

    assert len(queries.captured_queries) == 3
    assert all(isinstance(obj.pk, int) for obj in many)
    assert len({obj.pk for obj in many}) == 5
    for obj in many:
        assert IdempotencyKey.objects.get(pk=obj.pk).key == obj.key


def test_rows_made_ready_of_more_than_a_statement_holds_are_written_whole(
    user: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    batch = Insert(IdempotencyKey)
    monkeypatch.setattr(batch, "_batch_size", lambda alias, objs: 2)
    saved = KEYS.save([key(user, number) for number in range(17, 22)])
    made = [key(user, number) for number in range(17, 22)]
    written = batch.write(batch.ready(made))

    assert written == made
    assert stored([obj.pk for obj in written]) == stored([obj.pk for obj in saved])
    for obj in written:
        assert IdempotencyKey.objects.get(pk=obj.pk).key == obj.key
