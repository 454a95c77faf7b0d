"""The demo's reports to the IDC (``6d``): one sent by Vienna's chair and acknowledged by the
IDC, on the Hungarian defector's case; the Chinese defector's case at Tokyo, received two
months ago, has had no report: its first period is overdue on both views."""

from __future__ import annotations

import datetime as dt
from typing import Final

from django.contrib.auth import get_user_model
from django.utils import timezone

from defector.cases.models import Case
from defector.reports import actions as reports
from defector.reports.models import StatusReport

#: The case (by where it came in) that gets a report, who drafts, sends and acknowledges it.
REPORTED: Final = (
    "Side entrance, Boltzmanngasse",
    "duty.officer",
    "committee.chair",
    "idc.analyst",
)
COMMENT: Final = "Debriefings continue at the safe flat; the determination is before the committee."


def load_reports() -> None:
    """Draft, send and acknowledge the report, through the actions (idempotent)."""
    where, drafter, sender, idc = REPORTED
    case = Case.objects.filter(received_where=where).first()
    if case is None or StatusReport.objects.filter(case=case).exists():
        return
    users = {
        user.username: user
        for user in get_user_model().objects.filter(username__in=(drafter, sender, idc))
    }
    now = timezone.now()
    report = reports.draft_report(
        acting_user=users[drafter],
        case_id=case.pk,
        expected_version=case.version,
        comment=COMMENT,
        at=now - dt.timedelta(days=2),
    )
    reports.send_report(
        acting_user=users[sender],
        report_id=report.pk,
        expected_version=report.version,
        at=now - dt.timedelta(days=2) + dt.timedelta(hours=3),
    )
    reports.acknowledge_report(
        acting_user=users[idc],
        report_id=report.pk,
        expected_version=report.version + 1,
        at=now - dt.timedelta(days=1),
    )
