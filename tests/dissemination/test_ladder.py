"""The escalation ladder of an unacknowledged report (``6b(3)(a)``), with a frozen clock: the
sweep is given ``now``. FLASH climbs (recipients again at 5 minutes, the chair at 10, the
senior US representative at 15, the IDC at 20); each step is taken once, however often the
sweep runs; an acknowledged report stops climbing; PRIORITY never climbs."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import ImproperlyConfigured

from defector.core import sweeps
from defector.core.models import AuditEvent
from defector.dissemination import actions
from defector.dissemination.choices import ladder
from defector.dissemination.models import Delivery, LadderStep, ThreatReport
from defector.notifications.models import Notice
from support.builders import official_of

from .conftest import minutes

pytestmark = pytest.mark.django_db


@pytest.fixture
def only_the_chair(committee: dict[str, User], world: Any) -> None:
    """VIENNA's distribution: its security officer alone is not set, so name only the
    committee member from State — the chair, the senior representative and the IDC come in
    by the ladder."""
    actions.set_distribution(
        acting_user=committee["chair"],
        post_id=world.vienna.pk,
        senior_representative=False,
        committee_chair=False,
        idc=False,
        members=[{"official_id": official_of(committee["state_member"]).pk, "seat": "other"}],
    )


def sweep(now: Any, committed: Callable[[], Any]) -> int:
    with committed():
        return actions.sweep_ladders(now)


def test_the_sweep_is_registered_for_the_worker() -> None:
    assert "dissemination.ladders" in {sweep.name for sweep in sweeps.registered()}


def test_a_flash_climbs_the_ladder_one_step_at_a_time(
    only_the_chair: None,
    issue: Callable[..., ThreatReport],
    committee: dict[str, User],
    committed: Callable[[], Any],
) -> None:
    report = issue()
    member = official_of(committee["state_member"]).pk
    assert sweep(minutes(report, 4.9), committed) == 0
    assert sweep(minutes(report, 5), committed) == 1
    assert Delivery.objects.get(report=report, recipient=member).told == 2
    assert sweep(minutes(report, 10), committed) == 1
    chair = Delivery.objects.get(report=report, recipient=official_of(committee["chair"]))
    assert (chair.seat, chair.step, chair.told) == ("committee_chair", 2, 1)
    assert sweep(minutes(report, 15), committed) == 1
    assert Delivery.objects.filter(
        report=report, recipient=official_of(committee["senior"]), step=3
    ).exists()
    assert sweep(minutes(report, 20), committed) == 1
    assert Delivery.objects.filter(
        report=report, recipient=official_of(committee["idc"]), seat="idc", step=4
    ).exists()
    assert list(report.ladder_steps.values_list("step", "target")) == [
        (1, "recipients"),
        (2, "committee_chair"),
        (3, "senior_representative"),
        (4, "idc"),
    ]
    escalated = Notice.objects.filter(kind="threat_report", summary__contains="escalation step")
    assert escalated.count() == 4
    assert AuditEvent.objects.filter(action="dissemination.ladder.step").count() == 4


def test_each_step_is_taken_once_when_the_sweep_runs_twice(
    only_the_chair: None, issue: Callable[..., ThreatReport], committed: Callable[[], Any]
) -> None:
    report = issue()
    late = minutes(report, 25)
    assert sweep(late, committed) == 4
    assert sweep(late, committed) == 0
    assert sweep(minutes(report, 60), committed) == 0
    assert LadderStep.objects.filter(report=report).count() == 4


def test_a_step_claimed_by_another_worker_is_not_taken_again(
    only_the_chair: None, issue: Callable[..., ThreatReport], committed: Callable[[], Any]
) -> None:
    report = issue()
    now = minutes(report, 5)
    # The other worker's claim: its row is in, so the insert of this one fails.
    LadderStep.objects.create(report=report, step=1, target="recipients", taken_at=now)
    with committed():
        assert actions.take_step(report, 1, "recipients", now) is False
    assert sweep(now, committed) == 0
    assert Notice.objects.filter(summary__contains="escalation step").count() == 0


def test_an_acknowledged_report_stops_climbing(
    only_the_chair: None,
    issue: Callable[..., ThreatReport],
    committee: dict[str, User],
    committed: Callable[[], Any],
) -> None:
    report = issue()
    assert sweep(minutes(report, 5), committed) == 1
    actions.acknowledge_report(acting_user=committee["state_member"], report_id=report.pk)
    assert sweep(minutes(report, 30), committed) == 0
    assert LadderStep.objects.filter(report=report).count() == 1


def test_those_the_ladder_adds_must_acknowledge_too(
    only_the_chair: None,
    issue: Callable[..., ThreatReport],
    committee: dict[str, User],
    committed: Callable[[], Any],
) -> None:
    report = issue()
    actions.acknowledge_report(acting_user=committee["state_member"], report_id=report.pk)
    assert sweep(minutes(report, 30), committed) == 0  # everyone it went to acknowledged


def test_immediate_climbs_slower_and_priority_never(
    issue: Callable[..., ThreatReport], committed: Callable[[], Any]
) -> None:
    immediate = issue(precedence="immediate")
    priority = issue(precedence="priority")
    assert sweep(minutes(immediate, 20), committed) == 0
    assert sweep(minutes(immediate, 30), committed) == 1
    assert sweep(minutes(priority, 600), committed) == 3  # the rest of IMMEDIATE's ladder
    assert not priority.ladder_steps.exists()
    assert immediate.ladder_steps.count() == 4


def test_the_ladder_is_set_in_the_settings(settings: Any) -> None:
    settings.DEFECTOR_THREAT_LADDERS = {"flash": [[2, "recipients"], [4, "idc"]]}
    assert ladder("flash") == ((2, "recipients"), (4, "idc"))
    settings.DEFECTOR_THREAT_LADDERS = {"flash": [[4, "recipients"], [2, "nobody"]]}
    with pytest.raises(ImproperlyConfigured):
        ladder("flash")
