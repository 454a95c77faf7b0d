"""Django's SQLite operations, with a cheaper conversion of a read's date-times.

A date-time column is read by the driver as a naive ``datetime`` (Django registers SQLite's
converters), then given its time zone by the backend's converter for each value of each row
(``convert_datetimefield_value``: about thirty a case page). Django's reads
``settings.USE_TZ`` through the lazy settings object on every value, and tests awareness
twice (``is_aware``, then ``make_aware``). Here the converter reads the connection's own time
zone (``DatabaseWrapper.timezone``: ``None`` when ``USE_TZ`` is off, made once per connection
and forgotten by Django whenever ``USE_TZ`` or ``TIME_ZONE`` changes), and gives each value
the same result as Django's.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.backends.sqlite3 import operations as sqlite3_operations
from django.utils.dateparse import parse_datetime


class DatabaseOperations(sqlite3_operations.DatabaseOperations):
    """Django's SQLite operations; a read's date-times converted as Django converts them."""

    def convert_datetimefield_value(self, value: Any, expression: Any, connection: Any) -> Any:
        """Django's conversion (a text parsed; a naive time, under ``USE_TZ``, made aware in
        the connection's time zone), without a read of the settings for each value."""
        if value is not None:
            if not isinstance(value, dt.datetime):
                value = parse_datetime(value)
            zone = self.connection.timezone  # None when USE_TZ is off
            if zone is not None and value.utcoffset() is None:
                value = value.replace(tzinfo=zone)
        return value
