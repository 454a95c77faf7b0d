"""Inserts whose SQL is built once: what an action writes on every run (an intake's case,
subject, assessment, obligations, timeline, notices…) without Django building the same
``INSERT`` again each time.

``Model.save()`` and ``QuerySet.bulk_create`` make an ``InsertQuery`` and compile it on every
call: the table's and columns' names quoted, a placeholder per value, the ``VALUES`` and
``RETURNING`` clauses assembled (about 0.2–0.4 ms an insert). An :class:`Insert` builds that
SQL once per database connection's vendor and number of rows, from the same pieces Django's
compiler uses (``ops.insert_statement``, ``ops.bulk_insert_sql``, ``ops.return_insert_columns``),
and runs it through Django's cursor (its wrappers, query log and error translation). Each
value is converted as Django converts it — ``field.pre_save(obj, add=True)`` (which seals a
sealed field, fills ``auto_now``…) then ``field.get_db_prep_save`` — so the same rows are
written; the primary key the database gives back is set on each object, which is then saved
as ``bulk_create`` leaves it (``_state.adding`` false, ``_state.db`` the alias).

The conversion of each field is chosen once per field (:func:`_conversion`): for Django's own
text, integer, boolean, date-time and foreign-key fields, a value of the type the field keeps
(a ``str``, an ``int``, an aware ``datetime``…) is written as those fields' methods would turn
it, without the layers of calls between (``pre_save`` reads the attribute,
``get_prep_value`` gives the same value back); any other value, and every other field (sealed,
JSON, a subclass…), goes through ``pre_save`` and ``get_db_prep_save`` themselves.

**Rows made ready ahead** (``Insert.ready``, then ``Insert.write``): the rows converted
before the transaction that writes them (on SQLite, before the writers' turn), but for the
values only that transaction knows (the case's key a new row refers to…), converted at the
write. The same rows are written, provided the objects change no other value meanwhile.

What it does not do, unlike ``save()``: send ``pre_save``/``post_save`` (``bulk_create`` does
not either); use it for models no receiver listens to, as an action's own writes.

::

    NOTES = Insert(CaseNote)
    NOTES.save([CaseNote(case=case, author=official, text=text, at=now)])
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import connections, router
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.backends.sqlite3.base import (  # type: ignore[attr-defined]
    DatabaseOperations as SQLiteOperations,
)
from django.db.models import (
    AutoField,
    BigAutoField,
    BigIntegerField,
    BooleanField,
    CharField,
    DateTimeField,
    Field,
    ForeignKey,
    IntegerField,
    Model,
    OneToOneField,
    PositiveBigIntegerField,
    PositiveIntegerField,
    PositiveSmallIntegerField,
    SmallAutoField,
    SmallIntegerField,
    TextField,
)
from django.db.models.constants import OnConflict
from django.db.models.sql import InsertQuery

from defector.core import prepared
from defector.core.instances import new as new  # re-exported: what an Insert writes

#: A field's value of an object, converted for the database (the object, the connection).
Conversion = Callable[[Model, BaseDatabaseWrapper], Any]

_TEXTS: frozenset[type[Field[Any, Any]]] = frozenset({CharField, TextField})
_INTEGERS: frozenset[type[Field[Any, Any]]] = frozenset(
    {
        IntegerField,
        SmallIntegerField,
        BigIntegerField,
        PositiveIntegerField,
        PositiveSmallIntegerField,
        PositiveBigIntegerField,
    }
)
#: An attribute not in an object's ``__dict__`` (a deferred one: read through its field).
_UNSET: Any = object()
_KEYS: frozenset[type[Field[Any, Any]]] = frozenset({AutoField, BigAutoField, SmallAutoField})


def _conversion(field: Field[Any, Any]) -> Conversion:
    """How ``field``'s value of an object is written: ``get_db_prep_save(pre_save(obj, True))``,
    with the value of the type the field keeps written as those methods of Django's own field
    classes (the exact classes: no subclass) would write it."""

    def generic(obj: Model, connection: BaseDatabaseWrapper) -> Any:
        return field.get_db_prep_save(field.pre_save(obj, True), connection=connection)

    kind = type(field)
    attname = field.attname
    if kind in _TEXTS:
        # ``to_python`` gives any ``str`` back as it is (a choice's member too, unconverted).
        def text(obj: Model, connection: BaseDatabaseWrapper) -> Any:
            value = obj.__dict__.get(attname, _UNSET)
            if isinstance(value, str) or value is None:  # ``get_prep_value`` keeps None
                return value
            return generic(obj, connection)

        return text
    if kind in _INTEGERS:
        internal = field.get_internal_type()

        def integer(obj: Model, connection: BaseDatabaseWrapper) -> Any:
            value = obj.__dict__.get(attname, _UNSET)
            if type(value) is int or value is None:  # ``int(value)`` is the same number
                return connection.ops.adapt_integerfield_value(value, internal)
            return generic(obj, connection)

        return integer
    if kind is BooleanField:

        def boolean(obj: Model, connection: BaseDatabaseWrapper) -> Any:
            value = obj.__dict__.get(attname, _UNSET)
            if type(value) is bool or value is None:
                return value
            return generic(obj, connection)

        return boolean
    if kind is DateTimeField and not field.auto_now and not field.auto_now_add:  # type: ignore[attr-defined]

        def moment(obj: Model, connection: BaseDatabaseWrapper) -> Any:
            value = obj.__dict__.get(attname, _UNSET)
            if type(value) is dt.datetime and value.utcoffset() is not None:
                # An aware date and time: ``get_prep_value`` gives it back as it is; SQLite's
                # ``adapt_datetimefield_value`` (with ``USE_TZ``) as that method writes it.
                if type(connection.ops) is SQLiteOperations and settings.USE_TZ:
                    return _naive_text(value, connection.timezone)
                return connection.ops.adapt_datetimefield_value(value)
            if value is None:  # ``get_prep_value`` keeps None
                return connection.ops.adapt_datetimefield_value(None)
            return generic(obj, connection)

        return moment
    if kind in (ForeignKey, OneToOneField) and type(field.target_field) in _KEYS:  # type: ignore[attr-defined]

        def key(obj: Model, connection: BaseDatabaseWrapper) -> Any:
            value = obj.__dict__.get(attname, _UNSET)
            if value is None:
                return None
            if type(value) is int:  # the target's ``get_db_prep_save``: an automatic key
                return connection.ops.validate_autopk_value(value)
            return generic(obj, connection)

        return key
    return generic


#: SQLite's text of aware moments, by (moment, the connection's time zone): an action writes the
#: same few moments in many rows (:func:`_naive_text`).
_NAIVE: dict[tuple[dt.datetime, Any], str] = {}


def _naive_text(value: dt.datetime, zone: Any) -> str:
    """SQLite's ``adapt_datetimefield_value`` of an aware ``value`` (with ``USE_TZ``): its wall
    time in ``zone`` as text, computed once per moment and zone (the same instant gives the
    same text whatever its own zone: equal aware moments are one key)."""
    key = (value, zone)
    text = _NAIVE.get(key)
    if text is None:
        if len(_NAIVE) >= 256:
            _NAIVE.clear()
        text = _NAIVE[key] = str(value.astimezone(zone).replace(tzinfo=None))
    return text


class _Values:
    """Values by attribute name, read as an object's (:class:`Conversions`)."""


class Conversions:
    """The values of ``fields`` given by attribute name, written as each field writes its value
    of an object (``get_db_prep_save(pre_save(obj, True))``, each field's conversion chosen
    once: :func:`_conversion`), for a statement of one's own."""

    def __init__(self, fields: Sequence[Field[Any, Any]]) -> None:
        self.conversions = tuple(_conversion(field) for field in fields)

    def __call__(self, values: dict[str, Any], connection: BaseDatabaseWrapper) -> list[Any]:
        held = _Values()
        held.__dict__.update(values)
        return [convert(held, connection) for convert in self.conversions]  # type: ignore[arg-type]


@dataclass(frozen=True, slots=True)
class Ready:
    """Rows of an :class:`Insert` converted before they are written (``Insert.ready``), so
    that a transaction that writes them (a writers' turn) converts only ``later``: the
    database's alias, the objects, each one's converted values in the insert's column order
    (None: to convert whole at the write), and the positions converted at the write."""

    alias: str
    objs: list[Model]
    rows: list[list[Any] | None]
    later: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class _Built:
    sql: str
    #: (position, converters, expression) for the returned columns, as Django's compiler.
    converters: tuple[tuple[int, tuple[Callable[..., Any], ...], Any], ...]


class Insert:
    """An ``INSERT`` of new rows of ``model`` (primary key given by the database), built once
    per database and number of rows. ``ignore_conflicts``: as ``bulk_create``'s (no key comes
    back then). ``unless_taken``: the columns of a unique constraint; :meth:`one_unless_taken`
    then writes nothing (``ON CONFLICT (…) DO NOTHING``) when a row holds the same values, which
    it answers without an error (so without a savepoint around it on PostgreSQL)."""

    def __init__(
        self,
        model: type[Model],
        *,
        ignore_conflicts: bool = False,
        unless_taken: tuple[str, ...] = (),
    ) -> None:
        if ignore_conflicts and unless_taken:
            raise TypeError("an Insert ignores every conflict or those of unless_taken")
        self.model = model
        self.ignore_conflicts = ignore_conflicts
        meta = model._meta
        self.unless_taken: tuple[str, ...] = tuple(
            str(getattr(meta.get_field(name), "column", name)) for name in unless_taken
        )
        self.fields: tuple[Field[Any, Any], ...] = tuple(
            field
            for field in meta.concrete_fields
            if not isinstance(field, AutoField) and not getattr(field, "generated", False)
        )
        if any(hasattr(field, "get_placeholder") for field in self.fields):
            raise TypeError(f"{meta.label}: a field with a placeholder of its own")
        returning = tuple(meta.db_returning_fields)
        self.returning = () if ignore_conflicts else returning
        self.conversions: tuple[Conversion, ...] = tuple(_conversion(f) for f in self.fields)
        #: The relations an object may hold in its cache: (name, attribute, the target's
        #: attribute, the related model when the target is its key), for
        #: :meth:`_related_saved`; none when the model has private fields.
        self.related: tuple[tuple[str, str, str, type[Model] | None], ...] | None = (
            None
            if meta.private_fields
            else tuple(
                (
                    field.name,
                    field.attname,
                    field.target_field.attname,  # type: ignore[attr-defined]
                    field.related_model  # type: ignore[misc]
                    if field.target_field.primary_key  # type: ignore[attr-defined]
                    else None,
                )
                for field in meta.concrete_fields
                if field.is_relation
            )
        )
        #: The key's attribute, when it is a plain automatic key (``pk`` reads it).
        self.key: str | None = meta.pk.attname if type(meta.pk) in _KEYS else None
        self._local = threading.local()

    def _built(self, alias: str, count: int) -> _Built:
        cache: dict[tuple[str, int], _Built] = self._local.__dict__.setdefault("built", {})
        built = cache.get((alias, count))
        if built is None:
            built = cache[(alias, count)] = self._build(alias, count)
        return built

    def _batch_size(self, alias: str, objs: list[Model]) -> int:
        """``bulk_batch_size`` of this insert's fields and ``objs`` (at least 1), asked once
        per database and number of rows (what Django's backends answer from)."""
        sizes: dict[tuple[str, int], int] = self._local.__dict__.setdefault("sizes", {})
        size = sizes.get((alias, len(objs)))
        if size is None:
            ops = connections[alias].ops
            size = sizes[(alias, len(objs))] = max(ops.bulk_batch_size(self.fields, objs), 1)
        return size

    def _build(self, alias: str, count: int) -> _Built:
        connection = connections[alias]
        ops, features = connection.ops, connection.features
        quote = ops.quote_name
        on_conflict = OnConflict.IGNORE if self.ignore_conflicts else None
        parts = [
            f"{ops.insert_statement(on_conflict=on_conflict)} {quote(self.model._meta.db_table)}",
            f"({', '.join(quote(field.column) for field in self.fields)})",
        ]
        row = ["%s"] * len(self.fields)
        if self.returning and count > 1 and not features.can_return_rows_from_bulk_insert:
            raise TypeError("this database cannot return the keys of a multi-row insert")
        parts.append(ops.bulk_insert_sql(self.fields, [row] * count))  # type: ignore[list-item]
        suffix = ops.on_conflict_suffix_sql(self.fields, on_conflict, (), ())
        if suffix:
            parts.append(suffix)
        if self.unless_taken:
            if count != 1:
                raise TypeError("an insert unless taken writes one row")
            # The same clause on PostgreSQL and SQLite (3.24 and later).
            taken = ", ".join(quote(column) for column in self.unless_taken)
            parts.append(f"ON CONFLICT ({taken}) DO NOTHING")
        converters: tuple[tuple[int, tuple[Callable[..., Any], ...], Any], ...] = ()
        if self.returning:
            if not features.can_return_columns_from_insert:
                raise TypeError("this database cannot return the keys of an insert")
            returning_sql, returning_params = ops.return_insert_columns(self.returning)
            if returning_params:
                raise TypeError("an insert whose RETURNING has parameters")
            parts.append(returning_sql)
            table = self.model._meta.db_table
            compiler = InsertQuery(self.model).get_compiler(alias)
            found = compiler.get_converters([field.get_col(table) for field in self.returning])
            converters = tuple(
                (position, tuple(functions), expression)
                for position, (functions, expression) in found.items()
            )
        return _Built(" ".join(parts), converters)

    def save(self, objs: Sequence[Model], *, using: str | None = None) -> list[Model]:
        """Insert ``objs`` (new: their keys empty) in the statements ``bulk_create`` would use
        (``ops.bulk_batch_size`` rows each), and set the keys the database gave them."""
        objs = list(objs)
        if not objs:
            return objs
        if self.unless_taken:
            raise TypeError("an insert unless taken writes one row: one_unless_taken")
        return self._save(objs, using)

    def _save(
        self, objs: list[Model], using: str | None, ready: Ready | None = None
    ) -> list[Model]:
        alias = using if using is not None else router.db_for_write(self.model)
        connection = connections[alias]
        conversions = self.conversions
        key = self.key
        rows = ready.rows if ready is not None else None
        for number, obj in enumerate(objs):
            pk = obj.__dict__.get(key, _UNSET) if key is not None else _UNSET
            if (obj.pk if pk is _UNSET else pk) is not None:
                raise ValueError("an Insert writes new rows: this one has a key")
            if not self._related_saved(obj):
                obj._prepare_related_fields_for_save(operation_name="bulk_create")  # type: ignore[attr-defined]
                if rows is not None:  # it may have set a key: its row converted again, whole
                    rows[number] = None
        # One object is one statement whatever the batch size.
        step = 1 if len(objs) == 1 else self._batch_size(alias, objs)
        for start in range(0, len(objs), step):
            chunk = objs[start : start + step]
            built = self._built(alias, len(chunk))
            if rows is None:
                params = [convert(obj, connection) for obj in chunk for convert in conversions]
            else:
                params = self._completed(chunk, rows[start : start + step], ready, connection)
            with prepared.cursor(connection) as cursor:
                cursor.execute(built.sql, params)
                if self.returning:
                    given = (
                        connection.ops.fetch_returned_insert_rows(cursor)  # type: ignore[attr-defined]
                        if len(chunk) > 1
                        else [cursor.fetchone()]
                    )
                else:
                    given = []
            if given == [None] and self.unless_taken:
                return []
            for obj, returned in zip(chunk, given, strict=False):
                values = list(returned)
                for position, functions, expression in built.converters:
                    for function in functions:
                        values[position] = function(values[position], expression, connection)
                for field, value in zip(self.returning, values, strict=True):
                    setattr(obj, field.attname, value)
        for obj in objs:
            obj._state.adding = False
            obj._state.db = alias
        return objs

    def _related_saved(self, obj: Model) -> bool:
        """Whether ``_prepare_related_fields_for_save`` would do nothing to ``obj``: every
        related object it holds is saved, and its key is the one ``obj`` holds (else that
        method is called, which sets the key, forgets the object or refuses)."""
        related = self.related
        if related is None:
            return False
        cache, values = obj._state.fields_cache, obj.__dict__
        for name, attname, target, keyed in related:
            held = cache.get(name)
            if held is None:
                continue
            key = values.get(attname)
            if key is None or held.__dict__.get(target, _UNSET) != key:
                return False
            # The target its key (of that very model): set, since it equals ``key``.
            if type(held) is not keyed and held.pk is None:
                return False
        return True

    def _completed(
        self,
        chunk: list[Model],
        rows: list[list[Any] | None],
        ready: Ready | None,
        connection: BaseDatabaseWrapper,
    ) -> list[Any]:
        """The values of ``chunk``'s rows: those :meth:`ready` converted, with the ``later``
        ones converted now (a row set to None: every value converted now)."""
        conversions = self.conversions
        later = ready.later if ready is not None else ()
        params: list[Any] = []
        for obj, row in zip(chunk, rows, strict=True):
            if row is None:
                params += [convert(obj, connection) for convert in conversions]
                continue
            for position in later:
                row[position] = conversions[position](obj, connection)
            params += row
        return params

    def ready(
        self, objs: Sequence[Model], *, later: Sequence[str] = (), using: str | None = None
    ) -> Ready:
        """``objs``' rows converted now (each field's value as :meth:`save` converts it, a
        sealed field's sealed: ``pre_save`` runs now, once) but the fields named in ``later``
        (names or attributes), converted when :meth:`write` writes them. What :meth:`write`
        then writes is what :meth:`save` would write at that moment, provided the objects'
        other values do not change meanwhile (a related object's key set by ``save``'s own
        check is caught: that row is converted again)."""
        alias = using if using is not None else router.db_for_write(self.model)
        connection = connections[alias]
        wanted = set(later)
        positions = tuple(
            n for n, field in enumerate(self.fields) if {field.name, field.attname} & wanted
        )
        if len(positions) != len(wanted):
            raise TypeError(f"{self.model._meta.label} has no field of some of {sorted(wanted)}")
        conversions = [
            None if n in positions else convert for n, convert in enumerate(self.conversions)
        ]
        rows: list[list[Any] | None] = [
            [None if convert is None else convert(obj, connection) for convert in conversions]
            for obj in objs
        ]
        return Ready(alias, list(objs), rows, positions)

    def write(self, ready: Ready) -> list[Model]:
        """Insert the rows :meth:`ready` converted (:meth:`save`, the ``later`` values
        converted now). Once: the objects are saved after it."""
        if self.unless_taken:
            raise TypeError("an insert unless taken writes one row: write_unless_taken")
        return self._save(ready.objs, ready.alias, ready) if ready.objs else []

    def write_unless_taken(self, ready: Ready) -> bool:
        """:meth:`one_unless_taken` of the one row :meth:`ready` converted; may be called
        again when nothing was written (with other ``later`` values)."""
        if not self.unless_taken or len(ready.objs) != 1:
            raise TypeError("this Insert writes one row unless taken: one_unless_taken")
        return bool(self._save(ready.objs, ready.alias, ready))

    def one(self, obj: Model, *, using: str | None = None) -> Model:
        """Insert ``obj`` (:meth:`save` of one)."""
        self.save([obj], using=using)
        return obj

    def one_unless_taken(self, obj: Model, *, using: str | None = None) -> bool:
        """Insert ``obj`` unless a row holds its values of the ``unless_taken`` columns: whether
        it was written (its key set). On PostgreSQL the insert waits for a transaction that
        wrote the same values and has not ended, and writes nothing if that one commits."""
        if not self.unless_taken:
            raise TypeError("this Insert was built without unless_taken")
        return bool(self._save([obj], using))
