"""The standing rows of the cases that exist already (``6d``): recomputed once from the source
tables, as ``defector report rebuild-standing`` does (without its audit record)."""

from django.db import migrations


def rebuild(apps, schema_editor):  # type: ignore[no-untyped-def]
    # The live statement (table and column names from the models): the tables it reads are
    # those of the migrations this one depends on.
    from defector.reports.actions.standing import recompute_standing

    recompute_standing()


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0002_standing"),
        ("cases", "0011_move_cases_between_posts_and_to_washington"),
        ("exploitation", "0002_debriefings_and_intelligence_reports"),
        ("publicity", "0002_proposal_contents_sign_offs_decision_release"),
    ]

    operations = [migrations.RunPython(rebuild, migrations.RunPython.noop, elidable=True)]
