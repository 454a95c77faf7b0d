"""A status report to the IDC (``6d``): drafted from the case, sent by the committee's chair
(four eyes), which discharges the period's obligation, and acknowledged by the IDC."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.contrib.auth.models import User

from defector.cases import actions as cases
from defector.cases.models import Case, Obligation
from defector.compliance import actions as compliance
from defector.core.errors import Conflict, InvalidInput, PermissionDenied, PolicyRefusal
from defector.core.models import AuditEvent
from defector.notifications.models import Notice
from defector.notifications.pending import pending_items
from defector.reports import actions
from defector.reports.models import StatusReport

from .conftest import CANARY, Pursue, version_of

pytestmark = pytest.mark.django_db


def periods(case: Case) -> list[Obligation]:
    return list(Obligation.objects.filter(case=case, identifier="report_to_idc").order_by("period"))


def draft(user: User, case: Case, comment: str = "") -> StatusReport:
    return actions.draft_report(
        acting_user=user, case_id=case.pk, expected_version=version_of(case), comment=comment
    )


def test_a_draft_is_generated_from_the_case_with_its_exploitation_per_requirement(
    officer: User, defector_case: Case, pursue: Pursue
) -> None:
    pursue(defector_case, "DCI-1", "satisfied", priority=1)
    pursue(defector_case, "DIA-7", "in_progress")
    report = draft(officer, defector_case, comment="Cooperative; debriefings continue.")
    contents = report.contents
    assert (report.number, report.status) == (1, "drafted")
    assert contents["case"]["cryptonym"] == defector_case.cryptonym
    assert contents["case"]["post"] == "VIENNA"
    assert "defector" in [c["code"] for c in contents["case"]["categories"]]
    assert "Defector" in [c["label"] for c in contents["case"]["categories"]]  # the 2a's title
    assert [(r["code"], r["status_label"]) for r in contents["exploitation"]["requirements"]] == [
        ("DCI-1", "Satisfied"),
        ("DIA-7", "In progress"),
    ]
    assert contents["exploitation"]["overall_label"] == "In progress"
    assert contents["intelligence_reports"] == 0  # none drawn from the case yet
    assert contents["period"]["number"] == 1
    assert contents["obligations"]["open"] >= 1
    assert CANARY.split()[0] not in str(contents)


def test_a_comment_naming_the_subject_is_refused(officer: User, defector_case: Case) -> None:
    with pytest.raises(InvalidInput) as refused:
        draft(officer, defector_case, comment=f"{CANARY} is cooperative.")
    assert refused.value.errors[0]["field"] == "comment"
    assert not StatusReport.objects.exists()


def test_sending_discharges_the_periods_obligation_and_tells_the_idc(
    officer: User, chair: User, idc: User, defector_case: Case, committed: Any
) -> None:
    report = draft(officer, defector_case)
    with committed():
        sent = actions.send_report(acting_user=chair, report_id=report.pk, expected_version=1)
    first = periods(defector_case)[0]
    assert (sent.status, sent.period, sent.obligation_id) == ("sent", 1, first.pk)
    assert first.status == "done"
    assert (first.evidence_label, first.evidence_id) == ("reports.statusreport", str(report.pk))
    notice = Notice.objects.get(recipient__user=idc, kind="report")
    assert defector_case.cryptonym in notice.summary
    assert notice.link == f"/reports/{report.pk}/"
    assert AuditEvent.objects.filter(action="reports.report.send").exists()


def test_a_report_discharges_the_overdue_period_before_the_current_one(
    officer: User, chair: User, defector_case: Case
) -> None:
    first = periods(defector_case)[0]
    assert first.due_at is not None
    compliance.sweep_recurrences(first.due_at + dt.timedelta(minutes=1))
    assert [p.period for p in periods(defector_case)] == [1, 2]
    report = draft(officer, defector_case)
    sent = actions.send_report(acting_user=chair, report_id=report.pk, expected_version=1)
    assert sent.period == 1
    assert [p.status for p in periods(defector_case)] == ["done", "open"]
    second = draft(officer, defector_case)
    assert (
        actions.send_report(acting_user=chair, report_id=second.pk, expected_version=1).period == 2
    )
    assert [p.status for p in periods(defector_case)] == ["done", "done"]


def test_the_chair_does_not_send_a_report_they_prepared(chair: User, defector_case: Case) -> None:
    report = draft(chair, defector_case)
    with pytest.raises(PolicyRefusal) as refused:
        actions.send_report(acting_user=chair, report_id=report.pk, expected_version=1)
    assert refused.value.clauses == ("6d",)
    assert "four eyes" in refused.value.message


def test_only_the_chair_sends(officer: User, state_member: User, defector_case: Case) -> None:
    report = draft(officer, defector_case)
    with pytest.raises(PermissionDenied):
        actions.send_report(acting_user=state_member, report_id=report.pk, expected_version=1)
    with pytest.raises(PermissionDenied):
        actions.send_report(acting_user=officer, report_id=report.pk, expected_version=1)


def test_a_draft_of_a_changed_case_is_regenerated_before_it_is_sent(
    officer: User, chair: User, defector_case: Case, pursue: Pursue
) -> None:
    report = draft(officer, defector_case)
    pursue(defector_case, "DCI-2", "in_progress")
    with pytest.raises(PolicyRefusal) as refused:
        actions.send_report(acting_user=chair, report_id=report.pk, expected_version=1)
    assert "regenerate" in refused.value.message
    regenerated = actions.regenerate_report(
        acting_user=officer, report_id=report.pk, expected_version=1
    )
    assert [r["code"] for r in regenerated.contents["exploitation"]["requirements"]] == ["DCI-2"]
    sent = actions.send_report(acting_user=chair, report_id=report.pk, expected_version=2)
    assert sent.status == "sent"


def test_a_stale_version_is_refused(officer: User, chair: User, defector_case: Case) -> None:
    report = draft(officer, defector_case)
    actions.regenerate_report(acting_user=officer, report_id=report.pk, expected_version=1)
    with pytest.raises(Conflict):
        actions.send_report(acting_user=chair, report_id=report.pk, expected_version=1)


def test_what_was_sent_stays_as_it_was_sent(
    officer: User, chair: User, defector_case: Case, pursue: Pursue
) -> None:
    report = draft(officer, defector_case)
    actions.send_report(acting_user=chair, report_id=report.pk, expected_version=1)
    pursue(defector_case, "DCI-3", "satisfied")
    report.refresh_from_db()
    assert report.contents["exploitation"]["requirements"] == []
    with pytest.raises(PolicyRefusal):
        actions.regenerate_report(acting_user=officer, report_id=report.pk, expected_version=2)


def test_the_idc_acknowledges_and_the_post_is_told(
    officer: User, chair: User, idc: User, state_member: User, defector_case: Case, committed: Any
) -> None:
    report = draft(officer, defector_case)
    actions.send_report(acting_user=chair, report_id=report.pk, expected_version=1)
    with pytest.raises(PermissionDenied):
        actions.acknowledge_report(acting_user=chair, report_id=report.pk, expected_version=2)
    with committed():
        done = actions.acknowledge_report(acting_user=idc, report_id=report.pk, expected_version=2)
    assert done.status == "acknowledged"
    assert done.acknowledged_by is not None
    assert done.acknowledged_by.user == idc
    assert Notice.objects.filter(recipient__user=state_member, kind="report").exists()
    with pytest.raises(PolicyRefusal):
        actions.acknowledge_report(acting_user=idc, report_id=report.pk, expected_version=3)


def test_a_draft_cannot_be_acknowledged(officer: User, idc: User, defector_case: Case) -> None:
    report = draft(officer, defector_case)
    with pytest.raises(PolicyRefusal):
        actions.acknowledge_report(acting_user=idc, report_id=report.pk, expected_version=1)


def test_a_closed_case_owes_no_further_report(officer: User, defector_case: Case) -> None:
    cases.move_case(
        acting_user=officer,
        case_id=defector_case.pk,
        expected_version=version_of(defector_case),
        to="closed",
        outcome="withdrew",
        reason="The person withdrew and left the post.",
    )
    with pytest.raises(PolicyRefusal):
        draft(officer, defector_case)


def test_the_work_items_are_reports_to_send_and_to_acknowledge(
    officer: User, chair: User, idc: User, defector_case: Case
) -> None:
    report = draft(officer, defector_case)
    assert [item.link for item in pending_items(chair)] == [f"/reports/{report.pk}/"]
    assert pending_items(idc) == [] or all("Acknowledge" not in i.title for i in pending_items(idc))
    actions.send_report(acting_user=chair, report_id=report.pk, expected_version=1)
    assert all("Send report" not in item.title for item in pending_items(chair))
    assert any(item.link == f"/reports/{report.pk}/" for item in pending_items(idc))
