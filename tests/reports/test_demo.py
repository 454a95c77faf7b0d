"""The demo shows the reports to the IDC: one sent and acknowledged, one case overdue."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import User

from defector.cases.models import Case
from defector.ops import demo
from defector.reports import queries
from defector.reports.models import StatusReport

pytestmark = pytest.mark.django_db


def test_the_demo_has_a_report_acknowledged_and_a_case_overdue(world: Any) -> None:
    Case.objects.all().delete()
    demo.load()
    demo.load()  # again: nothing more
    report = StatusReport.objects.get()
    assert report.status == "acknowledged"
    assert report.period == 1
    assert report.contents["case"]["post"] == "VIENNA"
    idc = User.objects.get(username="idc.analyst")
    overdue = queries.world_view(idc, queries.Filters(overdue="yes"))
    assert [row.post for row in overdue.rows] == ["TOKYO"]
    received = queries.world_view(idc, queries.Filters(post=report.post_id))
    assert sum(row.reports_received for row in received.rows) == 1
