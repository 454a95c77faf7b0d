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
from typing import Any, Final, TypeVar

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections, router
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
from django.db.models.base import ModelState
from django.db.models.constants import OnConflict
from django.db.models.fields.related_descriptors import (
    ForeignKeyDeferredAttribute,
    ForwardManyToOneDescriptor,
    ForwardOneToOneDescriptor,
)
from django.db.models.signals import post_init, pre_init
from django.db.models.sql import InsertQuery

from defector.core import prepared

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
_M = TypeVar("_M", bound=Model)


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
                    return str(value.astimezone(connection.timezone).replace(tzinfo=None))
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

    def _save(self, objs: list[Model], using: str | None) -> list[Model]:
        alias = using if using is not None else router.db_for_write(self.model)
        connection = connections[alias]
        fields, conversions = self.fields, self.conversions
        key = self.key
        for obj in objs:
            pk = obj.__dict__.get(key, _UNSET) if key is not None else _UNSET
            if (obj.pk if pk is _UNSET else pk) is not None:
                raise ValueError("an Insert writes new rows: this one has a key")
            if not self._related_saved(obj):
                obj._prepare_related_fields_for_save(operation_name="bulk_create")  # type: ignore[attr-defined]
        # One object is one statement whatever the batch size.
        step = 1 if len(objs) == 1 else max(connection.ops.bulk_batch_size(fields, objs), 1)
        for start in range(0, len(objs), step):
            chunk = objs[start : start + step]
            built = self._built(alias, len(chunk))
            params = [convert(obj, connection) for obj in chunk for convert in conversions]
            with prepared.cursor(connection) as cursor:
                cursor.execute(built.sql, params)
                if self.returning:
                    rows = (
                        connection.ops.fetch_returned_insert_rows(cursor)  # type: ignore[attr-defined]
                        if len(chunk) > 1
                        else [cursor.fetchone()]
                    )
                else:
                    rows = []
            if rows == [None] and self.unless_taken:
                return []
            for obj, returned in zip(chunk, rows, strict=False):
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


def new(model: type[_M], /, **values: Any) -> _M:
    """``model(**values)``: the same new instance, its values put in place at once where that
    is all ``__init__`` would do (each field's value given, by a related object or its key, or
    its default), for a model whose ``__init__`` is Django's, with no parent, no private field,
    no field whose attribute does more when set than keep the value (a foreign key's does
    what is done here: the related object cached, its key kept, the instance's database
    chosen as the default router chooses it), and no ``pre_init`` or ``post_init`` receiver;
    otherwise, or with a value of another kind (an unknown name, a related object of another
    model or database), ``model(**values)`` itself."""
    shape = _news.get(model)
    if shape is None:
        shape = _news[model] = _new_shape(model)
    if (
        shape is _NOT_DIRECT
        or router.routers
        or not shape.names.issuperset(values)
        or (pre_init.receivers and pre_init.has_listeners(model))
        or (post_init.receivers and post_init.has_listeners(model))
    ):
        return model(**values)
    for relation, _, _, _, remote in shape.relations:
        given = values.get(relation)
        if given is not None and not isinstance(given, remote):
            return model(**values)
    made = model.__new__(model)
    state = made._state = ModelState()
    kept, cache = made.__dict__, state.fields_cache
    for attname, name, target, reverse, default in shape.order:
        if name is None:  # not a relation
            kept[attname] = values[attname] if attname in values else default()
        elif name in values:
            related = values[name]
            if related is None:
                kept[attname] = None
            else:
                # As the related object's descriptor sets it, under the default router.
                theirs: str | None = related._state.db
                if state.db is None:
                    state.db = theirs or DEFAULT_DB_ALIAS
                if theirs is None:
                    related._state.db = theirs = state.db
                if theirs != state.db:
                    return model(**values)  # which refuses it
                kept[attname] = getattr(related, target)
                if reverse is not None:
                    related._state.fields_cache[reverse] = made
            cache[name] = related
        else:
            kept[attname] = values[attname] if attname in values else default()
    if "pk" in values:
        kept[shape.key] = values["pk"]
    return made


@dataclass(frozen=True, slots=True)
class _NewShape:
    """How :func:`new` makes an instance of a model."""

    #: Per field, in ``__init__``'s order: its attribute, its name when a relation (else
    #: None), the related attribute its key is, the related object's cache of the instance
    #: (a one-to-one's; else None), its default.
    order: tuple[tuple[str, str | None, str, str | None, Callable[[], Any]], ...]
    #: The relations: (name, attribute, target, reverse, the related model).
    relations: tuple[tuple[str, str, str, str | None, type[Model]], ...]
    #: The names ``model(**values)`` takes that :func:`new` sets.
    names: frozenset[str]
    #: The primary key's attribute (``pk``).
    key: str


_news: dict[type[Model], _NewShape] = {}
_NOT_DIRECT: Final = _NewShape((), (), frozenset(), "")


def _new_shape(model: type[Model]) -> _NewShape:
    meta = model._meta
    if model.__init__ is not Model.__init__ or meta.parents or meta.private_fields:
        return _NOT_DIRECT
    order: list[tuple[str, str | None, str, str | None, Callable[[], Any]]] = []
    for field in meta.fields:
        if field.column is None or getattr(field, "generated", False):
            continue
        descriptor = _attribute(model, field.attname)
        if field.is_relation:
            if (
                type(field) not in (ForeignKey, OneToOneField)
                or field.primary_key
                or len(field.related_fields) != 1  # type: ignore[attr-defined]
                or type(descriptor) is not ForeignKeyDeferredAttribute
                or type(_attribute(model, field.name))
                not in (ForwardManyToOneDescriptor, ForwardOneToOneDescriptor)
            ):
                return _NOT_DIRECT
            remote: Any = field.remote_field
            reverse = None if remote.multiple else remote.cache_name
            target = field.related_fields[0][1].attname  # type: ignore[attr-defined]
            order.append((field.attname, field.name, target, reverse, field.get_default))
        else:
            if descriptor is not None and hasattr(type(descriptor), "__set__"):
                return _NOT_DIRECT
            # ``get_default`` calls the default Django chose once (``_get_default``).
            default = (
                field._get_default  # type: ignore[attr-defined]
                if type(field).get_default is Field.get_default
                else field.get_default
            )
            order.append((field.attname, None, "", None, default))
    relations: tuple[tuple[str, str, str, str | None, type[Model]], ...] = tuple(
        (name, attname, target, reverse, meta.get_field(name).related_model._meta.concrete_model)  # type: ignore[union-attr,misc]
        for attname, name, target, reverse, _ in order
        if name is not None
    )
    names = {attname for attname, *_ in order} | {name for _, name, *_ in order if name}
    return _NewShape(tuple(order), relations, frozenset(names | {"pk"}), meta.pk.attname)


def _attribute(model: type[Model], name: str) -> Any:
    for klass in model.__mro__:
        if name in klass.__dict__:
            return klass.__dict__[name]
    return None
