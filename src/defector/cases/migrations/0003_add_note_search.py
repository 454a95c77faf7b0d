"""Full-text search over case notes (``cases.search``): a GIN index on PostgreSQL, an FTS5
table kept in step by triggers on SQLite; nothing on other databases."""

from django.db import migrations


def forwards(apps, schema_editor):
    from defector.cases import search

    search.setup(schema_editor.connection)


def backwards(apps, schema_editor):
    from defector.cases import search

    search.teardown(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0002_add_lifecycle_assessments_obligations_timeline_notes"),
    ]

    operations = [
        migrations.RunPython(forwards, backwards, elidable=False),
    ]
