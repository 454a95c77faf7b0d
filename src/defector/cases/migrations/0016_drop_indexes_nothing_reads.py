"""Drop the indexes a walk-in writes and nothing reads (issue 15: the intake's throughput).

Django indexes every foreign key. A walk-in writes each of those B-trees (on SQLite a 4 KiB page
for each in the commit and again in the checkpoint; on PostgreSQL an index insert and its WAL),
and these are read by no query, nor needed to delete a parent (``docs/operations.md``,
"Indexes"):

- by an official (``opened_by``, ``changed_by``, ``assessed_by``, ``closed_by``, a timeline
  entry's ``actor``): nothing filters by them (``select_related`` joins to the official by the
  official's key), and officials are deactivated, never deleted;
- by an assessment (an obligation's ``assessment``): nothing filters by it, and assessments are
  never deleted;
- an assessment's and a timeline entry's ``case``: an index leading with the same column serves
  each read by it (the unique (case, number), ``cases_timeline_case_at``), and the deletion of a
  case's rows;
- the officers' link table's own two (Django's, no model of ours: dropped with SQL like
  ``0014``): the unique (case, official) and ``cases_case_officers_by_official`` lead with
  each column.

A case's own index on ``post`` stays, though ``cases_case_post_newest`` leads with the post: the
home page's statements awaiting a witness read a post's cases among an officer's
(``post_id = ? AND id IN (…)``), which SQLite seeks by post and id in it (its entries end with
the id): 1.2 ms at the full size's largest post, 3.3 ms without it.

The indexes are dropped with SQL, the same on SQLite and PostgreSQL (their names are Django's,
made from the table and the column): Django's own ``AlterField`` would remake each table on
SQLite and drop and re-check each foreign key on PostgreSQL.

The cryptonym stays unique, by a constraint instead of ``unique=True``: on PostgreSQL that also
made a ``varchar_pattern_ops`` index for ``LIKE 'x%'``, which no query asks (the list's search is
``icontains``, which it cannot serve). There the constraint is renamed and the pattern index
dropped; SQLite never had one, and its unique index is the one a ``UniqueConstraint`` makes
there (a table's ``UNIQUE``): it stays as it is.
"""

from typing import Any

import django.db.models.deletion
from django.db import migrations, models

#: (table, column, Django's name for the column's index): indexes nothing reads.
DROPPED = (
    ("cases_assessment", "assessed_by_id", "cases_assessment_assessed_by_id_61b9e00c"),
    ("cases_assessment", "case_id", "cases_assessment_case_id_319aae80"),
    ("cases_case", "changed_by_id", "cases_case_changed_by_id_029fc0d5"),
    ("cases_case", "opened_by_id", "cases_case_opened_by_id_ed5328b2"),
    ("cases_obligation", "assessment_id", "cases_obligation_assessment_id_39cd5312"),
    ("cases_obligation", "closed_by_id", "cases_obligation_closed_by_id_1750c10f"),
    ("cases_timelineentry", "actor_id", "cases_timelineentry_actor_id_bcb7949e"),
    ("cases_timelineentry", "case_id", "cases_timelineentry_case_id_75b5ec95"),
    ("cases_case_officers", "case_id", "cases_case_officers_case_id_f3b4835b"),
    ("cases_case_officers", "official_id", "cases_case_officers_official_id_7acc1dad"),
)


def dropped(table: str, column: str, name: str) -> migrations.RunSQL:
    return migrations.RunSQL(
        sql=f'DROP INDEX "{name}"',
        reverse_sql=f'CREATE INDEX "{name}" ON "{table}" ("{column}")',
    )


def cryptonym_constraint(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    case = apps.get_model("cases", "Case")
    (unique,) = schema_editor._constraint_names(case, ["cryptonym"], unique=True)
    schema_editor.execute('DROP INDEX IF EXISTS "cases_case_cryptonym_18815db7_like"')
    schema_editor.execute(
        f'ALTER TABLE "cases_case" RENAME CONSTRAINT "{unique}" TO "cases_case_cryptonym_unique"'
    )


def cryptonym_field(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        'ALTER TABLE "cases_case" RENAME CONSTRAINT "cases_case_cryptonym_unique" '
        'TO "cases_case_cryptonym_key"'
    )
    schema_editor.execute(
        'CREATE INDEX "cases_case_cryptonym_18815db7_like" '
        'ON "cases_case" ("cryptonym" varchar_pattern_ops)'
    )


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0015_index_the_cases_a_post_may_see"),
        ("directory", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="assessment",
                    name="assessed_by",
                    field=models.ForeignKey(
                        blank=True,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="assessments",
                        to="directory.official",
                    ),
                ),
                migrations.AlterField(
                    model_name="assessment",
                    name="case",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="assessments",
                        to="cases.case",
                    ),
                ),
                migrations.AlterField(
                    model_name="case",
                    name="changed_by",
                    field=models.ForeignKey(
                        blank=True,
                        db_index=False,
                        help_text="Who last changed the case (empty: the system).",
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="changed_cases",
                        to="directory.official",
                    ),
                ),
                migrations.AlterField(
                    model_name="case",
                    name="cryptonym",
                    field=models.CharField(
                        help_text="Assigned at intake from the word list; never derived from the name.",
                        max_length=40,
                    ),
                ),
                migrations.AlterField(
                    model_name="case",
                    name="opened_by",
                    field=models.ForeignKey(
                        blank=True,
                        db_index=False,
                        help_text="The official who opened the case (empty when opened by the system).",
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="opened_cases",
                        to="directory.official",
                    ),
                ),
                migrations.AlterField(
                    model_name="obligation",
                    name="assessment",
                    field=models.ForeignKey(
                        blank=True,
                        db_index=False,
                        help_text="The assessment that raised it.",
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="raised",
                        to="cases.assessment",
                    ),
                ),
                migrations.AlterField(
                    model_name="obligation",
                    name="closed_by",
                    field=models.ForeignKey(
                        blank=True,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="closed_obligations",
                        to="directory.official",
                    ),
                ),
                migrations.AlterField(
                    model_name="timelineentry",
                    name="actor",
                    field=models.ForeignKey(
                        blank=True,
                        db_index=False,
                        help_text="Empty: the system.",
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="directory.official",
                    ),
                ),
                migrations.AlterField(
                    model_name="timelineentry",
                    name="case",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="timeline",
                        to="cases.case",
                    ),
                ),
                migrations.AddConstraint(
                    model_name="case",
                    constraint=models.UniqueConstraint(
                        fields=("cryptonym",), name="cases_case_cryptonym_unique"
                    ),
                ),
            ],
            database_operations=[
                *(dropped(*index) for index in DROPPED),
                migrations.RunPython(cryptonym_constraint, cryptonym_field, elidable=False),
            ],
        ),
    ]
