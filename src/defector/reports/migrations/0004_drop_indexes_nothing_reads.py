"""Drop the standing row's index on its post (issue 15: the intake's throughput).

A walk-in writes the case's standing row (``reports.Standing``), and with it each of the
table's indexes. ``reports_standing_post_stage`` (post, stage) leads with the post: every read
by the post (the worldwide view's facets, grouped by post) is served by it, and posts are never
deleted. Dropped with SQL, the same on SQLite and PostgreSQL: Django's ``AlterField`` would
remake the table on SQLite and drop and re-check the foreign key on PostgreSQL.
"""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("directory", "0001_initial"),
        ("reports", "0003_rebuild_standing"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="standing",
                    name="post",
                    field=models.ForeignKey(
                        db_index=False,
                        help_text="The case's post (it follows a move between posts).",
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="directory.post",
                    ),
                ),
            ],
            database_operations=[
                migrations.RunSQL(
                    sql='DROP INDEX "reports_standing_post_id_c1d28184"',
                    reverse_sql=(
                        'CREATE INDEX "reports_standing_post_id_c1d28184" '
                        'ON "reports_standing" ("post_id")'
                    ),
                ),
            ],
        ),
    ]
