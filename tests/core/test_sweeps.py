"""The periodic sweeps (``core.sweeps``) and the worker's loop (``core.worker``): a sweep's turn
is taken by one worker only, comes again after its interval, is taken back from a worker that
died holding it; a failing sweep stops no other; each turn beats and runs a queued task."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from defector.core import sweeps
from defector.core.models import SweepLease, WorkerHeartbeat
from defector.core.worker import Worker, prune_finished_tasks
from defector.notifications.actions import send_outbox

pytestmark = pytest.mark.django_db

MINUTE = dt.timedelta(minutes=1)


@pytest.fixture
def registry(monkeypatch: pytest.MonkeyPatch) -> list[dt.datetime]:
    """An empty registry with one sweep, ``test.count``, that records each run's moment."""
    monkeypatch.setattr(sweeps, "_SWEEPS", {})
    runs: list[dt.datetime] = []

    def count(now: dt.datetime) -> int:
        runs.append(now)
        return 1

    sweeps.register("test.count", count, every=MINUTE)
    return runs


def test_a_sweep_needs_a_positive_interval() -> None:
    with pytest.raises(ValueError, match="must be positive"):
        sweeps.register("test.never", lambda now: 0, every=dt.timedelta(0))


def test_of_two_workers_one_runs_each_turn_and_the_next_comes_after_the_interval(
    registry: list[dt.datetime],
) -> None:
    now = timezone.now()
    assert sweeps.run_due("first", now) == {"test.count": 1}
    assert sweeps.run_due("second", now) == {}
    assert sweeps.run_due("second", now + MINUTE - dt.timedelta(seconds=1)) == {}
    assert sweeps.run_due("second", now + MINUTE) == {"test.count": 1}
    assert registry == [now, now + MINUTE]
    lease = SweepLease.objects.get(name="test.count")
    assert (lease.leased_by, lease.lease_until, lease.last_count) == ("", None, 1)
    assert lease.next_run_at == now + 2 * MINUTE


def test_a_sweep_held_by_a_dead_worker_is_taken_back_when_its_lease_runs_out(
    registry: list[dt.datetime],
) -> None:
    now = timezone.now()
    [sweep] = sweeps.registered()
    assert sweeps.take(sweep, "dead", now)  # and never released: killed
    assert sweeps.run_due("alive", now + MINUTE) == {}  # due, but the lease holds
    later = now + sweeps.LEASE_INTERVALS * MINUTE + dt.timedelta(seconds=1)
    assert sweeps.run_due("alive", later) == {"test.count": 1}


def test_a_failing_sweep_is_logged_and_stops_no_other(
    registry: list[dt.datetime], caplog: pytest.LogCaptureFixture
) -> None:
    def broken(now: dt.datetime) -> int:
        raise RuntimeError("boom")

    sweeps.register("test.broken", broken, every=MINUTE)
    now = timezone.now()
    assert sweeps.run_due("first", now) == {"test.broken": 0, "test.count": 1}
    assert "sweep test.broken failed" in caplog.text
    assert SweepLease.objects.get(name="test.broken").leased_by == ""


def test_the_heartbeat_is_one_row_per_worker_moved_at_each_beat() -> None:
    assert sweeps.last_heartbeat() is None
    sweeps.beat("host:1")
    first = sweeps.last_heartbeat()
    sweeps.beat("host:1")
    sweeps.beat("host:2")
    assert WorkerHeartbeat.objects.count() == 2
    latest = sweeps.last_heartbeat()
    assert first is not None
    assert latest is not None
    assert latest >= first


@pytest.mark.django_db(transaction=True)  # the worker closes connections between turns
def test_a_turn_of_the_worker_beats_runs_the_sweeps_and_a_queued_task(
    registry: list[dt.datetime], settings: Any
) -> None:
    result = send_outbox.enqueue()
    worker = Worker(interval=0, name="test:1")
    assert worker.turn() is True
    assert len(registry) == 1
    assert WorkerHeartbeat.objects.get().worker == "test:1"
    assert DBTaskResult.objects.get(id=result.id).status == "SUCCESSFUL"
    assert worker.turn() is False  # nothing left: it would sleep


def test_tasks_finished_over_a_day_ago_are_pruned_and_failed_ones_kept() -> None:
    old, recent, failed = (send_outbox.enqueue() for _ in range(3))
    now = timezone.now()
    DBTaskResult.objects.filter(id=old.id).update(
        status="SUCCESSFUL", finished_at=now - dt.timedelta(days=2)
    )
    DBTaskResult.objects.filter(id=recent.id).update(
        status="SUCCESSFUL", finished_at=now - dt.timedelta(hours=1)
    )
    DBTaskResult.objects.filter(id=failed.id).update(
        status="FAILED", finished_at=now - dt.timedelta(days=2)
    )
    assert prune_finished_tasks(now) == 1
    left = {str(task_id) for task_id in DBTaskResult.objects.values_list("id", flat=True)}
    assert left == {recent.id, failed.id}


def test_the_worker_runs_the_pruning_sweep() -> None:
    assert "core.finished_tasks" in {sweep.name for sweep in sweeps.registered()}
