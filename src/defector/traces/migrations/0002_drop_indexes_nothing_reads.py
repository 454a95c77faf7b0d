"""Drop a trace's indexes that nothing reads, and index only the entries' blind-index rows
(issue 15: the intake's throughput).

A walk-in runs a trace (a row in ``traces_trace``) and indexes its subject's names (rows in
``traces_indexterm``), and each row writes every index of its table:

- a trace's ``run_by`` (an official) and ``check_record`` (a bona fides check): nothing filters
  traces by them (``select_related`` joins to the official by the official's key), officials
  are deactivated and checks kept, never deleted;
- an index row's ``entry``: read when a watch list's entries are replaced or reindexed
  (``entry_id IN (…)``, and the deletion of an entry's rows), but a subject's rows have none, and
  every walk-in wrote its rows' NULLs to it. The index is now partial, the entries' rows alone
  (``traces_indexterm_entry``); both databases use it for ``entry_id IN (…)``.

Dropped with SQL, the same on SQLite and PostgreSQL: Django's ``AlterField`` would remake the
tables on SQLite and drop and re-check each foreign key on PostgreSQL.
"""

import django.db.models.deletion
from django.db import migrations, models


def dropped(table: str, column: str, name: str) -> migrations.RunSQL:
    return migrations.RunSQL(
        sql=f'DROP INDEX "{name}"',
        reverse_sql=f'CREATE INDEX "{name}" ON "{table}" ("{column}")',
    )


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0016_drop_indexes_nothing_reads"),
        ("directory", "0001_initial"),
        ("traces", "0001_watch_lists_blind_index_and_traces"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="indexterm",
                    name="entry",
                    field=models.ForeignKey(
                        blank=True,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="index_terms",
                        to="traces.watchlistentry",
                    ),
                ),
                migrations.AlterField(
                    model_name="trace",
                    name="check_record",
                    field=models.ForeignKey(
                        blank=True,
                        db_index=False,
                        help_text="The name-traces check its conclusion recorded.",
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to="cases.bonafidescheck",
                    ),
                ),
                migrations.AlterField(
                    model_name="trace",
                    name="run_by",
                    field=models.ForeignKey(
                        blank=True,
                        db_index=False,
                        help_text="Who ran it (empty: intake, by itself).",
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="directory.official",
                    ),
                ),
            ],
            database_operations=[
                dropped("traces_indexterm", "entry_id", "traces_indexterm_entry_id_e58ec82f"),
                dropped("traces_trace", "check_record_id", "traces_trace_check_record_id_15a93eb1"),
                dropped("traces_trace", "run_by_id", "traces_trace_run_by_id_d1c4e132"),
            ],
        ),
        migrations.AddIndex(
            model_name="indexterm",
            index=models.Index(
                condition=models.Q(("entry__isnull", False)),
                fields=["entry"],
                name="traces_indexterm_entry",
            ),
        ),
    ]
