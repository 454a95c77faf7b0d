"""The test kit's flush on PostgreSQL (``tests/support/flush.py``): after a transactional test,
the rows there are are deleted (the audit log's truncated: its trigger refuses ``DELETE``), the
untouched tables are left alone, and every table ends empty, as with Django's ``TRUNCATE``
(which is kept past ``MOST_ROWS`` rows, and when the sequences are reset)."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.core.management.color import no_style
from django.db import connection, transaction

from defector.core import audit
from defector.directory.models import Post
from support import flush

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="Django's flush on SQLite deletes already"
    ),
]


def tables() -> list[str]:
    return connection.introspection.django_table_names(only_existing=True, include_views=False)


def rows_left() -> dict[str, int]:
    counts = {}
    with connection.cursor() as cursor:
        for table in tables():
            cursor.execute(f"SELECT count(*) FROM {connection.ops.quote_name(table)}")  # noqa: S608
            (count,) = cursor.fetchone()
            if count:
                counts[table] = count
    return counts


def test_the_flush_deletes_the_filled_tables_truncates_the_audit_log_and_leaves_all_empty() -> None:
    with transaction.atomic():
        post = Post.objects.create(code="VIENNA", name="Embassy Vienna", country="AT", city="X")
        audit.record(actor=None, action="test.flush", obj=post)
    statements = flush.sql_flush(connection.ops, no_style(), tables())
    assert 'DELETE FROM "directory_post";' in statements
    assert 'TRUNCATE "core_auditevent";' in statements
    assert not [sql for sql in statements if "cases_case" in sql]  # never written: left alone
    assert all(sql.startswith(("DELETE FROM", "TRUNCATE")) for sql in statements)
    call_command("flush", verbosity=0, interactive=False, reset_sequences=False)
    assert set(rows_left()) <= {"django_content_type", "auth_permission"}  # made again after


def test_a_flush_that_resets_the_sequences_is_django_s_own() -> None:
    statements = flush.sql_flush(connection.ops, no_style(), tables(), reset_sequences=True)
    assert len(statements) == 1
    assert statements[0].startswith("TRUNCATE ")
    assert statements[0].endswith(" RESTART IDENTITY;")


def test_past_most_rows_the_flush_is_django_s_truncate_of_every_table(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    with transaction.atomic():
        Post.objects.create(code="VIENNA", name="Embassy Vienna", country="AT", city="X")
    monkeypatch.setattr(flush, "MOST_ROWS", 1)
    (statement,) = flush.sql_flush(connection.ops, no_style(), tables())
    assert statement.startswith("TRUNCATE ")
    assert '"cases_case"' in statement
