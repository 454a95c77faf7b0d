"""The stored chain read through PostgreSQL's driver alone (``core.postgres.postgres_source``),
as ``defector audit verify`` from the shell reads it: the same report as through Django's
connection, in two processes, every fault still named. (SQLite's: ``test_audit_split``.)"""

from __future__ import annotations

import pytest
from django.db import connection, transaction

from defector.core import audit, postgres, rows
from support.postgres import settle_deferred_checks

pytestmark = pytest.mark.django_db(transaction=True)


def report(source: object = None) -> list[object]:
    found = rows.verify_chain(
        public_keys={}, processes=2, split_from=10, batch_size=4, source=source
    )
    faults = [(fault.seq, fault.kind) for fault in found.report.faults]
    return [found.processes, found.report.events, faults]


def test_postgresql_read_with_psycopg_alone_gives_the_report_django_gives() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL's driver; SQLite's is in test_audit_split")
    for number in range(24):
        with transaction.atomic():
            audit.record(actor=None, action="test.thing.touch", object_id=number)
    source = postgres.postgres_source(connection.settings_dict)
    assert source is not None
    try:
        assert source.raw.read_only
        assert report(source) == report() == [2, 24, []]
    finally:
        source.raw.close()
    with connection.cursor() as cursor:
        settle_deferred_checks(cursor)
        cursor.execute("ALTER TABLE core_auditevent DISABLE TRIGGER USER")
        cursor.execute(
            "UPDATE core_auditevent SET body = body || '\\x20'::bytea WHERE seq = %s", [20]
        )
        cursor.execute("ALTER TABLE core_auditevent ENABLE TRIGGER USER")
    source = postgres.postgres_source(connection.settings_dict)
    assert source is not None
    try:
        assert report(source) == report() == [1, 24, [(20, "altered")]]
    finally:
        source.raw.close()
