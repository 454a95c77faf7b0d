"""The indexes a walk-in writes (issue 15: the intake's throughput; ``docs/operations.md``,
"Indexes"): those nothing reads are gone (``cases`` 0016, ``core`` 0010, ``notifications`` 0005,
``reports`` 0004, ``traces`` 0002), what they served is still served, and what was unique still
is, on both databases."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import IntegrityError, connection, transaction

from defector.cases.models import Case

pytestmark = pytest.mark.django_db

#: (table, column): the foreign keys whose own index a walk-in no longer writes.
UNINDEXED = (
    ("cases_case", "opened_by_id"),
    ("cases_case", "changed_by_id"),
    ("cases_assessment", "assessed_by_id"),
    ("cases_assessment", "case_id"),
    ("cases_obligation", "assessment_id"),
    ("cases_obligation", "closed_by_id"),
    ("cases_timelineentry", "actor_id"),
    ("cases_timelineentry", "case_id"),
    ("cases_case_officers", "case_id"),
    ("cases_case_officers", "official_id"),
    ("traces_trace", "run_by_id"),
    ("traces_trace", "check_record_id"),
    ("notifications_notice", "recipient_id"),
    ("notifications_notice", "post_id"),
    ("reports_standing", "post_id"),
)

#: (table, column): each dropped index's column that a read still seeks by, and the index
#: (leading with it) that serves it.
SERVED_BY = (
    ("cases_assessment", "case_id", "cases_assessment_number_unique_per_case"),
    ("cases_timelineentry", "case_id", "cases_timeline_case_at"),
    ("cases_case_officers", "case_id", "cases_case_officers_case_id_official_id_645753d6_uniq"),
    ("cases_case_officers", "official_id", "cases_case_officers_by_official"),
    ("notifications_notice", "recipient_id", "notifications_recipient_time"),
    ("reports_standing", "post_id", "reports_standing_post_stage"),
)


def _constraints(table: str) -> dict[str, Any]:
    with connection.cursor() as cursor:
        return connection.introspection.get_constraints(cursor, table)


def _pattern_indexes(table: str, column: str) -> list[str]:
    """PostgreSQL's indexes of ``column`` made for ``LIKE 'x%'`` (``varchar_pattern_ops``)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname FROM pg_indexes WHERE tablename = %s "
            "AND indexdef LIKE %s AND indexdef LIKE %s",
            [table, "%pattern_ops%", f"%({column} %"],
        )
        return [name for (name,) in cursor.fetchall()]


@pytest.mark.parametrize(("table", "column"), UNINDEXED)
def test_a_foreign_key_that_nothing_reads_by_has_no_index_of_its_own(
    table: str, column: str
) -> None:
    alone = [
        name
        for name, found in _constraints(table).items()
        if found["index"] and found["columns"] == [column]
    ]
    assert alone == []


@pytest.mark.parametrize(("table", "column", "index"), SERVED_BY)
def test_a_dropped_index_s_reads_are_served_by_one_leading_with_its_column(
    table: str, column: str, index: str
) -> None:
    assert _constraints(table)[index]["columns"][0] == column


def test_a_case_keeps_its_index_on_its_post() -> None:
    """Kept: the home page's statements awaiting a witness seek a post's cases by post and id,
    which only this index (whose entries end with the id) serves on SQLite."""
    indexes = _constraints("cases_case")
    assert any(found["columns"] == ["post_id"] for found in indexes.values())


def test_the_audit_hash_and_the_cryptonym_stay_unique() -> None:
    for table, column in (("core_auditevent", "hash"), ("cases_case", "cryptonym")):
        unique = [
            found
            for found in _constraints(table).values()
            if found["unique"] and found["columns"] == [column]
        ]
        assert len(unique) == 1, (table, column)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's pattern indexes")
def test_no_pattern_index_is_kept_for_the_hash_or_the_cryptonym() -> None:
    assert _pattern_indexes("core_auditevent", "hash") == []
    assert _pattern_indexes("cases_case", "cryptonym") == []


def test_the_audit_search_by_action_has_one_index() -> None:
    """The search filters ``action__startswith`` (``LIKE 'x%'``): on PostgreSQL only a pattern
    index serves it, and the plain one is gone; SQLite counts from its plain one."""
    on_action = [
        name
        for name, found in _constraints("core_auditevent").items()
        if found["index"] and found["columns"] == ["action"]
    ]
    assert on_action == ["core_audit_action_idx"]
    if connection.vendor == "postgresql":
        assert _pattern_indexes("core_auditevent", "action") == ["core_audit_action_idx"]


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's query plan")
def test_an_entrys_index_rows_are_found_by_the_partial_index() -> None:
    """Replacing and reindexing a watch list's entries delete their rows by ``entry_id IN``
    (and deleting an entry, by its key): the partial index serves both."""
    for sql in (
        "DELETE FROM traces_indexterm WHERE entry_id IN (1, 2)",
        "SELECT id FROM traces_indexterm WHERE entry_id = 1",
    ):
        with connection.cursor() as cursor:
            cursor.execute(f"EXPLAIN QUERY PLAN {sql}")
            plan = " ".join(str(row[-1]) for row in cursor.fetchall())
        assert "traces_indexterm_entry" in plan, sql


def test_a_taken_cryptonym_is_still_refused(open_case: Any) -> None:
    """The intake draws again when its cryptonym is taken (``ON CONFLICT (cryptonym) DO
    NOTHING``): the constraint still names the column."""
    case = open_case()
    assert Case.objects.filter(cryptonym=case.cryptonym).count() == 1
    with pytest.raises(IntegrityError), transaction.atomic():
        Case.objects.create(cryptonym=case.cryptonym, post=case.post, sensitivity=case.sensitivity)
