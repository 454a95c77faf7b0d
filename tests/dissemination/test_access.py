"""Who may issue, see and acknowledge threat reports (``6b(3)(a)``): the officials who work
the case issue; whoever sees the case, and every recipient, sees the report; only recipients
acknowledge. The rest get 404, as if it did not exist."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth.models import User

from defector.cases.models import Case
from defector.core.errors import NotFound, PermissionDenied
from defector.dissemination import actions, queries
from defector.dissemination.models import ThreatReport
from support.builders import official_of

from .conftest import REPORT

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("who", ["officer", "cia_member", "state_member", "chair", "senior"])
def test_the_officials_who_work_the_case_issue_its_reports(
    who: str, request: pytest.FixtureRequest, threat_case: Case, committed: Any
) -> None:
    user: User = request.getfixturevalue(who)
    with committed():
        report = actions.issue_report(acting_user=user, case_id=threat_case.pk, **REPORT)
    assert report.issued_by == official_of(user)


@pytest.mark.parametrize(
    ("who", "refusal"),
    [
        ("invited_to_case", PermissionDenied),
        ("invited", NotFound),
        ("idc", PermissionDenied),
        ("bonn_member", NotFound),
        ("auditor", NotFound),
        ("administrator", NotFound),
        ("security_officer", NotFound),
    ],
)
def test_others_may_not_issue_one(
    who: str, refusal: type[Exception], request: pytest.FixtureRequest, threat_case: Case
) -> None:
    user: User = request.getfixturevalue(who)
    with pytest.raises(refusal):
        actions.issue_report(acting_user=user, case_id=threat_case.pk, **REPORT)
    assert not ThreatReport.objects.exists()


@pytest.fixture
def invited_to_case(invited: User, threat_case: Case) -> User:
    """The invited representative, invited to the threat case."""
    threat_case.invited.add(official_of(invited))
    return invited


@pytest.fixture
def with_security_officer(committee: dict[str, User], security_officer: User, world: Any) -> User:
    actions.set_distribution(
        acting_user=committee["chair"],
        post_id=world.vienna.pk,
        senior_representative=True,
        committee_chair=True,
        idc=True,
        members=[{"official_id": official_of(security_officer).pk, "seat": "security_officer"}],
    )
    return security_officer


@pytest.mark.parametrize(
    ("who", "sees"),
    [
        ("officer", True),
        ("state_member", True),
        ("invited_to_case", True),
        ("idc", True),
        ("with_security_officer", True),  # a recipient, on no committee
        ("bonn_member", False),
        ("auditor", False),
        ("administrator", False),
    ],
)
def test_whoever_sees_the_case_and_every_recipient_sees_the_report(
    who: str, sees: bool, request: pytest.FixtureRequest, issue: Callable[..., ThreatReport]
) -> None:
    user: User = request.getfixturevalue(who)
    report = issue()
    if sees:
        assert queries.report_detail(user, report.pk) == report
    else:
        with pytest.raises(NotFound):
            queries.report_detail(user, report.pk)
        assert not queries.reports_for(user).exists()


def test_a_recipient_not_on_the_committee_acknowledges(
    with_security_officer: User, issue: Callable[..., ThreatReport]
) -> None:
    report = issue()
    delivery = actions.acknowledge_report(acting_user=with_security_officer, report_id=report.pk)
    assert delivery.seat == "security_officer"
    assert delivery.acknowledged_at is not None


@pytest.mark.parametrize(
    ("who", "refusal"), [("state_member", PermissionDenied), ("bonn_member", NotFound)]
)
def test_only_recipients_acknowledge(
    who: str,
    refusal: type[Exception],
    request: pytest.FixtureRequest,
    issue: Callable[..., ThreatReport],
) -> None:
    user: User = request.getfixturevalue(who)
    report = issue()
    with pytest.raises(refusal):
        actions.acknowledge_report(acting_user=user, report_id=report.pk)


@pytest.mark.parametrize(
    ("who", "refusal"),
    [("state_member", PermissionDenied), ("senior", PermissionDenied), ("bonn_member", NotFound)],
)
def test_only_the_chair_keeps_the_distribution(
    who: str, refusal: type[Exception], request: pytest.FixtureRequest, world: Any
) -> None:
    user: User = request.getfixturevalue(who)
    with pytest.raises(refusal):
        actions.set_distribution(
            acting_user=user,
            post_id=world.vienna.pk,
            senior_representative=True,
            committee_chair=True,
            idc=False,
        )
