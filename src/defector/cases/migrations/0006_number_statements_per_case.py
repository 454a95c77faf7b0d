"""Number each case's voluntary statements from 1 (the first of a case is "Statement 1"),
unique per case; the statements already recorded are numbered in the order they were
recorded."""

from typing import Any

from django.db import migrations, models


def number_statements(apps: Any, schema_editor: Any) -> None:
    statement = apps.get_model("cases", "VoluntaryStatement")
    counts: dict[int, int] = {}
    for row in statement.objects.order_by("case_id", "recorded_at", "pk").only("pk", "case_id"):
        counts[row.case_id] = counts.get(row.case_id, 0) + 1
        statement.objects.filter(pk=row.pk).update(number=counts[row.case_id])


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0005_seal_statements"),
    ]

    operations = [
        migrations.AddField(
            model_name="voluntarystatement",
            name="number",
            field=models.PositiveIntegerField(
                null=True,
                help_text="The statement's number within its case: the first of a case is 1.",
            ),
        ),
        migrations.RunPython(number_statements, migrations.RunPython.noop, elidable=False),
        migrations.AlterField(
            model_name="voluntarystatement",
            name="number",
            field=models.PositiveIntegerField(
                help_text="The statement's number within its case: the first of a case is 1.",
            ),
        ),
        migrations.AddConstraint(
            model_name="voluntarystatement",
            constraint=models.UniqueConstraint(
                fields=("case", "number"),
                name="cases_voluntarystatement_one_number_per_case",
                violation_error_message="A case numbers its statements once each.",
            ),
        ),
    ]
