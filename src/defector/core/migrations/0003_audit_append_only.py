"""On PostgreSQL, a trigger rejects UPDATE and DELETE of audit events and checkpoints.

The audit log is append-only: rows are inserted by ``core.audit.record`` and by
``defector audit checkpoint`` and never changed. The trigger makes the database itself refuse
a change, whoever asks (short of a superuser disabling it, which ``defector audit verify``
would still catch through the hashes). TRUNCATE is deliberately not covered: test databases
are emptied with it between tests. SQLite has no such trigger (``RunSQL`` cannot switch on the
vendor, hence ``RunPython``).
"""

from django.db import migrations

FUNCTION = "core_audit_append_only"
TABLES = ("core_auditevent", "core_auditcheckpoint")

CREATE_FUNCTION = f"""
CREATE OR REPLACE FUNCTION {FUNCTION}() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'the audit log is append-only: % of % is not allowed', TG_OP, TG_TABLE_NAME
        USING ERRCODE = 'insufficient_privilege',
              HINT = 'audit events and checkpoints are never changed or deleted';
END;
$$;
"""


def trigger_name(table: str) -> str:
    return f"{table}_append_only"


def create_triggers(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(CREATE_FUNCTION, params=None)  # no placeholders: % is plpgsql's
    for table in TABLES:
        name = trigger_name(table)
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {name} ON {table}")
        schema_editor.execute(
            f"CREATE TRIGGER {name} BEFORE UPDATE OR DELETE ON {table} "
            f"FOR EACH ROW EXECUTE FUNCTION {FUNCTION}()"
        )


def drop_triggers(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table in TABLES:
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {trigger_name(table)} ON {table}")
    schema_editor.execute(f"DROP FUNCTION IF EXISTS {FUNCTION}()")


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0002_audit_chain"),
    ]

    operations = [
        migrations.RunPython(create_triggers, drop_triggers),
    ]
