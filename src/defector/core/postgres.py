"""PostgreSQL specifics, loaded only when a database is PostgreSQL (``CoreConfig.ready``, and
``defector.cli`` for ``defector audit verify``)."""

import datetime as dt
import functools
from collections.abc import Mapping
from typing import Any, Final

import psycopg
from psycopg.types.datetime import DatetimeBinaryDumper, DatetimeDumper

from defector.core.sources import Source

#: The engine :func:`postgres_source` opens.
ENGINE: Final = "django.db.backends.postgresql"
#: Keys of a database's ``OPTIONS`` that are Django's own, not the driver's.
_DJANGO_OPTIONS: Final = frozenset(
    {"isolation_level", "server_side_binding", "assume_role", "pool"}
)


def register_utc_datetime_dumpers() -> None:
    """Send every aware datetime to PostgreSQL in UTC.

    PostgreSQL accepts UTC offsets up to ±15:59, while ISO 8601 input may carry any offset up
    to ±23:59; converting first stores the same instant and never fails on the offset.
    """

    class UtcDatetimeDumper(DatetimeDumper):
        def dump(self, obj: Any) -> Any:
            return super().dump(_utc(obj))

    class UtcDatetimeBinaryDumper(DatetimeBinaryDumper):
        def dump(self, obj: Any) -> Any:
            return super().dump(_utc(obj))

    psycopg.adapters.register_dumper(dt.datetime, UtcDatetimeDumper)
    psycopg.adapters.register_dumper(dt.datetime, UtcDatetimeBinaryDumper)


def _utc(moment: dt.datetime) -> dt.datetime:
    if moment.tzinfo is None:
        return moment
    try:
        return moment.astimezone(dt.UTC)
    except OverflowError:  # an instant outside the years 1-9999 once in UTC
        return moment


def postgres_source(database: Mapping[str, Any]) -> Source | None:
    """A PostgreSQL database (``DATABASES["default"]``) opened with psycopg alone, as Django
    would connect to it, in a read-only REPEATABLE READ transaction (one snapshot for every
    query of the verification); None when it is not PostgreSQL."""
    if database.get("ENGINE") != ENGINE:
        return None
    params: dict[str, Any] = {
        "dbname": database.get("NAME") or "postgres",
        "user": database.get("USER"),
        "password": database.get("PASSWORD"),
        "host": database.get("HOST"),
        "port": database.get("PORT"),
        "client_encoding": "UTF8",
    }
    params = {key: value for key, value in params.items() if value}
    options = database.get("OPTIONS") or {}
    params.update({key: value for key, value in options.items() if key not in _DJANGO_OPTIONS})
    opener = functools.partial(psycopg.connect, **params)
    raw = opener()
    raw.isolation_level = psycopg.IsolationLevel.REPEATABLE_READ
    raw.read_only = True
    return Source("postgresql", raw, opener)
