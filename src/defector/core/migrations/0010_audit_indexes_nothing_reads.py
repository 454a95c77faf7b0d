"""The audit log's indexes as its reads need them, no more (issue 15: the intake's throughput).

Every action appends audit events (a walk-in four or five), and each writes every index of the
table. On PostgreSQL two of them served no query:

- ``hash`` was ``unique=True``, which on PostgreSQL also makes a ``varchar_pattern_ops`` index
  for ``LIKE 'x%'``; nothing searches hashes by prefix. The hash stays unique (the chain's
  backstop, ``docs/audit.md``) by a ``UniqueConstraint``, which makes no such index;
- ``action`` was ``db_index=True``: a plain index and the pattern one. The audit search filters
  ``action__startswith`` (``LIKE 'x%'``), which only the pattern index serves; nothing asks for
  an action exactly. One index stays: the pattern one, named ``core_audit_action_idx``.

On PostgreSQL the unique constraint and the pattern index are renamed, the other two dropped:
nothing is rebuilt. SQLite has no pattern indexes: its unique index on ``hash`` is the one a
``UniqueConstraint`` makes there (a table's ``UNIQUE``) and stays; its index on ``action``
(which the search's count reads, SQLite's ``LIKE`` ignoring case) is made again under the new
name (about 2 s at the full size: 1,000,000 events).

Django's own operations would remake the table on SQLite (every event copied) and build a new
unique index on PostgreSQL.
"""

from typing import Any

from django.db import migrations, models

ACTION_INDEX = models.Index(
    fields=["action"], name="core_audit_action_idx", opclasses=["varchar_pattern_ops"]
)
#: The names ``unique=True`` and ``db_index=True`` gave the indexes (Django's, from the table
#: and the column; the unique constraint's is PostgreSQL's own, and looked up).
HASH_LIKE = "core_auditevent_hash_f08202aa_like"
ACTION_PLAIN = "core_auditevent_action_b3c9b7a8"
ACTION_LIKE = "core_auditevent_action_b3c9b7a8_like"


def forwards(apps: Any, schema_editor: Any) -> None:
    execute = schema_editor.execute
    execute(f'DROP INDEX "{ACTION_PLAIN}"')
    if schema_editor.connection.vendor != "postgresql":
        schema_editor.add_index(apps.get_model("core", "AuditEvent"), ACTION_INDEX)
        return
    execute(f'ALTER INDEX "{ACTION_LIKE}" RENAME TO "{ACTION_INDEX.name}"')
    event = apps.get_model("core", "AuditEvent")
    (unique,) = schema_editor._constraint_names(event, ["hash"], unique=True)
    execute(f'DROP INDEX "{HASH_LIKE}"')
    execute(
        f'ALTER TABLE "core_auditevent" RENAME CONSTRAINT "{unique}" '
        'TO "core_auditevent_hash_unique"'
    )


def backwards(apps: Any, schema_editor: Any) -> None:
    execute = schema_editor.execute
    if schema_editor.connection.vendor != "postgresql":
        execute(f'DROP INDEX "{ACTION_INDEX.name}"')
        execute(f'CREATE INDEX "{ACTION_PLAIN}" ON "core_auditevent" ("action")')
        return
    execute(f'ALTER INDEX "{ACTION_INDEX.name}" RENAME TO "{ACTION_LIKE}"')
    execute(f'CREATE INDEX "{ACTION_PLAIN}" ON "core_auditevent" ("action")')
    execute(
        'ALTER TABLE "core_auditevent" RENAME CONSTRAINT "core_auditevent_hash_unique" '
        'TO "core_auditevent_hash_key"'
    )
    execute(f'CREATE INDEX "{HASH_LIKE}" ON "core_auditevent" ("hash" varchar_pattern_ops)')


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0009_audit_event_body"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="auditevent",
                    name="action",
                    field=models.CharField(
                        help_text="What was done, as app.object.verb (e.g. directory.post.create).",
                        max_length=100,
                    ),
                ),
                migrations.AlterField(
                    model_name="auditevent",
                    name="hash",
                    field=models.CharField(max_length=64),
                ),
                migrations.AddIndex(model_name="auditevent", index=ACTION_INDEX),
                migrations.AddConstraint(
                    model_name="auditevent",
                    constraint=models.UniqueConstraint(
                        fields=("hash",), name="core_auditevent_hash_unique"
                    ),
                ),
            ],
            database_operations=[
                migrations.RunPython(forwards, backwards, elidable=False),
            ],
        ),
    ]
