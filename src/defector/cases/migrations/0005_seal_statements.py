"""Seal the voluntary statements: their texts become sealed fields, bound to the row by a new
``seal_uid``, and each signature file is encrypted under its own data key (kept sealed in
``file_key``) and written under a new random name; the clear file is removed once the
migration commits. Backwards, the texts are opened into plain columns again and the files
written back in clear."""

import uuid

from django.core.files.base import ContentFile
from django.db import migrations, models, transaction

import defector.core.sealing
from defector.cases import signatures
from defector.core import sealing

SEALED_SUFFIX = ".sealed"


def give_seal_uids(apps, schema_editor):
    statements = apps.get_model("cases", "VoluntaryStatement")
    for statement in statements._base_manager.filter(seal_uid__isnull=True).only("pk"):
        statements._base_manager.filter(pk=statement.pk).update(seal_uid=uuid.uuid4())


def _remove_after_commit(schema_editor, storage, names):
    def remove():
        for name in names:
            storage.delete(name)

    transaction.on_commit(remove, using=schema_editor.connection.alias)


def seal_existing(apps, schema_editor):
    """Seal each statement's texts (read in clear from the columns) and its file."""
    statements = apps.get_model("cases", "VoluntaryStatement")
    connection = schema_editor.connection
    table = connection.ops.quote_name(statements._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT id, text_original, text_english FROM {table}")  # noqa: S608
        clear = {row[0]: (row[1] or "", row[2] or "") for row in cursor.fetchall()}
    storage = signatures.statement_storage()
    written, old = [], []
    try:
        for statement in statements._base_manager.order_by("pk"):
            statement.text_original, statement.text_english = clear[statement.pk]
            fields = ["text_original", "text_english"]
            try:
                with storage.open(statement.file_path, "rb") as handle:
                    content = handle.read()
            except FileNotFoundError:
                content = None  # reading it will say it is missing, as before
            if content is not None:
                sealed = sealing.seal_bytes(statement, "file_key", content)
                name = storage.save(
                    f"{statement.case_id}/{uuid.uuid4().hex}{SEALED_SUFFIX}", ContentFile(sealed)
                )
                written.append(name)
                old.append(statement.file_path)
                statement.file_path = name
                fields += ["file_path", "file_key"]
            statement.save(update_fields=fields)
    except BaseException:
        for name in written:
            storage.delete(name)
        raise
    _remove_after_commit(schema_editor, storage, old)


def open_existing(apps, schema_editor):
    """Backwards: the texts in clear in their columns, the files in clear on disk."""
    statements = apps.get_model("cases", "VoluntaryStatement")
    connection = schema_editor.connection
    table = connection.ops.quote_name(statements._meta.db_table)
    storage = signatures.statement_storage()
    written, old = [], []
    try:
        for statement in statements._base_manager.order_by("pk"):
            original = sealing.open_sealed(statement, "text_original") or ""
            english = sealing.open_sealed(statement, "text_english") or ""
            path = statement.file_path
            if statement.file_key is not None:
                with storage.open(statement.file_path, "rb") as handle:
                    content = sealing.open_bytes(statement, "file_key", handle.read())
                extension = signatures.extension_of(statement.content_type)
                path = storage.save(
                    f"{statement.case_id}/{uuid.uuid4().hex}{extension}", ContentFile(content)
                )
                written.append(path)
                old.append(statement.file_path)
            with connection.cursor() as cursor:
                cursor.execute(
                    f"UPDATE {table} SET text_original = %s, text_english = %s, "  # noqa: S608
                    "file_path = %s, file_key = NULL WHERE id = %s",
                    [original, english, path, statement.pk],
                )
    except BaseException:
        for name in written:
            storage.delete(name)
        raise
    _remove_after_commit(schema_editor, storage, old)


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0004_add_bona_fides_statements_tasks_determinations_inducements"),
    ]

    operations = [
        migrations.AddField(
            model_name="voluntarystatement",
            name="seal_uid",
            field=models.UUIDField(editable=False, null=True),
        ),
        migrations.RunPython(give_seal_uids, migrations.RunPython.noop, elidable=False),
        migrations.AlterField(
            model_name="voluntarystatement",
            name="seal_uid",
            field=models.UUIDField(
                default=uuid.uuid4,
                editable=False,
                help_text="Binds the sealed texts and the sealed file to this row.",
                unique=True,
            ),
        ),
        migrations.AddField(
            model_name="voluntarystatement",
            name="file_key",
            field=defector.core.sealing.SealedField(
                help_text="The data key the signature file is encrypted with (sealed).",
                null=True,
            ),
        ),
        migrations.AlterField(
            model_name="voluntarystatement",
            name="text_original",
            field=defector.core.sealing.SealedField(
                help_text="The statement in the person's language (sealed).", null=True
            ),
        ),
        migrations.AlterField(
            model_name="voluntarystatement",
            name="text_english",
            field=defector.core.sealing.SealedField(
                help_text="The statement in English (sealed).", null=True
            ),
        ),
        migrations.AlterField(
            model_name="voluntarystatement",
            name="file_path",
            field=models.CharField(
                help_text="Where the sealed signature file is, under MEDIA_ROOT/statements (a "
                "random name); served only through an access-checked view.",
                max_length=300,
            ),
        ),
        migrations.AlterField(
            model_name="voluntarystatement",
            name="sha256",
            field=models.CharField(help_text="The SHA-256 hash of the clear file, hex.", max_length=64),
        ),
        migrations.AlterField(
            model_name="voluntarystatement",
            name="size",
            field=models.PositiveIntegerField(help_text="The clear file's size in bytes."),
        ),
        migrations.RunPython(seal_existing, open_existing, elidable=False),
    ]
