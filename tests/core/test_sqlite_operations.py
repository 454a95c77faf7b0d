"""The SQLite backend's conversion of a read's date-times (``core.sqlite.operations``): the
values Django's own conversion gives, under ``USE_TZ`` and without it."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.db.backends.sqlite3.operations import DatabaseOperations as DjangoOperations
from django.test import override_settings

from defector.core.sqlite.operations import DatabaseOperations

pytestmark = pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's backend")

VALUES: list[Any] = [
    None,
    dt.datetime(2026, 12, 7, 18, 5, 16, 123456, tzinfo=dt.UTC).replace(tzinfo=None),  # as read
    dt.datetime(2026, 12, 7, 18, 5, 16, tzinfo=dt.UTC),
    dt.datetime(2026, 12, 7, 18, 5, 16, tzinfo=dt.timezone(dt.timedelta(hours=-5))),
    "2026-12-07 18:05:16.123456",
    "2026-12-07T18:05:16+02:00",
]


def both(value: Any) -> tuple[Any, Any]:
    ours = connection.ops.convert_datetimefield_value(value, None, connection)
    django = DjangoOperations.convert_datetimefield_value(connection.ops, value, None, connection)
    return ours, django


def test_the_sqlite_backend_uses_its_own_operations() -> None:
    assert isinstance(connection.ops, DatabaseOperations)


@pytest.mark.parametrize("value", VALUES)
def test_a_date_time_is_converted_as_django_converts_it(value: Any) -> None:
    ours, django = both(value)
    assert ours == django
    assert getattr(ours, "tzinfo", None) == getattr(django, "tzinfo", None)


@pytest.mark.parametrize("value", VALUES)
def test_without_time_zones_a_date_time_is_converted_as_django_converts_it(value: Any) -> None:
    with override_settings(USE_TZ=False):  # the connection's time zone is forgotten: None
        assert connection.timezone is None
        ours, django = both(value)
    assert ours == django
    assert getattr(ours, "tzinfo", None) == getattr(django, "tzinfo", None)


@pytest.mark.django_db
def test_a_read_gives_aware_times_and_naive_ones_without_time_zones() -> None:
    at = dt.datetime(2026, 12, 7, 18, 5, 16, 123456, tzinfo=dt.UTC)
    user = User.objects.create(username="timed", date_joined=at)
    read = User.objects.filter(pk=user.pk).values_list("date_joined", flat=True)
    assert list(read) == [at]
    assert read[0].tzinfo is dt.UTC
    with override_settings(USE_TZ=False):
        naive = list(User.objects.filter(pk=user.pk).values_list("date_joined", flat=True))
    assert naive == [at.replace(tzinfo=None)]
    assert list(read.all()) == [at]  # the connection's time zone made again after
