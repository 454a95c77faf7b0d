"""PostgreSQL specifics, loaded only when a database is PostgreSQL (``CoreConfig.ready``)."""

import datetime as dt
from typing import Any

import psycopg
from psycopg.types.datetime import DatetimeBinaryDumper, DatetimeDumper


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
