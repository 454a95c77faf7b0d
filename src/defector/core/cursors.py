"""The cursors of a prepared read (``core.prepared``), and of any SQL its caller built once and
runs many times: Django's cursor wrapper (its logging and errors, as for every query) around
a driver's cursor that does once what Django's would do on every run.

- On PostgreSQL, psycopg's cursor running each statement as a server-side prepared statement
  of the connection (:class:`_PreparingCursor`): the server parses and plans it once per
  connection; its placeholders (``%s``) converted to PostgreSQL's (``$1``) once per process
  for each SQL text (:class:`_KeptQuery`: psycopg keeps only the conversions of texts under
  4 KB, and a case page's read of its case is 6 KB).
- On SQLite, Django's cursor converting ``%s`` to ``?`` once per process for each SQL text
  (:class:`_ConvertingCursor`).

Either is made in place of the driver's cursor Django would make, not after it.
"""

from __future__ import annotations

from typing import Any, Final, cast

import psycopg
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.backends.sqlite3.base import SQLiteCursorWrapper
from django.db.backends.utils import CursorWrapper
from django.utils.asyncio import async_unsafe
from psycopg._queries import PostgresQuery, _query2pg_nocache
from psycopg.abc import Loader
from psycopg.pq import Format

#: How many SQL texts each of :class:`_KeptQuery` and :class:`_ConvertingCursor` keeps
#: converted (each a prepared read's SQL with its conditions in place: a few for each read
#: and shape of principal), then forgets all at once.
CONVERTED_KEPT: Final = 1024
_converted: dict[str, str] = {}
_pg_converted: dict[tuple[str, str], Any] = {}


class _KeptQuery(PostgresQuery):
    """psycopg's conversion of a query and its parameters, the query's part (its placeholders
    made PostgreSQL's, the parameters' formats and order) kept per SQL text and encoding
    whatever the text's length: the same work, done once."""

    __slots__ = ()

    def convert(self, query: Any, vars: Any) -> None:
        if type(query) is not str or vars is None:
            super().convert(query, vars)
            return
        encoding = self._tx.encoding
        key = (query, encoding)
        found = _pg_converted.get(key)
        if found is None:
            found = _query2pg_nocache(query.encode(encoding), encoding)
            if len(_pg_converted) >= CONVERTED_KEPT:
                _pg_converted.clear()
            _pg_converted[key] = found
        self.query, self._want_formats, self._order, self._parts = found
        self.dump(vars)


class _PreparingCursor(psycopg.Cursor[Any]):
    """psycopg's cursor that binds its parameters on the server and runs each statement as a
    prepared statement of the connection (prepared on its first run, kept by psycopg, which
    deallocates what it evicts and forgets them all on a rollback).

    Its times are read by psycopg's own loader (compiled, when psycopg's C implementation is
    installed), not Django's (``BaseTzLoader``: psycopg's pure-Python loader, then the time
    zone put in place), where the two give the same value: the connection's session time zone
    is the one Django reads times in (:func:`_psycopg_reads_as_django`)."""

    _query_cls = _KeptQuery

    def __init__(
        self,
        connection: psycopg.Connection[Any],
        *,
        psycopg_times: bool,
        spare: list[_PreparingCursor] | None = None,
    ) -> None:
        super().__init__(connection)
        if psycopg_times:
            self.adapters.register_loader(_TIMESTAMPTZ, _PSYCOPG_TIMESTAMPTZ)
        self._spare = spare

    def close(self) -> None:
        """Closed, it is kept among its connection's spare cursors (:func:`_spares`), its
        results dropped, for the next :func:`cursor` to use again; past
        :data:`SPARE_CURSORS`, closed."""
        spare = self._spare
        if spare is None or self.closed or len(spare) >= SPARE_CURSORS:
            super().close()
            return
        self._reset()
        spare.append(self)

    def execute(
        self, query: Any, params: Any = None, *, prepare: bool | None = None, **kwargs: Any
    ) -> Any:
        result = super().execute(query, params, prepare=True, **kwargs)
        # psycopg keeps no text of a statement it ran prepared; Django's query log reads it
        # here (``last_executed_query``: ``cursor._query.query``).
        self._query = _Sent(self.connection, query, params)  # type: ignore[assignment]
        return result


class _Sent:
    """What Django's query log (``connection.queries``, ``CaptureQueriesContext``) reads of a
    statement run prepared: its SQL with its values written in, as client-side binding sends
    it — composed only when read, so a read that nobody logs costs nothing more."""

    __slots__ = ("_connection", "_params", "_query")

    def __init__(self, connection: psycopg.Connection[Any], query: Any, params: Any) -> None:
        self._connection, self._query, self._params = connection, query, params

    @property
    def query(self) -> bytes:
        composed = psycopg.ClientCursor(self._connection).mogrify(self._query, self._params)
        return composed.encode()


#: The threshold set on a PostgreSQL connection that has none (Django's default: nothing is
#: prepared), so that psycopg prepares what a :class:`_PreparingCursor` asks it to — and,
#: since Django's own cursors bind on the client and never prepare, nothing else.
_ONLY_WHEN_ASKED: Final = 2**62
_TIMESTAMPTZ: Final = psycopg.adapters.types["timestamptz"].oid
#: psycopg's own loader of a ``timestamptz`` in text (its C one, when installed).
_PSYCOPG_TIMESTAMPTZ: Final = cast(
    "type[Loader]", psycopg.adapters.get_loader(_TIMESTAMPTZ, Format.TEXT)
)


def _psycopg_reads_as_django(connection: BaseDatabaseWrapper, raw: Any) -> bool:
    """Whether psycopg's own loader reads a ``timestamptz`` as Django's does on ``connection``:
    psycopg's gives the time in the session's time zone (``TimeZone``), Django's in
    ``connection.timezone`` (the same instant, that zone put in place): the same value, the
    same ``tzinfo`` object, when the session's zone is the one psycopg maps to Django's (UTC:
    ``datetime.timezone.utc`` for both, as Django sets it with ``USE_TZ``)."""
    return raw.info.timezone is connection.timezone


class _ConvertingCursor(SQLiteCursorWrapper):
    """Django's SQLite cursor, converting each SQL text it is given from Django's
    placeholders (``%s``) to SQLite's (``?``) once per process, not on every run: the
    conversion is a regular expression over the whole text (0.1–0.25 ms for a case page's
    read of its case, more than SQLite takes to run it)."""

    def convert_query(self, query: str, *, param_names: Any = None) -> str:
        if param_names is not None:
            return str(super().convert_query(query, param_names=param_names))  # type: ignore[misc]
        converted = _converted.get(query)
        if converted is None:
            converted = str(super().convert_query(query))  # type: ignore[misc]
            if len(_converted) >= CONVERTED_KEPT:
                _converted.clear()
            _converted[query] = converted
        return converted


@async_unsafe
def cursor(connection: BaseDatabaseWrapper) -> CursorWrapper:
    """A cursor for a prepared read, or for SQL its caller built once and runs many times:
    Django's (its wrappers, logging and errors as for every query), on PostgreSQL with
    psycopg's server-side prepared statement underneath, so that the server parses and plans
    the SQL once per connection, not on every run; on SQLite with its SQL converted to
    SQLite's placeholders once per process (:class:`_ConvertingCursor`). Every value the
    caller writes into the SQL itself must be a literal the caller made safe; the run's own
    values are parameters.

    Made as ``connection.cursor()`` makes Django's (the connection checked and opened, the
    driver's cursor wrapped for the query log when it is kept), with this driver's cursor in
    place of the one Django would make."""
    if connection.vendor not in ("sqlite", "postgresql"):
        return connection.cursor()
    connection.close_if_health_check_failed()
    connection.ensure_connection()
    raw = connection.connection
    if connection.vendor == "sqlite":
        with connection.wrap_database_errors:
            made: CursorWrapper = connection._prepare_cursor(  # type: ignore[attr-defined]
                raw.cursor(factory=_ConvertingCursor)
            )
        return made
    # Django's cursor reads timestamps in a time zone of its own when the connection's is
    # not the settings' (``create_cursor``): that one is kept, unprepared.
    if connection.timezone != raw.adapters.get_loader(_TIMESTAMPTZ, Format.TEXT).timezone:
        return connection.cursor()
    if raw.prepare_threshold is None:
        raw.prepare_threshold = _ONLY_WHEN_ASKED
    psycopg_times = _psycopg_reads_as_django(connection, raw)
    spare = _spares(raw, psycopg_times)
    with connection.wrap_database_errors:
        made = connection._prepare_cursor(  # type: ignore[attr-defined]
            spare.pop()
            if spare
            else _PreparingCursor(raw, psycopg_times=psycopg_times, spare=spare)
        )
    return made


#: The most closed cursors kept for use again, per connection and kind of times' loader.
SPARE_CURSORS: Final = 4
#: Where a connection keeps its spare cursors (on the driver's connection: they go with it).
_SPARES: Final = "_defector_spare_cursors"


def _spares(raw: psycopg.Connection[Any], psycopg_times: bool) -> list[_PreparingCursor]:
    """The cursors of ``raw`` closed and kept (:meth:`_PreparingCursor.close`), whose times
    are read by psycopg's loader or not: a cursor is made once and used for one statement
    after another (psycopg's cursor keeps no state of a statement past the results it holds,
    which its closing drops), not made for each. A cursor still open (a caller reading its
    rows) is not among them: one taken meanwhile is another."""
    kept: tuple[list[_PreparingCursor], list[_PreparingCursor]] | None = raw.__dict__.get(_SPARES)
    if kept is None:
        kept = raw.__dict__[_SPARES] = ([], [])
    return kept[psycopg_times]
