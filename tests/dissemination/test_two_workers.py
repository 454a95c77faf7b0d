"""Two workers running the ladder's sweep at the same moment take each step once: each
claims a step by inserting its row, and the unique ``(report, step)`` pair lets one insert
in. Threads on PostgreSQL (the in-memory SQLite test database refuses concurrent writers)."""

from __future__ import annotations

import threading
from collections.abc import Callable

import pytest
from django.db import connection

from defector.dissemination import actions
from defector.dissemination.models import LadderStep, ThreatReport
from defector.notifications.models import Notice

from .conftest import minutes


@pytest.mark.django_db(transaction=True)
def test_two_workers_sweeping_at_once_take_every_step_once(
    issue: Callable[..., ThreatReport],
) -> None:
    if connection.vendor == "sqlite":
        pytest.skip("concurrent writers need PostgreSQL; the SQLite test database is shared")
    report = issue()
    now = minutes(report, 30)
    workers = 4
    start = threading.Barrier(workers)
    taken: list[int] = []
    errors: list[BaseException] = []

    def work() -> None:
        try:
            start.wait()
            taken.append(actions.sweep_ladders(now))
        except BaseException as exc:  # reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=work) for _ in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert sum(taken) == 4
    assert sorted(LadderStep.objects.filter(report=report).values_list("step", flat=True)) == [
        1,
        2,
        3,
        4,
    ]
    # each step's notices once: step 1 tells the three recipients again; steps 2-4 reach
    # the chair, the senior representative and the IDC member, who already have it
    escalated = Notice.objects.filter(summary__contains="escalation step")
    assert escalated.count() == 3 + 1 + 1 + 1
