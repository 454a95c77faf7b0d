"""The demo shows every kind of record the system keeps, each made through its app's actions:
meetings and minutes, procedures and guidance, the briefing register, mutual problems on each
path of ``6c``, a threat report, watch lists and name traces, inducement."""

from __future__ import annotations

from typing import Any

import pytest
from django.apps import apps
from django.contrib.auth.models import User

from defector.cases.models import Case, Obligation
from defector.committees.models import Meeting, ProceduresVersion
from defector.core.models import AuditEvent
from defector.dissemination.models import Delivery, ThreatReport
from defector.escalations import queries as escalations
from defector.escalations.models import Problem
from defector.ops import demo
from defector.traces.models import Hit, Trace

pytestmark = pytest.mark.django_db

#: Models the demo leaves empty, each with the reason.
NOT_IN_THE_DEMO = {
    # Made by use, not by the demo: sign-ins, sessions, tokens, second factors, idempotent
    # retries, audit checkpoints (`defector audit checkpoint`), the worker's own rows.
    "core.ApiToken": "made by use",
    "core.AuditCheckpoint": "made by `defector audit checkpoint` and the worker",
    "core.IdempotencyKey": "made by use",
    "core.WorkerHeartbeat": "made by the worker",
    "core.SweepLease": "made by the worker",
    "accounts.TrackedSession": "made by use",
    "accounts.SignInFailure": "made by use",
    "accounts.SignInLock": "made by use",
    "accounts.RecoveryCodeDevice": "made by use (demo mode has no second factor)",
    "accounts.RecoveryCode": "made by use (demo mode has no second factor)",
    "notifications.LastVisit": "made by use",
    "notifications.OutboundEmail": "made by the worker",
    "notifications.Reminder": "made by the worker's sweeps",
    "dissemination.LadderStep": "made by the worker when a report goes unacknowledged",
    "compliance.LadderStepSent": "made by the worker when an obligation is late",
}


@pytest.fixture
def loaded(world: Any, sealing_keys: None) -> None:
    """The demo on a database that holds only what it makes itself."""
    Case.objects.all().delete()
    demo.load()


@pytest.mark.usefixtures("loaded")
def test_the_demo_has_a_row_of_every_model_but_those_made_by_use() -> None:
    empty = {
        model._meta.label
        for model in apps.get_models()
        if model.__module__.startswith("defector.") and not model._default_manager.exists()
    }
    assert empty == set(NOT_IN_THE_DEMO)


@pytest.mark.usefixtures("loaded")
def test_the_demo_records_are_audited_and_loaded_once() -> None:
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {
        "committees.minutes.forward",
        "committees.minutes.acknowledge_receipt",
        "committees.procedures.approve",
        "committees.guidance.issue",
        "committees.briefing.record",
        "escalations.referral.transmit",
        "escalations.referral.acknowledge",
        "escalations.urgent.decide",
        "escalations.problem.resolve",
        "dissemination.report.issue",
        "dissemination.delivery.acknowledge",
        "traces.watchlistsource.import",
        "traces.trace.conclude",
        "cases.inducementact.record",
    } <= actions
    before = AuditEvent.objects.count()
    demo.load()
    assert AuditEvent.objects.count() == before


@pytest.mark.usefixtures("loaded")
def test_vienna_meets_works_its_problems_and_reports_the_threat_within_its_clock() -> None:
    held = Meeting.objects.get(committee__post__code="VIENNA", status="held")
    assert held.minutes.receipt_acknowledged_at is not None
    assert held.agenda_items.exists()
    assert held.attendance.exists()
    statuses = dict(Problem.objects.values_list("title", "status"))
    assert sorted(statuses.values()) == [
        "decided_by_senior_rep",
        "raised",
        "referred",
        "resolved_locally",
    ]
    assert ProceduresVersion.objects.filter(status="draft").count() == 1
    report = ThreatReport.objects.get()
    assert not Delivery.objects.filter(report=report, acknowledged_at__isnull=True).exists()
    disseminated = Obligation.objects.get(
        case=report.case, identifier="disseminate_threat_information"
    )
    assert disseminated.status == "done"
    assert disseminated.closed_at is not None
    assert disseminated.due_at is not None
    assert disseminated.closed_at <= disseminated.due_at
    idc = User.objects.get(username="idc.analyst")
    # The IDC has acknowledged the referral; its decision is left for the demo's IDC user.
    referred = escalations.problems_for(idc).get(status="referred")
    assert referred.referral.idc_acknowledged_at is not None
    assert referred.referral.idc_decided_at is None
    assert escalations.steps_for(idc, referred) == ["idc_decide"]
    trace = Trace.objects.get(kind="manual")
    assert trace.case == report.case
    assert trace.check_record is not None
    assert Hit.objects.filter(trace=trace, mark="match").count() == 1
