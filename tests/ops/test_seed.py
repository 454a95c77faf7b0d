"""``defector seed``: the counts asked, every stage, a chain that verifies, the same data for
the same seed, true names only sealed."""

from __future__ import annotations

import hashlib
import io
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from defector import cli
from defector.cases import signatures
from defector.cases.actions.statements import FILE_KEY
from defector.cases.choices import Stage
from defector.cases.models import (
    Assessment,
    Case,
    CaseNote,
    CaseTransfer,
    Obligation,
    Subject,
    TimelineEntry,
    VoluntaryStatement,
)
from defector.committees.models import AgendaItem, Committee, Meeting, Minutes
from defector.core import audit
from defector.core.models import AuditEvent, AuditHead
from defector.core.sealing import keyring, open_bytes
from defector.core.sealing.fields import associated_data
from defector.directory.models import Official, Post, RoleAssignment
from defector.escalations.models import Problem, Referral
from defector.exploitation.models import (
    CaseRequirement,
    DebriefingSession,
    ExploitationPlan,
    IntelligenceReport,
)
from defector.ops import seed
from defector.ops.seed import names
from defector.ops.seed.problems import PROBLEMS_PER_POST
from defector.powers.models import Power
from defector.publicity.models import Proposal
from defector.reports.models import StatusReport
from support.postgres import settle_deferred_checks

SMALL = ("--posts", "3", "--cases", "60", "--audit-events", "1000", "--seed", "7")


@pytest.fixture(autouse=True)
def media(settings: Any, tmp_path: Path) -> None:
    """The statements' sealed signature files go to a scratch directory."""
    settings.MEDIA_ROOT = tmp_path / "media"


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
def test_a_small_seed_has_the_counts_asked_every_stage_and_a_chain_that_verifies(
    client_for: Callable[[Any], Any],
) -> None:
    started = time.monotonic()
    output = run_seed(*SMALL)
    assert time.monotonic() - started < 30
    assert "seeded 3 posts, 60 cases and 1000 audit events" in output
    assert Post.objects.count() == 3
    assert Committee.objects.count() == 3
    assert Case.objects.count() == 60
    assert Subject.objects.count() == 60
    assert Assessment.objects.count() == 60
    assert AuditEvent.objects.count() == 1000
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
    assert AuditEvent.objects.filter(action="escalations.problem.raise").count() == 3 * 4
    # Two at each post were referred to the IDC (6c); the IDC decided one.
    assert Referral.objects.filter(transmitted_at__isnull=False).count() == 3 * 2
    assert Problem.objects.filter(status="referred").count() == 3
    assert Problem.objects.filter(status="decided_by_idc", closed_at__isnull=False).count() == 3
    # Voluntary statements (6b(3)(c)): witnessed ones discharge the obligation, by evidence.
    witnessed = VoluntaryStatement.objects.filter(witnessed_at__isnull=False)
    assert witnessed.exists()
    assert (
        Obligation.objects.filter(
            identifier="obtain_voluntary_statement",
            status="done",
            evidence_label="cases.voluntarystatement",
        ).count()
        == witnessed.count()
    )
    # Exploitation (4, 4a): defectors past determination pursue requirements of every status.
    assert ExploitationPlan.objects.exists()
    assert {"not_started", "in_progress", "satisfied"} <= set(
        CaseRequirement.objects.values_list("status", flat=True)
    )
    assert DebriefingSession.objects.filter(notes__isnull=False).exists()
    assert IntelligenceReport.objects.filter(requirements__isnull=False).exists()
    # Status reports to the IDC (6d): sent and acknowledged, the next period open, some overdue.
    assert {"sent", "acknowledged"} <= set(StatusReport.objects.values_list("status", flat=True))
    assert Obligation.objects.filter(identifier="report_to_idc", period=2).exists()
    assert Obligation.objects.filter(
        identifier="report_to_idc", status="open", due_at__lt=seed.ANCHOR
    ).exists()
    assert Proposal.objects.filter(status="awaiting_sign_offs").exists()
    assert Power.objects.filter(ends_on__lt=seed.ANCHOR.date()).count() == 3
    # A move of a case to another post or to Washington awaits the receiving side.
    assert CaseTransfer.objects.filter(status="proposed").exists()
    # Every record in another app has its line on the case's timeline, tied to its event.
    for kind in (
        "cases.voluntarystatement.witness",
        "reports.report.send",
        "cases.transfer.propose",
    ):
        line = TimelineEntry.objects.filter(kind=kind).first()
        assert line is not None
        event = AuditEvent.objects.get(seq=line.audit_seq)
        assert (event.action, event.object_id) == (kind, line.object_id)
    head = AuditHead.objects.get(pk=1)
    assert head.seq == 1000
    verification = audit.verify_stored()
    assert verification.ok, verification.report.faults
    assert verification.report.events == 1000
    # Washington's worldwide view shows the seeded cases to an IDC member.
    member = RoleAssignment.objects.filter(role="idc_member").first()
    assert member is not None
    page = client_for(member.official.user).get("/reports/world/")
    assert page.status_code == 200
    sent = StatusReport.objects.filter(status="acknowledged").select_related("case").first()
    assert sent is not None
    assert sent.case.cryptonym in page.content.decode()


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
    # A statement's texts and its signature file are sealed for real, and open with the keyring.
    statement = VoluntaryStatement.objects.first()
    assert statement is not None
    assert statement.text_english is not None
    english = keyring().open(
        statement.text_english.token, associated_data(statement, "text_english")
    )
    assert "political asylum" in english
    stored = (signatures.statement_storage().location / Path(statement.file_path)).read_bytes()
    content = open_bytes(statement, FILE_KEY, stored)
    assert content.startswith(signatures.PNG_MAGIC)
    assert hashlib.sha256(content).hexdigest() == statement.sha256


@pytest.mark.django_db
def test_a_database_with_data_is_refused_unless_forced() -> None:
    run_seed(*SMALL)
    with pytest.raises(CommandError, match=r"already holds data.*--force"):
        run_seed(*SMALL)
    run_seed("--posts", "1", "--cases", "5", "--audit-events", "200", "--seed", "9", "--force")
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
    assert AuditEvent.objects.count() == 1000


@pytest.mark.postgres
@pytest.mark.django_db
def test_on_postgresql_a_seed_leaves_the_planner_statistics_of_what_it_wrote() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("SQLite plans without statistics unless asked")
    run_seed(*SMALL)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT DISTINCT tablename FROM pg_stats WHERE schemaname = current_schema()"
            " AND tablename IN ('cases_case', 'cases_obligation', 'directory_official')"
        )
        analyzed = {row[0] for row in cursor.fetchall()}
    assert analyzed == {"cases_case", "cases_obligation", "directory_official"}
