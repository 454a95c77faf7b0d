"""``defector seed``: the counts asked, every stage, a chain that verifies, the same data for
the same seed, true names only sealed."""

from __future__ import annotations

import io
import time
from collections.abc import Iterator

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from defector import cli
from defector.cases.choices import Stage
from defector.cases.models import Assessment, Case, CaseNote, Obligation, Subject
from defector.committees.models import AgendaItem, Committee, Meeting, Minutes
from defector.core import audit
from defector.core.models import AuditEvent, AuditHead
from defector.core.sealing import keyring
from defector.core.sealing.fields import associated_data
from defector.directory.models import Official, Post
from defector.escalations.models import Problem
from defector.ops import seed
from defector.ops.seed import names
from defector.ops.seed.problems import PROBLEMS_PER_POST
from support.postgres import settle_deferred_checks

SMALL = ("--posts", "3", "--cases", "60", "--audit-events", "500", "--seed", "7")


def run_seed(*args: str) -> str:
    out = io.StringIO()
    call_command("seed", *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def every_true_name() -> Iterator[str]:
    """Every name the seed's tables can make, in either order."""
    for given_names, family_names, _places in names.PEOPLE.values():
        for given in given_names:
            for family in family_names:
                yield f"{given} {family}"
                yield f"{family} {given}"


@pytest.mark.django_db
def test_a_small_seed_has_the_counts_asked_every_stage_and_a_chain_that_verifies() -> None:
    started = time.monotonic()
    output = run_seed(*SMALL)
    assert time.monotonic() - started < 30
    assert "seeded 3 posts, 60 cases and 500 audit events" in output
    assert Post.objects.count() == 3
    assert Committee.objects.count() == 3
    assert Case.objects.count() == 60
    assert Subject.objects.count() == 60
    assert Assessment.objects.count() == 60
    assert AuditEvent.objects.count() == 500
    assert set(Case.objects.values_list("stage", flat=True)) == set(Stage.values)
    assert Obligation.objects.filter(status="done").exists()
    assert Obligation.objects.filter(status="open").exists()
    assert CaseNote.objects.count() > 60
    assert Official.objects.filter(post__isnull=False).count() == 3 * 6
    assert Meeting.objects.filter(status="held").count() == 3 * 8
    assert Minutes.objects.filter(status="forwarded").count() == 3 * 7
    assert AgendaItem.objects.filter(case__isnull=False).exists()
    # Every post's committee raised problems about its cases (6c): one overdue, one not yet due.
    assert Problem.objects.count() == 3 * PROBLEMS_PER_POST
    assert Problem.objects.filter(due_date__lt=seed.ANCHOR.date()).count() == 3
    assert Problem.objects.filter(cases__isnull=False).exists()
    assert AuditEvent.objects.filter(action="escalations.problem.raise").count() == 3 * 2
    head = AuditHead.objects.get(pk=1)
    assert head.seq == 500
    verification = audit.verify_stored()
    assert verification.ok, verification.report.faults
    assert verification.report.events == 500


@pytest.mark.django_db(transaction=True)
def test_the_same_seed_gives_the_same_data_and_another_seed_other_data() -> None:
    run_seed(*SMALL)
    first = seed.content_digest()
    call_command("flush", interactive=False, verbosity=0)
    run_seed(*SMALL)
    assert seed.content_digest() == first
    call_command("flush", interactive=False, verbosity=0)
    run_seed(*SMALL[:-1], "8")
    assert seed.content_digest() != first


@pytest.mark.django_db
def test_no_true_name_is_stored_in_clear_but_each_is_sealed() -> None:
    run_seed(*SMALL)
    candidates = set(every_true_name())
    stored: list[str] = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            cursor.execute(f'SELECT * FROM "{table}"')  # noqa: S608 (the schema's own names)
            stored += (" ".join(str(value) for value in row) for row in cursor.fetchall())
    text = "\n".join(stored)
    assert [name for name in candidates if name in text] == []
    subject = Subject.objects.select_related("case").first()
    assert subject is not None
    assert subject.true_name is not None
    revealed = keyring().open(subject.true_name.token, associated_data(subject, "true_name"))
    assert revealed in candidates


@pytest.mark.django_db
def test_a_database_with_data_is_refused_unless_forced() -> None:
    run_seed(*SMALL)
    with pytest.raises(CommandError, match=r"already holds data.*--force"):
        run_seed(*SMALL)
    run_seed("--posts", "1", "--cases", "5", "--audit-events", "100", "--seed", "9", "--force")
    assert Case.objects.count() == 65
    assert audit.verify_stored().ok


@pytest.mark.django_db
def test_too_few_audit_events_are_refused_and_nothing_is_written() -> None:
    with pytest.raises(CommandError, match=r"too few: .* need at least"):
        run_seed("--posts", "3", "--cases", "60", "--audit-events", "10")
    assert not Post.objects.exists()
    assert not AuditEvent.objects.exists()


def test_defector_help_lists_the_seed_command(capsys: pytest.CaptureFixture[str]) -> None:
    cli.print_help()
    assert "  seed " in capsys.readouterr().out


@pytest.mark.postgres
@pytest.mark.django_db
def test_on_postgresql_the_bulk_chain_passes_the_triggers_and_verifies() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("the audit triggers are PostgreSQL's")
    run_seed(*SMALL)
    with connection.cursor() as cursor:
        # The head's check waits for COMMIT, which a test never reaches: run it now.
        settle_deferred_checks(cursor)
    assert audit.verify_stored().ok
    assert AuditEvent.objects.count() == 500
