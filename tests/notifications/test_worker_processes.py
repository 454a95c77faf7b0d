"""Real ``defector worker`` processes (``core.worker``): two at once send every e-mail and give
every reminder exactly once; one killed (SIGKILL) in the middle of sending loses nothing and,
restarted, sends it once. The SMTP server is real (aiosmtpd) and says what it received."""

from __future__ import annotations

import datetime as dt
import signal
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.utils import timezone

from defector.cases.models import CaseTask
from defector.core.models import SweepLease, WorkerHeartbeat
from defector.notifications import actions
from defector.notifications.choices import NoticeKind
from defector.notifications.models import Notice, OutboundEmail, Reminder
from support.smtp import SmtpServer
from support.workers import WorkerDatabase, run_workers

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def workers(tmp_path: Path, smtp_server: SmtpServer, settings: Any) -> Iterator[WorkerDatabase]:
    settings.DEFECTOR_EMAIL_NOTICES = True
    for database in run_workers(tmp_path):
        database.env = {
            "DEFECTOR_EMAIL_NOTICES": "true",
            "DEFECTOR_EMAIL_HOST": smtp_server.host,
            "DEFECTOR_EMAIL_PORT": str(smtp_server.port),
            "DEFECTOR_EMAIL_TIMEOUT_SECONDS": "5",
            "DEFECTOR_EMAIL_FROM": "defector-program@example.gov",
            "DEFECTOR_EMAIL_SWEEP_SECONDS": "1",
        }
        yield database


def _overdue_tasks(case: Any, assignee: User, count: int) -> list[CaseTask]:
    due = timezone.localdate() - dt.timedelta(days=2)
    return [
        CaseTask.objects.create(
            case=case, title=f"Debrief step {n}", official=assignee.official, due_on=due
        )
        for n in range(count)
    ]


def test_two_workers_at_once_send_every_email_and_every_reminder_exactly_once(
    workers: WorkerDatabase,
    smtp_server: SmtpServer,
    committee: dict[str, User],
    open_case: Any,
) -> None:
    case = open_case(true_name="Boris Ivanovich Kozlov")
    carl = committee["cia_member"]
    tasks = _overdue_tasks(case, carl, 4)
    before = OutboundEmail.objects.count()  # opening the case told the members
    for n in range(6):
        actions.notify_officials(
            [carl.official, committee["state_member"].official],
            NoticeKind.CASE,
            f"Case {case.cryptonym} at VIENNA: change {n}.",
        )
    queued = OutboundEmail.objects.count()
    assert queued - before == 12
    workers.publish()

    workers.start("first")
    workers.start("second")
    expected = queued + len(tasks)  # and one reminder e-mail per overdue task
    assert smtp_server.wait_for(expected, timeout=30), workers.log("first")
    # A few more turns of both: nothing more arrives.
    assert not smtp_server.wait_for(expected + 1, timeout=1.5)
    workers.stop_all()
    workers.collect()

    ids = Counter(message.message_id for message in smtp_server.received)
    assert len(ids) == expected
    assert max(ids.values()) == 1
    assert set(OutboundEmail.objects.values_list("status", flat=True)) == {"sent"}
    assert set(OutboundEmail.objects.values_list("message_id", flat=True)) == set(ids)
    reminders = Notice.objects.filter(kind=NoticeKind.TASK, recipient=carl.official)
    assert sorted(n.link for n in reminders) == sorted(actions.task_link(t) for t in tasks)
    assert Reminder.objects.count() == len(tasks)
    for message in smtp_server.received:
        for leak in ("Boris", "Kozlov", "Carl", "Sara"):
            assert leak not in message.body
            assert leak not in str(message.message["Subject"])
    # Both workers beat; each sweep ran, and no lease is left held.
    assert WorkerHeartbeat.objects.count() == 2
    assert set(SweepLease.objects.values_list("name", flat=True)) >= {
        "notifications.outbox",
        "notifications.overdue_tasks",
    }


def test_a_worker_killed_while_sending_loses_nothing_and_duplicates_nothing(
    workers: WorkerDatabase,
    smtp_server: SmtpServer,
    committee: dict[str, User],
) -> None:
    carl = committee["cia_member"]
    actions.notify_officials([carl.official], NoticeKind.CASE, "Case AEFOX at VIENNA: changed.")
    row = OutboundEmail.objects.get()
    workers.publish()
    smtp_server.stall = 1  # the server takes the message and never answers its end

    doomed = workers.start("doomed", DEFECTOR_EMAIL_LEASE_SECONDS="1")
    assert smtp_server.wait_for(1, timeout=20, stalled=True), workers.log("doomed")
    doomed.send_signal(signal.SIGKILL)
    doomed.wait(timeout=10)
    assert smtp_server.received == []
    workers.collect()
    row.refresh_from_db()
    assert (row.status, row.attempts) == ("sending", 1)  # claimed, not sent, not lost

    workers.start("restarted", DEFECTOR_EMAIL_LEASE_SECONDS="1")
    assert smtp_server.wait_for(1, timeout=20), workers.log("restarted")
    assert not smtp_server.wait_for(2, timeout=1.5)
    workers.stop_all()
    workers.collect()

    [received] = smtp_server.received
    [stalled] = smtp_server.stalled
    # The same message both times: a resend is recognisable by its Message-ID.
    assert received.message_id == stalled.message_id == row.message_id
    assert received.recipients == ["carl@example.gov"]
    row.refresh_from_db()
    assert (row.status, row.attempts) == ("sent", 2)


SWEEP_WHEN_TOLD = """
import pathlib, time
from django.utils import timezone
from defector.notifications.actions import sweep_overdue_tasks
go = pathlib.Path({go!r})
while not go.exists():
    time.sleep(0.01)
print("reminded", sweep_overdue_tasks(timezone.now()))
"""


def test_two_processes_sweeping_overdue_tasks_at_the_same_instant_remind_each_once(
    workers: WorkerDatabase, committee: dict[str, User], open_case: Any, tmp_path: Path
) -> None:
    # Past the sweep's lease: the two run the sweep itself at once, so only the reminders'
    # unique keys stand between them and a double reminder.
    case = open_case()
    carl = committee["cia_member"]
    tasks = _overdue_tasks(case, carl, 20)
    workers.publish()
    go = tmp_path / "go"
    first = workers.python("first", SWEEP_WHEN_TOLD.format(go=str(go)))
    second = workers.python("second", SWEEP_WHEN_TOLD.format(go=str(go)))
    go.touch()
    assert first.wait(timeout=60) == 0, workers.log("first")
    assert second.wait(timeout=60) == 0, workers.log("second")
    workers.collect()

    counts = [
        int(workers.log(name).split("reminded ")[-1].split()[0]) for name in ("first", "second")
    ]
    assert sum(counts) == len(tasks)
    assert Reminder.objects.count() == len(tasks)
    told = Notice.objects.filter(kind=NoticeKind.TASK, recipient=carl.official)
    assert sorted(n.link for n in told) == sorted(actions.task_link(t) for t in tasks)
    assert OutboundEmail.objects.filter(notice__in=told).count() == len(tasks)
