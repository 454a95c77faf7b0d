"""The standing rows of Washington's worldwide view (``6d``, ``reports.models.Standing``):
written in the transaction of every change that moves one of their figures, and rebuilt from
the source tables on demand.

:func:`refresh_standing` recomputes the rows of some cases from the source tables — the case
(cryptonym, sensitivity, custody, post, stage, opening), its ``report_to_idc`` periods, its
status reports, its requirements (exploitation as a whole, ``policy.exploitation.overall`` in
SQL) and its publicity proposals — and writes them in **one statement** (an insert of a
select, updating the row when it exists). It runs inside the caller's transaction, so the row
commits with the change or not at all. The receivers (``reports.receivers``) call it on every
case action (``case_changed``, sent inside the action's transaction) and on every save of a
``6d`` period, a requirement of a case or a proposal (Django's ``post_save``, also inside the
transaction: the compliance sweep opening a period and the publicity actions send no case
signal).

:func:`rebuild_standing` recomputes every row (an operator after writing the tables by other
means: ``defector report rebuild-standing``, audited); :func:`recompute_standing` the same
without an audit record (the data migration, the seed).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, Final

from django.db import DEFAULT_DB_ALIAS, connection, connections, transaction

from defector.cases.choices import ObligationStatus
from defector.cases.models import Case, Obligation
from defector.core import audit, prepared
from defector.core.inserts import Conversions
from defector.core.users import AnyUser
from defector.exploitation.choices import Overall
from defector.exploitation.choices import Status as RequirementStatus
from defector.exploitation.models import CaseRequirement
from defector.policy.obligations import ObligationId
from defector.publicity.choices import PENDING
from defector.publicity.models import Proposal
from defector.reports.choices import RECEIVED, Status
from defector.reports.models import Standing, StatusReport

#: The columns of a standing row, in the order the select yields them.
COLUMNS: tuple[str, ...] = (
    "case_id",
    "cryptonym",
    "sensitivity",
    "in_washington",
    "post_id",
    "stage",
    "opened_at",
    "exploitation",
    "received",
    "acknowledged",
    "drafts",
    "next_due",
    "last_sent",
    "proposals",
)


def _marks(values: Iterable[Any]) -> tuple[str, list[Any]]:
    listed = list(values)
    return ", ".join(["%s"] * len(listed)), listed


def _select(case_ids: list[int] | None) -> tuple[str, list[Any]]:
    """The standing rows of the cases (every case when ``None``) on which the ``6d``
    obligation ever arose, computed from the source tables: one select, each figure a
    correlated subquery on an indexed case key."""
    requirements = CaseRequirement._meta.db_table
    reports = StatusReport._meta.db_table
    obligations = Obligation._meta.db_table
    proposals = Proposal._meta.db_table
    received, received_params = _marks(RECEIVED)
    pending, pending_params = _marks(PENDING)
    only, only_params = ("", []) if case_ids is None else _marks(case_ids)
    sql = f"""
        SELECT x.id, x.cryptonym, x.sensitivity, x.in_washington, x.post_id, x.stage, x.opened_at,
            CASE
                WHEN x.applying = 0 THEN %s
                WHEN x.satisfied = x.applying THEN %s
                WHEN x.not_started = x.applying THEN %s
                ELSE %s
            END,
            x.received, x.acknowledged, x.drafts, x.next_due, x.last_sent, x.proposals
        FROM (
            SELECT c.id, c.cryptonym, c.sensitivity, c.in_washington, c.post_id, c.stage,
                c.opened_at,
                (SELECT COUNT(*) FROM {requirements} r
                    WHERE r.case_id = c.id AND r.status <> %s) AS applying,
                (SELECT COUNT(*) FROM {requirements} r
                    WHERE r.case_id = c.id AND r.status = %s) AS satisfied,
                (SELECT COUNT(*) FROM {requirements} r
                    WHERE r.case_id = c.id AND r.status = %s) AS not_started,
                (SELECT COUNT(*) FROM {reports} s
                    WHERE s.case_id = c.id AND s.status IN ({received})) AS received,
                (SELECT COUNT(*) FROM {reports} s
                    WHERE s.case_id = c.id AND s.status = %s) AS acknowledged,
                (SELECT COUNT(*) FROM {reports} s
                    WHERE s.case_id = c.id AND s.status = %s) AS drafts,
                (SELECT MIN(o.due_at) FROM {obligations} o
                    WHERE o.case_id = c.id AND o.identifier = %s AND o.status = %s) AS next_due,
                (SELECT MAX(s.sent_at) FROM {reports} s
                    WHERE s.case_id = c.id AND s.status IN ({received})) AS last_sent,
                (SELECT COUNT(*) FROM {proposals} p
                    WHERE p.case_id = c.id AND p.status IN ({pending})) AS proposals
            FROM {Case._meta.db_table} c
            WHERE EXISTS (
                SELECT 1 FROM {obligations} o WHERE o.case_id = c.id AND o.identifier = %s
            ){f" AND c.id IN ({only})" if case_ids is not None else ""}
        ) x
        WHERE 1 = 1
    """  # noqa: S608 (table names from the models; every value a parameter)
    params: list[Any] = [
        Overall.NO_REQUIREMENTS.value,
        Overall.SATISFIED.value,
        Overall.NOT_STARTED.value,
        Overall.IN_PROGRESS.value,
        RequirementStatus.NOT_APPLICABLE.value,
        RequirementStatus.SATISFIED.value,
        RequirementStatus.NOT_STARTED.value,
        *received_params,
        Status.ACKNOWLEDGED.value,
        Status.DRAFTED.value,
        ObligationId.REPORT_TO_IDC.value,
        ObligationStatus.OPEN.value,
        *received_params,
        *pending_params,
        ObligationId.REPORT_TO_IDC.value,
        *only_params,
    ]
    return sql, params


def refresh_standing(case_ids: Iterable[int]) -> None:
    """Recompute the standing rows of these cases from the source tables, in the caller's
    transaction: one statement (a case that never owed the ``6d`` report gets no row)."""
    ids = sorted({int(pk) for pk in case_ids})
    if not ids:
        return
    select, params = _select(ids)
    names = ", ".join(COLUMNS)
    updates = ", ".join(f"{name} = excluded.{name}" for name in COLUMNS[1:])
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {Standing._meta.db_table} ({names}) {select} "
            f"ON CONFLICT (case_id) DO UPDATE SET {updates}",
            params,
        )


def open_standing(case: Case, obligations: Iterable[Obligation]) -> None:
    """The standing row of a case created in the caller's transaction, whose only rows yet
    (besides its subject, links, assessment and note) are ``obligations`` (an intake's): the
    row :func:`refresh_standing` would compute, written from them without reading — no
    requirement (exploitation ``no_requirements``), no report, no proposal; the next due date
    the earliest open ``6d`` period's; no row unless the ``6d`` obligation arose."""
    periods = [o for o in obligations if o.identifier == ObligationId.REPORT_TO_IDC]
    if not periods:
        return
    due = [o.due_at for o in periods if o.status == ObligationStatus.OPEN and o.due_at is not None]
    values = {
        "case_id": case.pk,
        "cryptonym": case.cryptonym,
        "sensitivity": case.sensitivity,
        "in_washington": case.in_washington,
        "post_id": case.post_id,
        "stage": case.stage,
        "opened_at": case.opened_at,
        "exploitation": Overall.NO_REQUIREMENTS.value,
        "received": 0,
        "acknowledged": 0,
        "drafts": 0,
        "next_due": min(due) if due else None,
        "last_sent": None,
        "proposals": 0,
    }
    # The default database's own wrapper (not ``connection``, which asks for it on each use).
    wrapper = connections[DEFAULT_DB_ALIAS]
    with prepared.cursor(wrapper) as cursor:
        cursor.execute(
            _OPEN,
            _CONVERSIONS(values, wrapper),
        )


#: The fields of :data:`COLUMNS`, in order.
_FIELDS: Final = tuple(
    next(f for f in Standing._meta.concrete_fields if f.attname == name) for name in COLUMNS
)
#: How :data:`_FIELDS` write their values (``get_db_prep_save``), chosen once.
_CONVERSIONS: Final = Conversions(_FIELDS)
#: :func:`open_standing`'s statement: the row's values, as :func:`refresh_standing` writes them.
_OPEN: Final = (
    f"INSERT INTO {Standing._meta.db_table} ({', '.join(COLUMNS)}) "  # noqa: S608 (constant)
    f"VALUES ({', '.join(['%s'] * len(COLUMNS))}) ON CONFLICT (case_id) DO UPDATE SET "
    + ", ".join(f"{name} = excluded.{name}" for name in COLUMNS[1:])
)


def recompute_standing() -> int:
    """Every standing row again from the source tables, without an audit record (a data
    migration; the seed, whose audit events are exactly those it was asked for); answers how
    many rows there are."""
    select, params = _select(None)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {Standing._meta.db_table}")  # noqa: S608
        cursor.execute(
            f"INSERT INTO {Standing._meta.db_table} ({', '.join(COLUMNS)}) {select}",
            params,
        )
    return Standing.objects.count()


def rebuild_standing(*, acting_user: AnyUser | None = None) -> int:
    """Rebuild every standing row from the source tables, with its audit record (the seed, an
    operator: ``defector report rebuild-standing``); answers how many rows there are."""
    with transaction.atomic():
        before = Standing.objects.count()
        rows = recompute_standing()
        audit.record(
            actor=acting_user,
            action="reports.standing.rebuild",
            object_type="reports.standing",
            object_id="all",
            before={"rows": before},
            after={"rows": rows},
            reason="the worldwide view's standing rows recomputed from the source tables (6d)",
        )
    return rows
