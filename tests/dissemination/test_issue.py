"""Issuing a threat report (``6b(3)(a)``): it goes at once to the post's distribution, each
recipient is told and acknowledges, and the case's obligation to disseminate is discharged
in the same transaction. True names are refused; nothing else on the case blocks it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth.models import User

from defector.cases.choices import ObligationStatus
from defector.cases.models import Case, Obligation
from defector.core import metrics
from defector.core.errors import InvalidInput, PolicyRefusal
from defector.core.models import AuditEvent
from defector.dissemination import actions
from defector.dissemination.models import Delivery, ThreatReport
from defector.notifications.models import Notice
from support.builders import TRUE_NAME, official_of

pytestmark = pytest.mark.django_db


def test_a_flash_goes_at_once_to_the_default_distribution(
    issue: Callable[..., ThreatReport], committee: dict[str, User], threat_case: Case
) -> None:
    report = issue()
    recipients = set(Delivery.objects.filter(report=report).values_list("recipient", flat=True))
    expected = {official_of(committee[who]).pk for who in ("senior", "chair", "idc")}
    assert recipients == expected
    assert report.source == threat_case.cryptonym
    assert all(d.delivered_at is not None and d.told == 1 for d in report.deliveries.all())


def test_each_recipient_gets_a_notice_by_cryptonym_linking_to_the_report(
    issue: Callable[..., ThreatReport], committee: dict[str, User], threat_case: Case
) -> None:
    report = issue()
    notices = Notice.objects.filter(kind="threat_report")
    assert notices.count() == 3
    for notice in notices:
        assert threat_case.cryptonym in notice.summary
        assert "FLASH" in notice.summary
        assert TRUE_NAME not in notice.summary
        assert "motor pool" not in notice.summary  # free text stays on the report
        assert notice.link == f"/dissemination/{report.pk}/"


def test_the_recipients_acknowledge_once_each_with_an_audit_record(
    issue: Callable[..., ThreatReport], committee: dict[str, User]
) -> None:
    report = issue()
    first = actions.acknowledge_report(acting_user=committee["senior"], report_id=report.pk)
    again = actions.acknowledge_report(acting_user=committee["senior"], report_id=report.pk)
    assert first.acknowledged_at is not None
    assert again.acknowledged_at == first.acknowledged_at
    events = AuditEvent.objects.filter(action="dissemination.delivery.acknowledge")
    assert events.count() == 1


def test_issuing_discharges_the_obligation_to_disseminate_in_the_same_transaction(
    issue: Callable[..., ThreatReport], threat_case: Case
) -> None:
    report = issue()
    obligation = Obligation.objects.get(
        case=threat_case, identifier="disseminate_threat_information"
    )
    assert obligation.status == ObligationStatus.DONE
    assert obligation.evidence_label == "dissemination.threatreport"
    assert obligation.evidence_id == str(report.pk)
    issued = AuditEvent.objects.get(action="dissemination.report.issue")
    discharged = AuditEvent.objects.get(action="cases.obligation.discharge")
    # Nothing between the two but the notices the issue wrote in its own transaction.
    between = AuditEvent.objects.filter(seq__gt=issued.seq, seq__lt=discharged.seq)
    assert discharged.seq > issued.seq
    assert set(between.values_list("action", flat=True)) <= {"notifications.notice.create"}


def test_a_true_name_in_any_text_is_refused_and_nothing_is_written(
    issue: Callable[..., ThreatReport], threat_case: Case
) -> None:
    with pytest.raises(InvalidInput) as refused:
        issue(details=f"He says {TRUE_NAME} saw the van.", location=f"{TRUE_NAME}'s flat")
    fields = {error["field"] for error in refused.value.errors}
    assert fields == {"details", "location"}
    assert TRUE_NAME not in str(refused.value)
    assert not ThreatReport.objects.exists()
    obligation = Obligation.objects.get(
        case=threat_case, identifier="disseminate_threat_information"
    )
    assert obligation.status == ObligationStatus.OPEN


def test_every_essential_field_is_named_when_missing(issue: Callable[..., ThreatReport]) -> None:
    with pytest.raises(InvalidInput) as refused:
        issue(precedence="routine", threatened=" ", location="", timing="")
    fields = {error["field"] for error in refused.value.errors}
    assert fields == {"precedence", "threatened", "location", "timing"}


def test_nothing_else_on_the_case_blocks_it_a_fresh_walk_in_issues_at_reception(
    issue: Callable[..., ThreatReport], threat_case: Case
) -> None:
    assert threat_case.stage == "reception"
    assert issue(precedence="priority").pk


def test_a_case_without_threat_information_issues_no_report(
    open_case: Callable[..., Case], officer: User, committee: dict[str, User]
) -> None:
    quiet = open_case()
    with pytest.raises(PolicyRefusal) as refused:
        actions.issue_report(
            acting_user=officer,
            case_id=quiet.pk,
            precedence="flash",
            threatened="x",
            location="y",
            timing="z",
        )
    assert refused.value.clauses == ("6b(3)(a)",)


def test_the_chairs_distribution_names_the_security_officer_and_drops_the_idc(
    issue: Callable[..., ThreatReport],
    committee: dict[str, User],
    security_officer: User,
    world: Any,
) -> None:
    actions.set_distribution(
        acting_user=committee["chair"],
        post_id=world.vienna.pk,
        senior_representative=True,
        committee_chair=True,
        idc=False,
        members=[{"official_id": official_of(security_officer).pk, "seat": "security_officer"}],
    )
    report = issue()
    seats = dict(Delivery.objects.filter(report=report).values_list("recipient", "seat"))
    assert seats == {
        official_of(security_officer).pk: "security_officer",
        official_of(committee["senior"]).pk: "senior_representative",
        official_of(committee["chair"]).pk: "committee_chair",
    }
    assert AuditEvent.objects.filter(action="dissemination.distribution.set").count() == 1


def test_an_official_not_cleared_for_the_case_is_not_sent_it(
    issue: Callable[..., ThreatReport],
    committee: dict[str, User],
    open_case: Callable[..., Case],
    officer: User,
) -> None:
    facts = {"nationalities": ["SU"], "requests": ["asylum"], "threat_information": True}
    secret = open_case(sensitivity="TOP SECRET", facts=facts)
    with_officer = issue(case_id=secret.pk)
    assert not with_officer.deliveries.exists()  # everyone on it is cleared SECRET only
    event = AuditEvent.objects.filter(action="dissemination.report.issue").last()
    assert event is not None
    assert len(event.after["withheld_not_cleared"]) == 3


def test_the_unacknowledged_gauge_counts_reports_until_every_recipient_has_acknowledged(
    issue: Callable[..., ThreatReport], committee: dict[str, User]
) -> None:
    gauge = {g.name: g for g in metrics.registered_gauges()}[
        "defector_threat_reports_unacknowledged"
    ]
    assert gauge.read() == {("flash",): 0, ("immediate",): 0, ("priority",): 0}
    report = issue()
    assert gauge.read() == {("flash",): 1, ("immediate",): 0, ("priority",): 0}
    for who in ("senior", "chair", "idc"):
        actions.acknowledge_report(acting_user=committee[who], report_id=report.pk)
    assert gauge.read() == {("flash",): 0, ("immediate",): 0, ("priority",): 0}
