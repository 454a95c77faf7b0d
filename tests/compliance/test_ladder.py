"""Reminders and the escalation ladder, with a frozen clock (each sweep is given ``now``): the
owner is reminded before the due time; once overdue, the committee chair, then the senior US
representative, then the IDC are told, each step exactly once, however often and on however
many workers the sweep runs."""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.db import connection

from defector.cases.models import Case, Obligation
from defector.compliance import actions
from defector.compliance.models import LadderStepSent
from defector.core.models import AuditEvent
from defector.notifications.models import Notice
from support.builders import TRUE_NAME

from .conftest import AT, EVERYTHING, RECEIVED

Sweep = Callable[[str, dt.datetime], int]
THREAT_DUE = AT + dt.timedelta(minutes=15)
BONA_FIDES_DUE = RECEIVED + dt.timedelta(days=30)


def obligation(case: Case, identifier: str) -> Obligation:
    return Obligation.objects.get(case=case, identifier=identifier, period=1)


def steps(ob: Obligation) -> list[str]:
    return list(
        LadderStepSent.objects.filter(obligation=ob)
        .order_by("sent_at", "pk")
        .values_list("step", flat=True)
    )


def told(user: User, needle: str = "") -> list[Notice]:
    return [n for n in Notice.objects.filter(recipient__user=user) if needle in n.summary]


@pytest.fixture
def case(open_case: Any, committee: dict[str, User]) -> Case:
    return open_case(facts=EVERYTHING, received_at=RECEIVED, at=AT)


@pytest.mark.django_db
def test_the_owner_is_reminded_before_the_due_time(
    case: Case, sweep: Sweep, committee: dict[str, User]
) -> None:
    bona_fides = obligation(case, "establish_bona_fides")
    assert bona_fides.owner is not None
    sweep("ladder", BONA_FIDES_DUE - dt.timedelta(days=3))
    assert steps(bona_fides) == []
    sweep("ladder", BONA_FIDES_DUE - dt.timedelta(days=1))
    assert steps(bona_fides) == ["due_soon"]
    [notice] = told(bona_fides.owner.user, "Establish bona fides")
    assert notice.kind == "obligation"
    assert notice.summary.startswith("Due soon, by 01 Apr 2026 08:30 UTC")
    assert case.cryptonym in notice.summary
    assert notice.link == f"/cases/{case.pk}/"


@pytest.mark.django_db
def test_an_overdue_obligation_climbs_the_ladder_one_step_at_a_time(
    case: Case, sweep: Sweep, committee: dict[str, User]
) -> None:
    bona_fides = obligation(case, "establish_bona_fides")
    chair, senior, idc = committee["chair"], committee["senior"], committee["idc"]
    needle = "Establish bona fides"
    sweep("ladder", BONA_FIDES_DUE)  # due, not yet overdue
    assert "chair" not in steps(bona_fides)
    sweep("ladder", BONA_FIDES_DUE + dt.timedelta(minutes=1))
    assert steps(bona_fides) == ["due_soon", "chair"]
    assert len(told(chair, needle)) == 1
    assert told(senior, needle) == []
    assert told(idc, needle) == []
    sweep("ladder", BONA_FIDES_DUE + dt.timedelta(days=3))
    assert steps(bona_fides)[-1] == "senior"
    assert len(told(senior, needle)) == 1
    assert told(idc, needle) == []
    sweep("ladder", BONA_FIDES_DUE + dt.timedelta(days=7))
    assert steps(bona_fides) == ["due_soon", "chair", "senior", "idc"]
    [to_idc] = told(idc, needle)
    assert to_idc.summary.startswith(
        "Overdue since 01 Apr 2026 08:30 UTC, escalated to the IDC: Establish bona fides"
    )
    assert len(told(chair, needle)) == 1
    assert len(told(senior, needle)) == 1


@pytest.mark.django_db
def test_threat_information_climbs_in_minutes(
    case: Case, sweep: Sweep, committee: dict[str, User]
) -> None:
    threat = obligation(case, "disseminate_threat_information")
    sweep("ladder", AT + dt.timedelta(minutes=5))
    assert steps(threat) == []
    for minutes, expected in [
        (11, ["due_soon"]),
        (16, ["due_soon", "chair"]),
        (31, ["due_soon", "chair", "senior"]),
        (46, ["due_soon", "chair", "senior", "idc"]),
    ]:
        sweep("ladder", AT + dt.timedelta(minutes=minutes))
        assert steps(threat) == expected


@pytest.mark.django_db
def test_a_late_first_sweep_sends_every_step_that_has_come_and_no_reminder(
    case: Case, sweep: Sweep
) -> None:
    bona_fides = obligation(case, "establish_bona_fides")
    sweep("ladder", BONA_FIDES_DUE + dt.timedelta(days=10))
    assert steps(bona_fides) == ["chair", "senior", "idc"]


@pytest.mark.django_db
def test_the_report_to_the_idc_is_told_as_a_report_due(
    case: Case, sweep: Sweep, committee: dict[str, User]
) -> None:
    sweep("ladder", AT + dt.timedelta(days=31))
    [notice] = told(committee["chair"], "Keep the Interagency Defector Committee informed")
    assert notice.kind == "report"


@pytest.mark.django_db
def test_each_step_is_sent_once_when_the_sweep_runs_twice(
    case: Case, sweep: Sweep, committee: dict[str, User]
) -> None:
    later = AT + dt.timedelta(days=40)
    sent = sweep("ladder", later)
    assert sent > 0
    notices = Notice.objects.count()
    events = AuditEvent.objects.filter(action="compliance.ladder.step").count()
    assert events == sent == LadderStepSent.objects.count()
    assert sweep("ladder", later) == 0
    assert sweep("ladder", later + dt.timedelta(minutes=1)) == 0
    assert Notice.objects.count() == notices
    assert AuditEvent.objects.filter(action="compliance.ladder.step").count() == events


@pytest.mark.django_db
def test_two_workers_that_find_the_same_steps_send_each_once(
    case: Case, django_capture_on_commit_callbacks: Any, committee: dict[str, User]
) -> None:
    later = AT + dt.timedelta(days=40)
    first_worker = actions.ladder_candidates(later)
    second_worker = actions.ladder_candidates(later)
    assert len(first_worker) == len(second_worker) > 0
    with django_capture_on_commit_callbacks(execute=True):
        claimed = [actions.claim_step(due, later) for due in first_worker + second_worker]
    assert sum(claimed) == len(first_worker)
    pairs = list(LadderStepSent.objects.values_list("obligation_id", "step"))
    assert len(pairs) == len(set(pairs)) == len(first_worker)
    per_recipient = [(n.recipient_id, n.summary) for n in Notice.objects.all()]
    assert len(per_recipient) == len(set(per_recipient))


@pytest.mark.django_db
def test_notices_and_audit_records_carry_the_cryptonym_never_the_true_name(
    case: Case, sweep: Sweep
) -> None:
    sweep("ladder", AT + dt.timedelta(days=40))
    summaries = list(Notice.objects.values_list("summary", flat=True))
    assert summaries
    assert all(case.cryptonym in s for s in summaries)
    texts = summaries + [
        str(e.after) + e.reason for e in AuditEvent.objects.filter(action__startswith="compliance")
    ]
    for part in TRUE_NAME.split():
        assert not any(part in text for text in texts)


@pytest.mark.django_db
def test_the_settings_change_the_ladder(case: Case, sweep: Sweep, settings: Any) -> None:
    settings.DEFECTOR_COMPLIANCE_LADDER = {"default": {"senior": {"days": 1}, "idc": {"days": 2}}}
    bona_fides = obligation(case, "establish_bona_fides")
    sweep("ladder", BONA_FIDES_DUE + dt.timedelta(days=1))
    assert steps(bona_fides) == ["chair", "senior"]


@pytest.mark.django_db
def test_a_discharged_obligation_is_not_escalated(case: Case, sweep: Sweep, officer: User) -> None:
    threat = obligation(case, "disseminate_threat_information")
    Obligation.objects.filter(pk=threat.pk).update(
        status="done", evidence="Cable sent.", closed_at=AT + dt.timedelta(minutes=5)
    )
    sweep("ladder", AT + dt.timedelta(hours=2))
    assert steps(threat) == []


@pytest.mark.django_db(transaction=True)
def test_two_workers_running_the_sweep_at_once_send_each_step_once(
    open_case: Any, committee: dict[str, User]
) -> None:
    if connection.vendor != "postgresql":
        pytest.skip(
            "the in-memory SQLite test database refuses concurrent writers instead of "
            "queueing them; the interleaved test above covers SQLite; run on PostgreSQL"
        )
    for _ in range(5):
        open_case(facts=EVERYTHING, received_at=RECEIVED, at=AT)
    later = AT + dt.timedelta(days=40)
    expected = len(actions.ladder_candidates(later))
    start = threading.Barrier(2)
    sent: list[int] = []
    errors: list[BaseException] = []

    def work() -> None:
        try:
            start.wait()
            sent.append(actions.sweep_ladder(later))
        except BaseException as exc:  # reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=work) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert sum(sent) == expected == LadderStepSent.objects.count()
    per_recipient = [(n.recipient_id, n.summary) for n in Notice.objects.all()]
    assert len(per_recipient) == len(set(per_recipient))


@pytest.mark.django_db
def test_a_step_whose_notices_cannot_be_written_is_not_recorded_as_sent(
    case: Case, sweep: Sweep, committee: dict[str, User], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A step and its notices commit together: when the notices fail (or the worker dies
    while writing them), the step is left for the next sweep, never counted as told."""
    bona_fides = obligation(case, "establish_bona_fides")
    overdue = BONA_FIDES_DUE + dt.timedelta(minutes=1)

    def refuse(*args: object, **kwargs: object) -> None:
        raise RuntimeError("the notices could not be written")

    with monkeypatch.context() as patched:
        patched.setattr(actions, "notify_officials", refuse)
        with pytest.raises(RuntimeError):
            sweep("ladder", overdue)
    assert steps(bona_fides) == []
    sweep("ladder", overdue)
    assert steps(bona_fides) == ["chair"]
    assert len(told(committee["chair"], "Establish bona fides")) == 1
