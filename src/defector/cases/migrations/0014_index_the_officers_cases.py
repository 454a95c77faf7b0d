"""The cases of an official, from the officers' link table's index alone.

A case officer sees the cases they are assigned to (``cases.access``): every read of the case
list asks ``case_id IN (SELECT case_id FROM cases_case_officers WHERE official_id = …)``. The
link table's own index on ``official_id`` holds the link's row id, not its case: each of an
officer's links was read from the table (242 at the full size's largest post, for each of the
list page's two reads and the API's two), and on SQLite those pages pushed the rest of the
list's reads out of the connection's page cache. This index holds both columns, so the cases
are read from it alone (``docs/benchmarks.md``, "the case list: the seventh session").

The link table is Django's own (``Case.officers``, no model of ours to declare an index on):
the index is created with SQL, the same on SQLite and PostgreSQL, and is no part of the
models' state.
"""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0013_index_the_open_threat_obligations"),
    ]

    operations = [
        migrations.RunSQL(
            sql=(
                'CREATE INDEX "cases_case_officers_by_official" '
                'ON "cases_case_officers" ("official_id", "case_id")'
            ),
            reverse_sql='DROP INDEX "cases_case_officers_by_official"',
        ),
    ]
