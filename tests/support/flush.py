"""The flush between transactional tests, on PostgreSQL: ``DELETE`` the rows of the tables that
have any, instead of one ``TRUNCATE`` of every table.

A test marked ``django_db(transaction=True)`` (the browser tests, the live servers, the
concurrent writers …) commits for real, and Django empties the database after it with its
``flush`` command: on PostgreSQL one ``TRUNCATE`` of all of the project's ~100 tables, which
gives each table and index a new file (~600 of them) — 3–4 s a test on this 2-core machine
when it is busy, nearly all of it for tables the test never wrote. Django's flush on SQLite
already deletes the rows (``DELETE FROM`` each table), and so does this one on PostgreSQL, of
the tables that hold any (found in one query), when they hold at most ``MOST_ROWS`` rows in all
(more, and Django's ``TRUNCATE`` is the quicker: a test that loaded the demo); the tables whose
rows a trigger forbids deleting (the audit log's, append-only: ``core`` migration 0003, which
leaves ``TRUNCATE`` to test databases) are truncated, as before. The end is the same as
before: every table empty, the sequences where they were (Django's flush does not reset them
either, unless asked: ``reset_sequences``, which keeps Django's own ``TRUNCATE … RESTART
IDENTITY``). The foreign keys are deferred to the flush's commit, when every row is gone.

Installed by ``tests/conftest.py`` for the test processes only: the servers and workers that
tests start in processes of their own, and ``defector`` itself, are untouched.
"""

from __future__ import annotations

from typing import Any

from django.db.backends.postgresql.operations import DatabaseOperations

#: The tables with a trigger ``BEFORE DELETE`` of the project's (not a foreign key's).
GUARDED = """
SELECT DISTINCT c.relname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid
WHERE NOT t.tgisinternal AND (t.tgtype & 8) <> 0 AND c.relname = ANY(%s)
"""

#: Past this many rows in all, deleting them costs more than truncating every table (each
#: deleted row of a referenced table is checked against its foreign keys at the commit): a
#: test that loaded the demo (the browser's crawl, axe) is flushed with Django's ``TRUNCATE``.
MOST_ROWS = 1000

_django_sql_flush = DatabaseOperations.sql_flush


def sql_flush(
    self: DatabaseOperations,
    style: Any,
    tables: list[str],
    *,
    reset_sequences: bool = False,
    allow_cascade: bool = False,
) -> list[str]:
    """``DELETE FROM`` each of ``tables`` that has a row (``TRUNCATE`` for those a trigger
    guards), in place of Django's ``TRUNCATE`` of them all."""
    if not tables or reset_sequences:
        return _django_sql_flush(
            self, style, tables, reset_sequences=reset_sequences, allow_cascade=allow_cascade
        )
    quote, limit = self.quote_name, MOST_ROWS + 1
    probe = " UNION ALL ".join(
        f"SELECT %s, (SELECT count(*) FROM (SELECT FROM {quote(table)} LIMIT {limit}) r)"  # noqa: S608
        for table in tables
    )
    with self.connection.cursor() as cursor:
        cursor.execute(probe, list(tables))
        counted = [(table, rows) for table, rows in cursor.fetchall() if rows]
        if not counted:
            return []
        if sum(rows for _, rows in counted) > MOST_ROWS:
            return _django_sql_flush(self, style, tables, allow_cascade=allow_cascade)
        filled = [table for table, _ in counted]
        cursor.execute(GUARDED, [filled])
        guarded = {row[0] for row in cursor.fetchall()}
    statements = []
    if guarded:
        names = ", ".join(quote(table) for table in filled if table in guarded)
        statements.append(f"TRUNCATE {names}{' CASCADE' if allow_cascade else ''};")
    statements += [
        f"DELETE FROM {quote(table)};"  # noqa: S608
        for table in filled
        if table not in guarded
    ]
    return statements


def install() -> None:
    """Flush PostgreSQL test databases this way in this process."""
    DatabaseOperations.sql_flush = sql_flush  # type: ignore[method-assign]
