"""A walk-in's transaction reads and makes little (``cases.actions.intake``): what it reads is
read before it begins, and what it writes without reading is what reading would have given —
the notices' recipients, the standing row of Washington's worldwide view."""

from __future__ import annotations

import itertools
import logging
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.test.utils import CaptureQueriesContext

from defector.cases.actions import facts, intake, owners
from defector.cases.models import Assessment, Case, Obligation, TimelineEntry
from defector.core import chain
from defector.core.models import AuditEvent
from defector.notifications.actions import POST_MEMBER_ROLES, notices
from defector.notifications.models import Notice
from defector.reports.actions.standing import COLUMNS, refresh_standing
from defector.reports.models import Standing

pytestmark = pytest.mark.django_db

#: A walk-in whose first assessment opens the 6d obligation (a standing row) among others.
WALK_IN: dict[str, Any] = {
    "nationalities": ["SU"],
    "escaped_control": True,
    "dissatisfied": True,
    "susceptible": True,
    "willing_to_defect": True,
    "special_value": ["information"],
    "requests": ["asylum"],
    "threat_information": True,
}


@pytest.fixture
def committee(member: User, chair: User, senior: User, second_officer: User) -> list[User]:
    return [member, chair, senior]


def _after_the_case(queries: CaptureQueriesContext) -> list[str]:
    """The statements from the case's insert on: the intake's transaction's."""
    sql = [query["sql"] for query in queries.captured_queries]
    first = next(n for n, text in enumerate(sql) if text.startswith('INSERT INTO "cases_case"'))
    return sql[first:]


def test_a_walk_ins_transaction_reads_only_who_may_see_the_new_case(
    open_case: Any, committee: list[User]
) -> None:
    with CaptureQueriesContext(connection) as queries:
        open_case(kind="walk_in", facts=WALK_IN)
    inside = _after_the_case(queries)
    # The owners' and the committee's access to the case: one decision for all; and the audit
    # head, read under its lock when this connection's guess of it is stale (``core.heads``;
    # in an empty test database, from the last event).
    # The name trace's searches are not the intake's: on SQLite they run in its transaction
    # (``traces.actions.intake``), elsewhere after its commit, in a transaction of their own.
    before_trace = inside[: next(n for n, t in enumerate(inside) if "core_auditevent" in t) + 1]
    reads = [
        t
        for t in before_trace
        if t.startswith("SELECT") and "core_audit" not in t and '"traces_' not in t[:200]
    ]
    assert len(reads) == 1
    assert "EXISTS" in reads[0][:40]
    assert not [text for text in before_trace if "reports_standing" in text and "SELECT" in text]
    # The case's insert needs no savepoint; on SQLite neither do its notices (the trace's
    # writes, on SQLite in the intake's transaction, have one of their own).
    savepoints = [
        text
        for text, after in itertools.pairwise(before_trace)
        if text.startswith("SAVEPOINT") and '"traces_' not in after[:200]
    ]
    assert len(savepoints) == (0 if connection.vendor == "sqlite" else 1)


def test_a_walk_ins_notices_go_to_whom_reading_the_committee_in_its_transaction_finds(
    open_case: Any,
    committee: list[User],
    second_officer: User,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def told() -> list[tuple[int, str]]:
        return list(Notice.objects.order_by("pk").values_list("recipient_id", "kind"))

    case = open_case(kind="walk_in", facts=WALK_IN, officer_ids=[second_officer.official.pk])
    kept = told()
    Notice.objects.all().delete()
    # Without the committee kept, the notices read it in the transaction.
    monkeypatch.setattr(owners, "keep_roster", lambda *args: None)
    again = open_case(kind="walk_in", facts=WALK_IN, officer_ids=[second_officer.official.pk])
    assert case.pk != again.pk
    assert told() == kept
    assert {recipient for recipient, _ in kept} >= {u.official.pk for u in committee}


def test_the_roles_a_new_cases_notices_go_to_are_the_notices_own() -> None:
    assert frozenset(POST_MEMBER_ROLES) == owners.TOLD_ROLES


def test_a_new_cases_standing_row_is_the_one_recomputing_it_gives(
    open_case: Any, committee: list[User]
) -> None:
    case = open_case(kind="walk_in", facts=WALK_IN)
    written = Standing.objects.filter(case=case).values(*COLUMNS).get()
    assert written["next_due"] is not None
    refresh_standing([case.pk])
    assert Standing.objects.filter(case=case).values(*COLUMNS).get() == written


def test_a_case_whose_assessment_owes_no_report_gets_no_standing_row(open_case: Any) -> None:
    case = open_case()
    assert not Standing.objects.filter(case=case).exists()
    refresh_standing([case.pk])
    assert not Standing.objects.filter(case=case).exists()


def test_a_notice_the_database_refuses_leaves_the_intake_whole(
    open_case: Any,
    committee: list[User],
    counts: Any,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """On SQLite without a savepoint: the refused statement alone is undone."""

    def refused(objs: Any, **kwargs: Any) -> Any:
        with connection.cursor() as cursor:
            cursor.execute("INSERT INTO notifications_notice (recipient_id) VALUES (NULL)")
        raise AssertionError("the database took a notice without its fields")

    monkeypatch.setattr(notices._NOTICES, "save", refused)
    before = counts()
    with caplog.at_level(logging.ERROR):
        case = open_case(kind="walk_in", facts=WALK_IN)
    assert "could not write the notices of on_case_changed" in caplog.text
    assert case.pk is not None
    assert counts()[0] == before[0] + 1
    assert not Notice.objects.exists()
    events = list(AuditEvent.objects.order_by("seq"))
    # On SQLite the name trace's record follows the case's in the same transaction.
    assert "cases.case.open" in [e.action for e in events][-2:]
    for earlier, later in itertools.pairwise(events):
        assert later.prev_hash == earlier.hash
    assert chain.body_hash(bytes(events[-1].body)) == events[-1].hash


def _assessed(case: Case) -> tuple[Any, ...]:
    """A case's first assessment and obligations, and its record's account of them, but for
    what differs between two intakes (keys, times, the cryptonym)."""
    assessment = Assessment.objects.filter(case=case).values(
        "number", "facts", "powers", "outcome", "categories", "applies", "obligations",
        "policy_version", "assessed_by",
    ).get()  # fmt: skip
    obligations = [
        (o.identifier, o.clause, o.title, o.owner_id, o.status, o.due_at and o.due_at - o.arose_at)
        for o in Obligation.objects.filter(case=case).order_by("pk")
    ]
    lines = list(
        TimelineEntry.objects.filter(case=case).order_by("pk").values_list("kind", "summary")
    )
    record = AuditEvent.objects.get(action="cases.case.open", cryptonym=case.cryptonym).after
    told = {name: record[name] for name in ("assessment", "categories", "obligations", "opened")}
    return assessment, obligations, [(k, s.replace(case.cryptonym, "?")) for k, s in lines], told


def test_a_walk_ins_first_assessment_is_made_before_its_transaction_as_made_in_it(
    open_case: Any, committee: list[User], monkeypatch: pytest.MonkeyPatch
) -> None:
    made: list[tuple[str, int]] = []
    real_new = facts.inserts.new

    def noting(model: Any, /, **values: Any) -> Any:
        if model in (Assessment, Obligation):
            inserted = [q["sql"] for q in queries.captured_queries]
            made.append((model.__name__, sum('INTO "cases_case"' in q for q in inserted)))
        return real_new(model, **values)

    monkeypatch.setattr(facts.inserts, "new", noting)
    with CaptureQueriesContext(connection) as queries:
        before = open_case(kind="walk_in", facts=WALK_IN)
    # The assessment and its obligations are made before the case's insert (its transaction).
    assert made
    assert all(inserted == 0 for _, inserted in made)
    assert {name for name, _ in made} == {"Assessment", "Obligation"}
    # As the transaction makes them when they are not made before.
    monkeypatch.setattr(intake, "plan_first", lambda *args, **kwargs: None)
    inside = open_case(kind="walk_in", facts=WALK_IN)
    assert _assessed(before) == _assessed(inside)
