"""``core.prepared``: a read compiled once and run many times gives the queryset's own rows."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import User
from django.db import transaction
from django.db.models import Count, F
from django.db.models.signals import post_init
from django.test.utils import CaptureQueriesContext

from defector.core import audit, cursors, prepared
from defector.core.models import AuditEvent
from defector.core.prepared import NEVER, Condition, Param, Prepared

pytestmark = pytest.mark.django_db

FIELDS = ("seq", "at", "actor_name", "action", "object_id", "before", "after", "decision")


def events_of(action: Any) -> Any:
    return AuditEvent.objects.filter(action=action).order_by("seq").values(*FIELDS)


EVENTS = Prepared(lambda: events_of(Param("action")))
COUNTED = Prepared(
    lambda: (
        AuditEvent.objects.filter(seq__gte=Param("first"), action=Param("action"))
        .values("action")
        .annotate(events=Count("pk"), last=F("action"))
        .order_by("action")
    )
)


@pytest.fixture
def events(db: Any) -> None:
    with transaction.atomic():
        for number in range(3):
            audit.record(
                actor=None,
                action="test.prepared",
                object_type="test",
                object_id=number,
                before={"n": number},
                after={"n": number + 1, "list": [1, 2]},
            )
        audit.record(actor=None, action="test.other", object_type="test", object_id=9)


def test_a_prepared_read_gives_the_rows_the_queryset_gives(events: None) -> None:
    expected = list(events_of("test.prepared"))

    assert len(expected) == 3
    assert EVENTS.rows(action="test.prepared") == expected
    assert EVENTS.one(action="test.other") == events_of("test.other").first()
    assert EVENTS.one(action="no such action") is None


def test_annotations_and_several_parameters_take_their_values_in_place(events: None) -> None:
    first = AuditEvent.objects.filter(action="test.prepared").order_by("seq")[1].seq

    assert COUNTED.rows(first=first, action="test.prepared") == [
        {"action": "test.prepared", "events": 2, "last": "test.prepared"}
    ]


def test_it_is_compiled_once_and_each_run_is_one_query(
    events: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    compiled: list[Any] = []
    original = prepared._compile

    def counting(queryset: Any) -> Any:
        compiled.append(queryset)
        return original(queryset)

    monkeypatch.setattr(prepared, "_compile", counting)
    read = Prepared(lambda: events_of(Param("action")))

    with CaptureQueriesContext(transaction.get_connection()) as queries:
        for action in ("test.prepared", "test.other", "test.prepared"):
            read.rows(action=action)

    assert len(compiled) == 1
    assert len(queries) == 3


@pytest.mark.parametrize(
    ("given", "message"),
    [({}, "needs exactly \\['action'\\]"), ({"action": "x", "extra": 1}, "got \\['action'")],
)
def test_a_missing_or_unknown_value_is_refused(
    events: None, given: dict[str, Any], message: str
) -> None:
    with pytest.raises(TypeError, match=message):
        EVENTS.rows(**given)


def test_only_a_values_queryset_can_be_prepared(db: Any) -> None:
    with pytest.raises(TypeError, match="values"):
        Prepared(lambda: AuditEvent.objects.filter(action=Param("action"))).rows(action="x")


FLAGGED = Prepared(
    lambda: (
        AuditEvent.objects.filter(Condition("shown"))
        .order_by("seq")
        .values("seq", flagged=Condition("flag"))
    )
)


def test_conditions_given_when_the_read_runs_choose_and_flag_its_rows(events: None) -> None:
    seqs = list(
        AuditEvent.objects.filter(action="test.prepared")
        .order_by("seq")
        .values_list("seq", flat=True)
    )
    action = AuditEvent._meta.get_field("action").column

    rows = FLAGGED.rows(
        shown=(f"{AuditEvent._meta.db_table}.{action} = %s", ("test.prepared",)),
        flag=(f"{AuditEvent._meta.db_table}.seq = %s", (seqs[1],)),
    )

    assert rows == [{"seq": seq, "flagged": seq == seqs[1]} for seq in seqs]
    assert FLAGGED.rows(shown=NEVER, flag=NEVER) == []
    with pytest.raises(TypeError, match="needs exactly \\['flag', 'shown'\\]"):
        FLAGGED.rows(shown=NEVER)


def test_annotations_between_fields_keep_their_place_and_a_slice_is_the_querysets(
    events: None,
) -> None:
    def interleaved(action: Any) -> Any:
        return (
            AuditEvent.objects.filter(action=action)
            .annotate(copy=F("seq"))
            .order_by("-seq")
            .values("seq", "copy", "action", "after")
        )

    read = Prepared(lambda: interleaved(Param("action")))
    expected = list(interleaved("test.prepared"))

    assert read.rows(action="test.prepared") == expected
    for start, stop in ((0, 2), (1, 3), (2, 10), (3, 3)):
        assert read.slice(start, stop, action="test.prepared") == expected[start:stop]


QUOTED = Prepared(
    lambda: (
        AuditEvent.objects.filter(action=Param("action"))
        .exclude(actor_name__contains="it's 100%")
        .order_by("seq")
        .values("seq", "action")
    )
)


def test_values_fixed_by_the_build_with_quotes_and_percent_signs_read_as_the_querysets(
    events: None,
) -> None:
    expected = list(
        AuditEvent.objects.filter(action="test.prepared")
        .exclude(actor_name__contains="it's 100%")
        .order_by("seq")
        .values("seq", "action")
    )

    assert len(expected) == 3
    assert QUOTED.rows(action="test.prepared") == expected
    assert QUOTED.slice(1, 2, action="test.prepared") == expected[1:2]


def _prepared_statements() -> list[tuple[str, str]]:
    with transaction.get_connection().cursor() as cursor:
        cursor.execute("SELECT statement, parameter_types::text FROM pg_prepared_statements")
        return list(cursor.fetchall())


def test_on_postgresql_a_read_is_a_statement_prepared_once_with_only_its_values_bound(
    events: None,
) -> None:
    if transaction.get_connection().vendor != "postgresql":
        pytest.skip("server-side prepared statements are PostgreSQL's")

    for _ in range(3):
        assert len(QUOTED.rows(action="test.prepared")) == 3

    found = [(sql, types) for sql, types in _prepared_statements() if "it''s 100" in sql]
    assert len(found) == 1
    sql, types = found[0]
    assert "$1" in sql
    assert "$2" not in sql  # the build's own value is written in place
    assert types == "{text}"


def test_on_postgresql_a_read_runs_again_after_a_rollback_forgets_its_statement(
    events: None,
) -> None:
    if transaction.get_connection().vendor != "postgresql":
        pytest.skip("server-side prepared statements are PostgreSQL's")

    class Undone(Exception):
        pass

    def read_and_undo() -> None:
        with transaction.atomic():
            assert len(QUOTED.rows(action="test.prepared")) == 3
            raise Undone

    with pytest.raises(Undone):
        read_and_undo()

    assert len(QUOTED.rows(action="test.prepared")) == 3


def test_on_postgresql_the_query_log_shows_a_prepared_read_with_its_values_in_place(
    events: None,
) -> None:
    if transaction.get_connection().vendor != "postgresql":
        pytest.skip("server-side prepared statements are PostgreSQL's")

    with CaptureQueriesContext(transaction.get_connection()) as captured:
        for _ in range(2):  # prepared on the first run, run as prepared on the second
            assert len(QUOTED.rows(action="test.prepared")) == 3

    logged = [query["sql"] for query in captured.captured_queries]
    assert len(logged) == 2
    for sql in logged:
        assert "'test.prepared'" in sql
        assert "it''s 100" in sql


def test_on_sqlite_the_values_fixed_by_the_build_are_written_in_and_only_its_own_bound(
    events: None,
) -> None:
    # SQLite plans a statement again on each run when a bound value may decide whether a
    # partial index serves it: the build's values are written in, as literals.
    connection = transaction.get_connection()
    if connection.vendor != "sqlite":
        pytest.skip("SQLite's literals")

    compiled = QUOTED._compiled(connection.alias)

    assert [type(value).__name__ for value in compiled.params] == ["_Slot"]
    assert "'%%it''s 100\\%%%%'" in compiled.sql
    assert len(QUOTED.rows(action="test.prepared")) == 3


def test_on_sqlite_a_read_converts_its_placeholders_once(events: None) -> None:
    connection = transaction.get_connection()
    if connection.vendor != "sqlite":
        pytest.skip("SQLite's placeholders")

    EVENTS.rows(action="test.prepared")
    sql = EVENTS._compiled(connection.alias).sql

    assert cursors._converted[sql] == sql.replace("%s", "?")
    assert EVENTS.rows(action="test.other") == list(events_of("test.other"))


def test_a_column_whose_converters_keep_none_is_not_converted_when_none(events: None) -> None:
    connection = transaction.get_connection()
    compiled = EVENTS._compiled(connection.alias)
    kept = {compiled.names[position]: keeps for position, _, _, keeps in compiled.converters}

    if connection.vendor == "sqlite":  # times are converted from text there
        assert kept["at"] is True  # a time's converters give None for None
    for _, functions, expression, keeps in compiled.converters:
        if keeps:
            value = None
            for function in functions:
                value = function(value, expression, connection)
            assert value is None
    assert EVENTS.rows(action="test.prepared") == list(events_of("test.prepared"))


def test_an_instance_is_the_one_from_db_makes_and_from_db_makes_it_when_someone_listens(
    events: None,
) -> None:
    user = User.objects.create_user("prepared-instance", first_name="A", last_name="B")
    row = User.objects.filter(pk=user.pk).values(*prepared.columns(User, "")).get()
    alias = transaction.get_connection().alias
    expected = User.from_db(
        alias, [f.attname for f in User._meta.concrete_fields], list(row.values())
    )

    made = prepared.instance(User, row, "", alias)

    assert type(made) is User
    assert made.__dict__.keys() - {"_state"} == expected.__dict__.keys() - {"_state"}
    assert {k: v for k, v in vars(made).items() if k != "_state"} == {
        k: v for k, v in vars(expected).items() if k != "_state"
    }
    assert (made._state.db, made._state.adding) == (alias, False)
    assert not made.get_deferred_fields()
    assert prepared.instance(User, {**row, "id": None}, "", alias) is None

    seen: list[Any] = []

    def listen(sender: Any, instance: Any, **kwargs: Any) -> None:
        seen.append(instance)

    post_init.connect(listen, sender=User)
    try:
        heard = prepared.instance(User, row, "", alias)
    finally:
        post_init.disconnect(listen, sender=User)
    assert seen == [heard]


def test_on_postgresql_a_long_statements_placeholders_are_converted_once(events: None) -> None:
    connection = transaction.get_connection()
    if connection.vendor != "postgresql":
        pytest.skip("psycopg's conversion")
    padding = " AND 1 = 1" * 500  # past psycopg's own cache of short statements
    sql = f"SELECT COUNT(*) FROM core_auditevent WHERE action = %s{padding}"  # noqa: S608

    for _ in range(2):
        with prepared.cursor(connection) as running:
            running.execute(sql, ["test.prepared"])
            assert running.fetchone() == (3,)

    kept = [key for key in cursors._pg_converted if key[0] == sql]
    assert len(kept) == 1
    assert cursors._pg_converted[kept[0]][0].startswith(b"SELECT COUNT(*)")
    assert b"$1" in cursors._pg_converted[kept[0]][0]
