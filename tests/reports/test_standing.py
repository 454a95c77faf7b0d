"""The standing rows of Washington's worldwide view (``6d``) never disagree with the source
tables: after each kind of change that moves a figure — a report's steps, a period opened by
the sweep or discharged, a requirement added and its status changed, a publicity proposal made
and withdrawn, a stage change, a move to another post — the case's row equals a recomputation
in Python from the source tables, and the figure the change moves has moved. The rebuild
(``defector report rebuild-standing``) makes the same rows from nothing, audited."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from io import StringIO
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.utils import timezone

from defector.cases import actions as cases
from defector.cases.models import Case, Obligation
from defector.compliance import actions as compliance
from defector.core.models import AuditEvent
from defector.exploitation import actions as exploitation
from defector.exploitation.models import CaseRequirement, Requirement
from defector.policy.exploitation import overall
from defector.publicity import actions as publicity
from defector.publicity.choices import PENDING
from defector.publicity.models import Proposal
from defector.reports import actions
from defector.reports.choices import RECEIVED
from defector.reports.models import Standing, StatusReport
from support.fixtures import MakeOfficial
from support.world import World

from .conftest import version_of

pytestmark = pytest.mark.django_db

FIGURES = (
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


def recomputed(case: Case) -> dict[str, Any] | None:
    """The case's standing from the source tables, in Python (not the action's SQL)."""
    case = Case.objects.get(pk=case.pk)
    periods = list(Obligation.objects.filter(case=case, identifier="report_to_idc"))
    if not periods:
        return None
    reports = list(StatusReport.objects.filter(case=case))
    received = [r for r in reports if r.status in RECEIVED]
    due = [p.due_at for p in periods if p.status == "open" and p.due_at is not None]
    statuses = CaseRequirement.objects.filter(case=case).values_list("status", flat=True)
    return {
        "cryptonym": case.cryptonym,
        "sensitivity": case.sensitivity,
        "in_washington": case.in_washington,
        "post_id": case.post_id,
        "stage": case.stage,
        "opened_at": case.opened_at,
        "exploitation": overall(statuses).value,
        "received": len(received),
        "acknowledged": sum(r.status == "acknowledged" for r in reports),
        "drafts": sum(r.status == "drafted" for r in reports),
        "next_due": min(due, default=None),
        "last_sent": max((r.sent_at for r in received if r.sent_at), default=None),
        "proposals": Proposal.objects.filter(case=case, status__in=PENDING).count(),
    }


def stored(case: Case) -> dict[str, Any] | None:
    return Standing.objects.filter(case=case).values(*FIGURES).first()


def test_after_each_kind_of_change_the_standing_row_equals_a_recomputation(
    officer: User,
    chair: User,
    idc: User,
    senior: User,
    world: World,
    make_official: MakeOfficial,
    defector_case: Case,
) -> None:
    case = defector_case
    bonn_chair = make_official("bonn.chair", ("committee_chair", world.bonn))
    catalogue = Requirement.objects.create(
        code="DCI-9",
        title="Order of battle",
        issuing_agency=world.cia,
        active_from=dt.date(1976, 5, 18),
    )
    made: dict[str, Any] = {}

    def draft() -> None:
        made["report"] = actions.draft_report(
            acting_user=officer, case_id=case.pk, expected_version=version_of(case)
        )

    def send() -> None:
        actions.send_report(acting_user=chair, report_id=made["report"].pk, expected_version=1)

    def sweep() -> None:
        assert compliance.sweep_recurrences(timezone.now()) == 1

    def acknowledge() -> None:
        actions.acknowledge_report(acting_user=idc, report_id=made["report"].pk, expected_version=2)

    def add_requirement() -> None:
        made["line"] = exploitation.add_requirement(
            acting_user=officer, case_id=case.pk, requirement_id=catalogue.pk
        )

    def set_status() -> None:
        exploitation.set_requirement_status(
            acting_user=officer,
            case_id=case.pk,
            line_id=made["line"].pk,
            expected_version=made["line"].version,
            status="in_progress",
        )

    def publicity_risk() -> None:
        cases.determine_political_risk(
            acting_user=senior,
            case_id=case.pk,
            expected_version=version_of(case),
            subject="publicity",
            level="moderate",
            reasoning="Publicity would strain relations with the host government.",
        )

    def propose() -> None:
        made["proposal"] = publicity.propose(
            acting_user=chair,
            case_id=case.pk,
            summary="A press conference in Washington.",
            window_start=timezone.localdate() + dt.timedelta(days=30),
            channels=["press"],
            risks="Reprisals against his family at home.",
        )

    def withdraw() -> None:
        publicity.withdraw(
            acting_user=chair,
            proposal_id=made["proposal"].pk,
            reason="The window has passed without a decision.",
            expected_version=made["proposal"].version,
        )

    def move_stage() -> None:
        cases.move_case(
            acting_user=officer, case_id=case.pk, expected_version=version_of(case), to="assessment"
        )

    def transfer() -> None:
        moving = cases.propose_transfer(
            acting_user=officer,
            case_id=case.pk,
            expected_version=version_of(case),
            to_post_id=world.bonn.pk,
            kind="exfiltration",
            reason="Hostile service surveillance around the embassy.",
        )
        cases.accept_transfer(acting_user=bonn_chair, transfer_id=moving.pk, expected_version=1)

    #: Each change, and the figures it must move ("" for none: a step of the setting only).
    changes: list[tuple[str, Callable[[], None], tuple[str, ...]]] = [
        ("a report drafted", draft, ("drafts",)),
        ("the report sent, discharging the period", send, ("received", "last_sent", "next_due")),
        ("the next period opened by the sweep", sweep, ("next_due",)),
        ("the report acknowledged", acknowledge, ("acknowledged",)),
        ("a requirement added", add_requirement, ("exploitation",)),
        ("the requirement's status changed", set_status, ("exploitation",)),
        ("the 7a determination on publicity", publicity_risk, ()),
        ("a publicity proposal made", propose, ("proposals",)),
        ("the proposal withdrawn", withdraw, ("proposals",)),
        ("the stage changed", move_stage, ("stage",)),
        ("the case moved to another post", transfer, ("post_id",)),
    ]
    before = stored(case)
    assert before is not None
    assert before == recomputed(case)
    for name, change, moves in changes:
        change()
        after = stored(case)
        assert after == recomputed(case), name
        assert after is not None
        moved = {figure for figure in FIGURES if after[figure] != before[figure]}
        assert moved >= set(moves), (name, moved)
        before = after

    # the rebuild makes the same rows from nothing, audited
    Standing.objects.all().delete()
    out = StringIO()
    call_command("report", "rebuild-standing", stdout=out)
    assert "1 standing rows rebuilt" in out.getvalue()
    assert stored(case) == recomputed(case)
    assert AuditEvent.objects.filter(action="reports.standing.rebuild").count() == 1
