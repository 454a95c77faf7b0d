"""The cases of a post that a reader there may see, from an index alone.

A reader at a post (a case officer, the committee, its senior representative) sees the post's
cases not moved to Washington at a sensitivity they are cleared for (``cases.access``): the
list's count, and the cases its choices' statement finds, read each of the post's cases from
the table to test its flag and its sensitivity (459 rows at the full size's largest post; on
PostgreSQL 418 pages). This index holds both, for the cases not in Washington: the post's
cases are read from it alone (on SQLite the count 0.19 → 0.12 ms, on PostgreSQL 0.63 →
0.39 ms of the server's time; ``docs/benchmarks.md``, "the case list: the seventh session").

Partial, so that only the readers of a post can use it: made whole, SQLite walked it for
Washington's readers (whose cases are every post's, in or out of Washington) in the post's
order rather than the case's, and their list's choices cost twice as much. On PostgreSQL the
case's id is carried in the index's leaves (``INCLUDE``) for an index-only scan; SQLite's
indexes carry it already, and Django leaves ``include`` out there.

The index is made by the schema editor from its definition here, and is no part of the
models' state (``Case`` is the intake's model: the list's index is the list's own).
"""

from typing import Any

from django.db import migrations, models

INDEX = models.Index(
    fields=["post", "in_washington", "sensitivity"],
    include=["id"],
    condition=models.Q(in_washington=False),
    name="cases_case_post_visible",
)


def create(apps: Any, schema_editor: Any) -> None:
    schema_editor.add_index(apps.get_model("cases", "Case"), INDEX)


def drop(apps: Any, schema_editor: Any) -> None:
    schema_editor.remove_index(apps.get_model("cases", "Case"), INDEX)


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0014_index_the_officers_cases"),
    ]

    operations = [migrations.RunPython(create, drop, elidable=False)]
