"""Reads compiled once per process and run many times.

Django compiles a queryset's SQL each time it runs: for the small, fixed reads of a page (a
case's row, its latest assessment, its obligations) the compiling costs several times what the
database takes to answer. A :class:`Prepared` read is a queryset built once, with
:class:`Param` where a request's values go, compiled once per database connection, and then
run as that SQL with the values in place, its rows turned into dictionaries by the same
converters Django would apply (``.values()`` rows, identical to the queryset's).

On PostgreSQL a prepared read is also a prepared statement of the connection (psycopg's,
bound on the server: Django's own cursors bind on the client, so the server parses and plans
every statement they send anew): the server plans it once per connection and keeps the plan.
The values the build fixed are written in its SQL as literals, as client-side binding writes
them, and a slice's ``LIMIT`` and ``OFFSET`` too, so that the plan kept (a generic plan, made
without the run's values) is the one the server would make for each run; only a run's own
values (a :class:`Param`'s, a :class:`Condition`'s) are bound.

A prepared read applies no access rule of its own: it is for rows whose access the caller
has already decided (``core.access.get_for``, ``decided``), or it carries the rule's compiled
test as a parameterised condition: a :class:`Condition`, given when the read runs as SQL and
its parameters (``core.access.condition_for``), in its ``WHERE`` or as a column. Its ``build``
must depend on the code alone — no settings, no principal, no clock — since its SQL is kept
for the life of the process.

::

    OBLIGATIONS = Prepared(
        lambda: Obligation.objects.filter(case_id=Param("case")).values("id", "clause")
    )
    rows = OBLIGATIONS.rows(case=case.pk)
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Final

import psycopg
import psycopg.sql
from django.db import connections, router
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import BooleanField, Expression, Model, QuerySet
from django.db.models.base import ModelState
from django.db.models.fields.related_descriptors import ForeignKeyDeferredAttribute
from django.db.models.signals import post_init, pre_init
from django.db.models.sql.compiler import SQLCompiler

from defector.core.cursors import cursor as cursor


@dataclass(frozen=True, slots=True)
class _Slot:
    """Where a :class:`Param`'s value goes among the compiled SQL's parameters."""

    name: str


class Param(Expression):
    """A value given when a :class:`Prepared` read runs: ``Param("case")``, filled by
    ``rows(case=…)``. Compiled as one placeholder; a list (``__in``) is not supported."""

    def __init__(self, name: str, output_field: Any = None) -> None:
        super().__init__(output_field=output_field)
        self.name = name

    def as_sql(self, compiler: Any, connection: Any) -> tuple[str, list[Any]]:
        return "%s", [_Slot(self.name)]

    def __repr__(self) -> str:
        return f"Param({self.name!r})"


@dataclass(frozen=True, slots=True)
class _Piece:
    """Where a :class:`Condition`'s parameters go among the compiled SQL's parameters."""

    name: str

    @property
    def marker(self) -> str:
        return _marker(self.name)


def _marker(name: str) -> str:
    # Not SQL: left in place, the read fails to run rather than run another condition.
    return f"<<prepared condition {name}>>"


class Condition(Expression):
    """A condition given when a :class:`Prepared` read runs, as ``(sql, params)``: in a
    ``filter`` (the rows for which it holds) or as a value (whether it holds for each row):
    ``Condition("view")``, filled by ``rows(view=("EXISTS (…)", [7]))``. Its SQL is put in
    place of a marker, in parentheses, and its parameters where the marker stands among the
    compiled ones; it may name columns of the read's tables as the read's SQL names them."""

    conditional = True

    def __init__(self, name: str) -> None:
        super().__init__(output_field=BooleanField())
        self.name = name

    def as_sql(self, compiler: Any, connection: Any) -> tuple[str, list[Any]]:
        return _marker(self.name), [_Piece(self.name)]

    def __repr__(self) -> str:
        return f"Condition({self.name!r})"


#: A :class:`Condition` that never holds.
NEVER: Final[tuple[str, tuple[Any, ...]]] = ("1 = 0", ())
#: A :class:`Condition` that always holds.
ALWAYS: Final[tuple[str, tuple[Any, ...]]] = ("1 = 1", ())


@dataclass(frozen=True, slots=True)
class _Compiled:
    sql: str
    params: tuple[Any, ...]
    names: tuple[str, ...]
    #: (column position, converters, expression) as Django's compiler gives them
    #: (``get_converters``), and whether the converters give ``None`` for ``None`` (then a
    #: column's ``None`` is not converted: a left join that found no row, a time not set).
    converters: tuple[tuple[int, tuple[Callable[..., Any], ...], Any, bool], ...]
    slots: frozenset[str]
    pieces: frozenset[str]


class Prepared:
    """A ``.values()`` queryset, built by ``build`` on first use and compiled once for each
    database connection; :meth:`rows` runs it with its :class:`Param` values."""

    def __init__(self, build: Callable[[], QuerySet[Any]]) -> None:
        self._build = build
        self._local = threading.local()

    def _compiled(self, alias: str) -> _Compiled:
        # Per thread and database: the converters are the connection's own methods.
        cache: dict[str, _Compiled] = self._local.__dict__.setdefault("compiled", {})
        compiled = cache.get(alias)
        if compiled is None:
            compiled = cache[alias] = _compile(self._build().using(alias))
        return compiled

    def rows(self, *, using: str | None = None, **values: Any) -> list[dict[str, Any]]:
        """The rows for ``values`` (one for each :class:`Param` and :class:`Condition`), as
        dictionaries."""
        return self._rows(using, None, values)

    def slice(
        self, start: int, stop: int, *, using: str | None = None, **values: Any
    ) -> list[dict[str, Any]]:
        """The rows ``start`` to ``stop`` (as ``queryset[start:stop]``) for ``values``: the
        compiled SQL with ``LIMIT`` and ``OFFSET`` given as parameters (the queryset itself
        is not sliced)."""
        if not 0 <= start <= stop:
            raise ValueError("a slice of a prepared read runs from start to a stop after it")
        return self._rows(using, (start, stop), values)

    def _rows(
        self, using: str | None, window: tuple[int, int] | None, values: dict[str, Any]
    ) -> list[dict[str, Any]]:
        alias = using if using is not None else router.db_for_read(self._model())
        compiled = self._compiled(alias)
        if set(values) != compiled.slots | compiled.pieces:
            needed = sorted(compiled.slots | compiled.pieces)
            raise TypeError(f"a prepared read needs exactly {needed}, got {sorted(values)}")
        sql = compiled.sql
        params: list[Any] = []
        for p in compiled.params:
            if isinstance(p, _Slot):
                params.append(values[p.name])
            elif isinstance(p, _Piece):
                condition, condition_params = values[p.name]
                sql = sql.replace(p.marker, f"({condition})", 1)
                params.extend(condition_params)
            else:
                params.append(p)
        connection = connections[alias]
        if window is None:
            pass
        elif connection.vendor == "postgresql":  # in place: the plan kept knows the page
            sql = f"{sql} LIMIT {int(window[1] - window[0])} OFFSET {int(window[0])}"
        else:  # LIMIT and OFFSET as parameters: one SQL for every page
            sql = f"{sql} LIMIT %s OFFSET %s"
            params += [window[1] - window[0], window[0]]
        with cursor(connection) as running:
            running.execute(sql, params)
            fetched = running.fetchall()
        names = compiled.names
        result = []
        for fetched_row in fetched:
            row = list(fetched_row)
            for position, converters, expression, keeps_none in compiled.converters:
                value = row[position]
                if value is None and keeps_none:
                    continue
                for converter in converters:
                    value = converter(value, expression, connection)
                row[position] = value
            result.append(dict(zip(names, row, strict=True)))
        return result

    def one(self, *, using: str | None = None, **values: Any) -> dict[str, Any] | None:
        """The first row for ``values``, or ``None``."""
        found = self.rows(using=using, **values)
        return found[0] if found else None

    def _model(self) -> Any:
        model = self._local.__dict__.get("model")
        if model is None:
            model = self._local.model = self._build().model
        return model


def columns(model: type[Model], path: str = "") -> list[str]:
    """The columns of ``model``'s concrete fields, for a prepared ``.values()`` read (under
    ``path``): what :func:`instance` makes an instance of."""
    return [f"{path}{field.attname}" for field in model._meta.concrete_fields]


def instance(model: type[Model], row: dict[str, Any], path: str, alias: str) -> Any:
    """The instance of ``model`` whose columns (:func:`columns`) ``row`` holds under ``path``,
    as ``select_related`` leaves it; ``None`` when there is none (its key is empty: a left
    join found no row).

    Made as ``Model.from_db`` makes it (``__init__`` with every field's value, then its state
    as loaded from ``alias``), but with the values put in place at once where that is all
    ``__init__`` would do with them: a model whose ``from_db`` and ``__init__`` are Django's,
    no field of which has an attribute that does more when set than keep the value (a
    foreign key's, which forgets a related object the new instance has not got, does no
    more), and for which no ``pre_init`` or ``post_init`` receiver listens (else the model's
    own ``from_db``)."""
    shape = _shapes.get((model, path))
    if shape is None:
        shape = _shapes[(model, path)] = _shape_of(model, path)
    if row[shape.key] is None:
        return None
    if not shape.direct or pre_init.has_listeners(model) or post_init.has_listeners(model):
        return model.from_db(alias, shape.names, [row[key] for key in shape.keys])
    made = model.__new__(model)
    state = made._state = ModelState()
    state.adding = False
    state.db = alias
    values = made.__dict__
    for name, key in zip(shape.names, shape.keys, strict=True):
        values[name] = row[key]
    return made


@dataclass(frozen=True, slots=True)
class _Shape:
    """How :func:`instance` makes an instance of a model from columns under a path."""

    #: The concrete fields' attribute names, in order; their columns' names under the path.
    names: tuple[str, ...]
    keys: tuple[str, ...]
    #: The column of the primary key.
    key: str
    #: Whether the values may be put in the instance's ``__dict__`` as they are.
    direct: bool


_shapes: dict[tuple[type[Model], str], _Shape] = {}


def _shape_of(model: type[Model], path: str) -> _Shape:
    names = tuple(field.attname for field in model._meta.concrete_fields)
    plain = (
        getattr(model.from_db, "__func__", None) is getattr(Model.from_db, "__func__", None)
        and model.__init__ is Model.__init__
        and all(_keeps_what_is_set(model, name) for name in names)
    )
    return _Shape(
        names=names,
        keys=tuple(f"{path}{name}" for name in names),
        key=f"{path}{model._meta.pk.attname}",
        direct=plain,
    )


def _keeps_what_is_set(model: type[Model], name: str) -> bool:
    """Whether setting ``name`` on a new instance of ``model`` only puts the value in its
    ``__dict__``."""
    for klass in model.__mro__:
        if name in klass.__dict__:
            attribute = klass.__dict__[name]
            return type(attribute) is ForeignKeyDeferredAttribute or not hasattr(
                type(attribute), "__set__"
            )
    return True


#: A placeholder of Django's SQL, or an escaped percent sign.
_PLACEHOLDER: Final = re.compile(r"%[s%]")


def inlined(
    sql: str, params: tuple[Any, ...], connection: BaseDatabaseWrapper
) -> tuple[str, tuple[Any, ...]]:
    """On PostgreSQL, ``sql`` with each value the build fixed (not a :class:`Param`'s, not a
    :class:`Condition`'s) written in place as the literal client-side binding sends, so that
    the server plans a prepared read knowing them, as it plans a read sent with every value
    in place (a generic plan, kept for the connection, is then as good as one made for the
    run); only a run's values stay parameters. Also for SQL a caller built with plain values:
    on PostgreSQL all are written in, and none is left."""
    if connection.vendor != "postgresql":
        return sql, params
    connection.ensure_connection()
    raw = connection.connection

    def literal(value: Any) -> str:
        return str(psycopg.sql.Literal(value).as_string(raw)).replace("%", "%%")

    return _write_in(sql, params, literal)


def _sqlite_literal(value: Any) -> str | None:
    """``value`` as an SQLite literal of the same type as the value bound (text, integer),
    ready to be put in Django's SQL (its percent signs doubled); ``None`` for a value of any
    other kind, which stays a parameter."""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, int):
        return str(int(value))
    if isinstance(value, str) and "\x00" not in value:
        return "'" + value.replace("'", "''").replace("%", "%%") + "'"
    return None


def _written_in(sql: str, params: tuple[Any, ...]) -> tuple[str, tuple[Any, ...]]:
    """On SQLite, ``sql`` with each text and integer the build fixed (not a :class:`Param`'s,
    not a :class:`Condition`'s) written in place as a literal. SQLite plans a statement again
    on every run when a bound value may decide whether a partial index serves it (``status
    = 'open'``): bound, the case page's read of its case was planned anew on each of its runs
    (0.4 ms, against 0.16 ms with its values written in); only a run's values stay
    parameters."""
    return _write_in(sql, params, _sqlite_literal)


def _write_in(
    sql: str, params: tuple[Any, ...], literal: Callable[[Any], str | None]
) -> tuple[str, tuple[Any, ...]]:
    """``sql`` with each fixed value (not a :class:`_Slot`) written in as ``literal`` makes it
    (``None``: it stays a parameter); the :class:`_Piece` markers, which stand in the SQL
    without a placeholder, stay among the parameters in their order."""
    kept: list[Any] = []
    pending = iter(params)
    pieces: list[str] = []
    last = 0
    for found in _PLACEHOLDER.finditer(sql):
        if found.group() == "%%":
            continue
        value = next(pending)
        while isinstance(value, _Piece):  # no placeholder: its marker stands in the SQL
            kept.append(value)
            value = next(pending)
        written = None if isinstance(value, _Slot) else literal(value)
        pieces.append(sql[last : found.start()])
        last = found.end()
        if written is None:
            pieces.append("%s")
            kept.append(value)
        else:
            pieces.append(written)
    kept.extend(pending)  # the conditions after the last placeholder
    pieces.append(sql[last:])
    return "".join(pieces), tuple(kept)


def _keeps_none(
    functions: list[Callable[..., Any]], expression: Any, connection: BaseDatabaseWrapper
) -> bool:
    """Whether a column's converters turn ``None`` into ``None`` (Django's do, for a
    nullable column: it need not call them for each ``None`` read)."""
    value = None
    try:
        for function in functions:
            value = function(value, expression, connection)
    except Exception:  # then they are called for every value, as Django does
        return False
    return value is None


def _compile(queryset: QuerySet[Any]) -> _Compiled:
    query = queryset.query
    if not (query.values_select or query.annotation_select) or queryset._fields is None:  # type: ignore[attr-defined]
        raise TypeError("a prepared read is a .values() queryset")
    if queryset._prefetch_related_lookups:  # type: ignore[attr-defined]
        raise TypeError("a prepared read cannot prefetch; read the related rows in another")
    compiler: SQLCompiler = query.get_compiler(queryset.db)
    sql, compiled_params = compiler.as_sql()
    # Values, a _Slot per Param and a _Piece per Condition.
    connection = connections[queryset.db]
    if connection.vendor == "sqlite":
        sql, params = _written_in(sql, tuple(compiled_params))
    else:
        sql, params = inlined(sql, tuple(compiled_params), connection)
    # The columns' names in the order of the SQL (``values("a", "annotated", "b")`` keeps
    # its order there): each column of a ``.values()`` read is selected under its name.
    selected = compiler.select[: compiler.col_count]
    names = tuple(alias for _, _, alias in selected)
    if not all(names):
        raise TypeError("a prepared read selects each of its columns under a name")
    fields = [column[0] for column in selected]
    converters = tuple(
        (position, tuple(functions), expression, _keeps_none(functions, expression, connection))
        for position, (functions, expression) in compiler.get_converters(fields).items()
    )
    slots = frozenset(p.name for p in params if isinstance(p, _Slot))
    pieces = [p.name for p in params if isinstance(p, _Piece)]
    if len(set(pieces)) != len(pieces) or any(sql.count(_marker(n)) != 1 for n in pieces):
        raise TypeError("a prepared read's conditions are each used once")
    return _Compiled(
        sql=sql,
        params=params,
        names=names,
        converters=converters,
        slots=slots,
        pieces=frozenset(pieces),
    )
