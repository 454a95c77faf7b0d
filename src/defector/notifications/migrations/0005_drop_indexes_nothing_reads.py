"""Drop a notice's two indexes that nothing reads (issue 15: the intake's throughput).

A walk-in tells the post's officials (a notice each), and each notice writes every index of the
table:

- ``recipient``: ``notifications_recipient_time`` (recipient, created) leads with it and serves
  every read (an official's notices are theirs alone, newest first);
- ``post``: nothing filters notices by their post, and posts are never deleted.

Dropped with SQL, the same on SQLite and PostgreSQL: Django's ``AlterField`` would remake the
table on SQLite and drop and re-check each foreign key on PostgreSQL.
"""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("directory", "0001_initial"),
        ("notifications", "0004_publicity_notice_kind"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="notice",
                    name="post",
                    field=models.ForeignKey(
                        blank=True,
                        db_index=False,
                        help_text="The post the matter belongs to (empty for Washington's matters).",
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="notices",
                        to="directory.post",
                    ),
                ),
                migrations.AlterField(
                    model_name="notice",
                    name="recipient",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="notices",
                        to="directory.official",
                    ),
                ),
            ],
            database_operations=[
                migrations.RunSQL(
                    sql='DROP INDEX "notifications_notice_post_id_e6facfd2"',
                    reverse_sql=(
                        'CREATE INDEX "notifications_notice_post_id_e6facfd2" '
                        'ON "notifications_notice" ("post_id")'
                    ),
                ),
                migrations.RunSQL(
                    sql='DROP INDEX "notifications_notice_recipient_id_40448c32"',
                    reverse_sql=(
                        'CREATE INDEX "notifications_notice_recipient_id_40448c32" '
                        'ON "notifications_notice" ("recipient_id")'
                    ),
                ),
            ],
        ),
    ]
