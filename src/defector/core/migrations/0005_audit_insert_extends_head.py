"""On PostgreSQL, the database refuses an audit event that does not extend the chain's head.

``0003_audit_append_only`` refuses UPDATE and DELETE; an INSERT still went through, so one
forged row after the last event (with a correct hash and link, the head row left alone) was
stored, and every later append failed on the unique ``seq``. Two triggers on
``core_auditevent`` close that:

- ``core_auditevent_extends_chain`` (BEFORE INSERT, each row): the new event must be the next
  one: ``seq`` one past the last stored event's, ``prev_hash`` that event's hash (the genesis,
  64 zeros, for the first). One index lookup per append. Anything else fails with
  ``integrity_constraint_violation`` (Django's ``IntegrityError``), which ``core.audit.record``
  answers as the chain fault (503 ``audit_chain_fault``).
- ``core_auditevent_moves_head`` (a constraint trigger, AFTER INSERT, deferred to COMMIT): by
  the time the transaction commits, the head row must have moved over the new event, as
  ``core.audit.record`` moves it. A row inserted by hand, leaving the head alone, cannot commit.

Both compare with the stored rows, not with anything the writer says, so they hold whoever
writes. A superuser or the table's owner can still disable triggers; ``defector audit verify``
catches what is then written (``past the head``). SQLite has no such triggers (``RunSQL``
cannot switch on the vendor, hence ``RunPython``, as in ``0003``).
"""

from django.db import migrations

EXTENDS = "core_audit_extends_chain"
MOVES_HEAD = "core_audit_moves_head"
TABLE = "core_auditevent"

CREATE_EXTENDS = f"""
CREATE OR REPLACE FUNCTION {EXTENDS}() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    last_seq bigint;
    last_hash varchar(64);
BEGIN
    SELECT seq, hash INTO last_seq, last_hash FROM {TABLE} ORDER BY seq DESC LIMIT 1;
    IF NOT FOUND THEN
        last_seq := 0;
        last_hash := repeat('0', 64);
    END IF;
    IF NEW.seq IS DISTINCT FROM last_seq + 1 OR NEW.prev_hash IS DISTINCT FROM last_hash THEN
        RAISE EXCEPTION 'the audit chain only grows at its head: event % does not extend event %',
            NEW.seq, last_seq
            USING ERRCODE = 'integrity_constraint_violation',
                  HINT = 'audit events are appended by core.audit.record, one after the last';
    END IF;
    RETURN NEW;
END;
$$;
"""

CREATE_MOVES_HEAD = f"""
CREATE OR REPLACE FUNCTION {MOVES_HEAD}() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    head_seq bigint;
BEGIN
    SELECT seq INTO head_seq FROM core_audithead WHERE id = 1;
    IF head_seq IS NULL OR head_seq < NEW.seq THEN
        RAISE EXCEPTION 'the audit chain''s head row was not moved over event %', NEW.seq
            USING ERRCODE = 'integrity_constraint_violation',
                  HINT = 'audit events are appended by core.audit.record, which moves the head';
    END IF;
    RETURN NULL;
END;
$$;
"""


def create_triggers(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    # No placeholders: % is plpgsql's.
    schema_editor.execute(CREATE_EXTENDS, params=None)
    schema_editor.execute(CREATE_MOVES_HEAD, params=None)
    schema_editor.execute(f"DROP TRIGGER IF EXISTS {TABLE}_extends_chain ON {TABLE}")
    schema_editor.execute(
        f"CREATE TRIGGER {TABLE}_extends_chain BEFORE INSERT ON {TABLE} "
        f"FOR EACH ROW EXECUTE FUNCTION {EXTENDS}()"
    )
    schema_editor.execute(f"DROP TRIGGER IF EXISTS {TABLE}_moves_head ON {TABLE}")
    schema_editor.execute(
        f"CREATE CONSTRAINT TRIGGER {TABLE}_moves_head AFTER INSERT ON {TABLE} "
        f"DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION {MOVES_HEAD}()"
    )


def drop_triggers(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f"DROP TRIGGER IF EXISTS {TABLE}_moves_head ON {TABLE}")
    schema_editor.execute(f"DROP TRIGGER IF EXISTS {TABLE}_extends_chain ON {TABLE}")
    schema_editor.execute(f"DROP FUNCTION IF EXISTS {MOVES_HEAD}()")
    schema_editor.execute(f"DROP FUNCTION IF EXISTS {EXTENDS}()")


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0004_api_token_scopes"),
    ]

    operations = [
        migrations.RunPython(create_triggers, drop_triggers),
    ]
