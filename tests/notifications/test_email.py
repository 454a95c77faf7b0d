"""Notices by e-mail (``DEFECTOR_EMAIL_NOTICES``): written to the outbox with the notices, sent
by the worker (``notifications.actions.outbox``) to a real SMTP server the test starts
(aiosmtpd), retried with backoff, never sent twice by two senders."""

from __future__ import annotations

import datetime as dt
import socket
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from defector.core import metrics
from defector.notifications import actions
from defector.notifications.actions import outbox
from defector.notifications.choices import EMAIL_MAX_ATTEMPTS, EmailStatus
from defector.notifications.models import Notice, OutboundEmail
from support.smtp import SmtpServer, run_smtp_server

pytestmark = pytest.mark.django_db

SEND_TASK = "defector.notifications.actions.outbox.send_outbox"


def test_notices_are_emailed_by_the_worker_with_cryptonyms_only(
    email_through: SmtpServer,
    committee: dict[str, User],
    open_case: Any,
    raise_problem: Any,
    committed: Any,
) -> None:
    # The problem's texts name a person who is not the case's subject: a text naming the
    # subject is refused before any notice is sent (6b(1), tests/escalations/test_free_text.py).
    case = open_case(true_name="Boris Ivanovich Kozlov")
    OutboundEmail.objects.all().delete()  # the opening's own notices, e-mailed in its transaction
    DBTaskResult.objects.all().delete()
    with committed():
        problem = raise_problem(
            cryptonyms=[case.cryptonym],
            title="Where Arkady Shevchenko sleeps tonight",
            description="Arkady Nikolayevich Shevchenko wants the residence.",
        )
    # Nothing is sent in the request: one outbox row for the one member with an address (the
    # CIA member; the raiser is not told; the chair and the senior representative have none).
    assert email_through.received == []
    [row] = OutboundEmail.objects.all()
    assert (row.to_address, row.status, row.attempts) == ("carl@example.gov", "pending", 0)
    assert DBTaskResult.objects.filter(task_path=SEND_TASK).count() == 1

    assert actions.deliver_due() == 1
    [received] = email_through.received
    assert received.sender == "defector-program@example.gov"
    assert received.recipients == ["carl@example.gov"]
    assert received.message_id == row.message_id
    subject = received.message["Subject"]
    assert subject.startswith(f"[Defector Program] Mutual problem: Mutual problem {problem.pk}")
    assert case.cryptonym in subject
    body = received.body
    assert f"Mutual problem {problem.pk} at VIENNA ({case.cryptonym}): raised, due" in body
    assert f"https://defector.example.gov/escalations/{problem.pk}/" in body
    for leak in ("Arkady", "Shevchenko", "Boris", "Kozlov", "residence", "sleeps", "Carl"):
        assert leak not in body
        assert leak not in subject
    row.refresh_from_db()
    assert (row.status, row.attempts, row.claimed_by) == ("sent", 1, "")
    assert row.sent_at is not None
    # Sent once: a second run finds nothing to send.
    assert actions.deliver_due() == 0
    assert len(email_through.received) == 1


def test_the_idc_is_emailed_when_a_problem_is_referred(
    email_through: SmtpServer, committee: dict[str, User], raise_problem: Any, committed: Any
) -> None:
    from defector.escalations import actions as escalations

    problem = raise_problem()
    escalations.request_referral(
        acting_user=committee["cia_member"], problem_id=problem.pk, summary="Decide."
    )
    OutboundEmail.objects.all().delete()
    with committed():
        escalations.transmit_referral(acting_user=committee["cia_member"], problem_id=problem.pk)
    actions.deliver_due()
    addressed = sorted(r for message in email_through.received for r in message.recipients)
    assert addressed == ["idc@example.gov", "sara@example.gov"]


def test_nothing_is_queued_unless_it_is_turned_on(
    smtp_server: SmtpServer,
    settings: Any,
    committee: dict[str, User],
    raise_problem: Any,
    committed: Any,
) -> None:
    assert settings.DEFECTOR_EMAIL_NOTICES is False
    with committed():
        raise_problem()
    assert Notice.objects.count() == 3
    assert OutboundEmail.objects.count() == 0
    assert DBTaskResult.objects.filter(task_path=SEND_TASK).count() == 0


def test_a_rolled_back_change_queues_no_email(
    email_through: SmtpServer, committee: dict[str, User], world: Any
) -> None:
    from django.db import transaction

    official = committee["cia_member"].official

    def change_then_fail() -> None:
        with transaction.atomic():
            actions.notify_officials([official], "case", "Case AEFOX at VIENNA: changed.")
            raise RuntimeError("rolled back")

    with pytest.raises(RuntimeError):
        change_then_fail()
    assert OutboundEmail.objects.count() == Notice.objects.count() == 0


def test_a_mail_server_that_is_down_loses_nothing_and_is_tried_again_later(
    settings: Any, committee: dict[str, User], raise_problem: Any, committed: Any
) -> None:
    port = _closed_port()
    settings.DEFECTOR_EMAIL_NOTICES = True
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", port, 2
    with committed():
        raise_problem()
    now = timezone.now()
    assert actions.deliver_due(now) == 0
    assert Notice.objects.count() == 3
    [row] = OutboundEmail.objects.all()
    assert (row.status, row.attempts) == ("pending", 1)
    assert row.next_attempt_at == now + dt.timedelta(seconds=30)
    assert "ConnectionRefusedError" in row.last_error
    # The retry is queued for its time.
    assert DBTaskResult.objects.filter(task_path=SEND_TASK, run_after=row.next_attempt_at).exists()


def test_a_refusing_server_is_tried_again_with_backoff_until_it_accepts(
    email_through: SmtpServer, committee: dict[str, User], raise_problem: Any, committed: Any
) -> None:
    with committed():
        raise_problem()
    email_through.refuse = 2
    start = timezone.now()
    assert actions.deliver_due(start) == 0  # refused (451): wait 30 s
    row = OutboundEmail.objects.get()
    assert (row.status, row.attempts, row.next_attempt_at) == (
        "pending",
        1,
        start + dt.timedelta(seconds=30),
    )
    assert "451" in row.last_error
    assert actions.deliver_due(start + dt.timedelta(seconds=29)) == 0  # not due yet
    assert email_through.refused == 1
    second = start + dt.timedelta(seconds=30)
    assert actions.deliver_due(second) == 0  # refused again: now wait 60 s
    row.refresh_from_db()
    assert (row.attempts, row.next_attempt_at) == (2, second + dt.timedelta(seconds=60))
    assert actions.deliver_due(second + dt.timedelta(seconds=59)) == 0
    assert actions.deliver_due(second + dt.timedelta(seconds=60)) == 1  # accepted
    row.refresh_from_db()
    assert (row.status, row.attempts, row.last_error) == ("sent", 3, "")
    assert [m.message_id for m in email_through.received] == [row.message_id]
    assert email_through.refused == 2


@pytest.mark.parametrize(
    ("attempts", "seconds"),
    [(1, 30), (2, 60), (3, 120), (4, 240), (7, 1920), (8, 3600), (10, 3600)],
)
def test_the_wait_doubles_after_each_failure_up_to_an_hour(attempts: int, seconds: int) -> None:
    assert outbox.backoff(attempts) == dt.timedelta(seconds=seconds)


def test_an_email_is_given_up_after_the_last_try(
    settings: Any, committee: dict[str, User], raise_problem: Any, committed: Any
) -> None:
    settings.DEFECTOR_EMAIL_NOTICES = True
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", _closed_port()
    with committed():
        raise_problem()
    OutboundEmail.objects.update(attempts=EMAIL_MAX_ATTEMPTS - 1)
    actions.deliver_due()
    row = OutboundEmail.objects.get()
    assert (row.status, row.attempts) == (EmailStatus.FAILED, EMAIL_MAX_ATTEMPTS)
    assert actions.deliver_due(timezone.now() + dt.timedelta(days=1)) == 0


def test_the_outbox_depth_gauge_counts_the_emails_not_yet_sent_by_status(
    settings: Any, committee: dict[str, User], raise_problem: Any, committed: Any
) -> None:
    gauge = {gauge.name: gauge for gauge in metrics.registered_gauges()}["defector_outbox_emails"]
    assert gauge.read() == {("pending",): 0, ("sending",): 0, ("failed",): 0}
    settings.DEFECTOR_EMAIL_NOTICES = True
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", _closed_port()
    with committed():
        raise_problem()
    assert gauge.read() == {("pending",): 1, ("sending",): 0, ("failed",): 0}
    OutboundEmail.objects.update(attempts=EMAIL_MAX_ATTEMPTS - 1)
    actions.deliver_due()
    assert gauge.read() == {("pending",): 0, ("sending",): 0, ("failed",): 1}


def test_a_row_is_claimed_by_one_sender_only_until_its_lease_runs_out(
    email_through: SmtpServer, settings: Any, committee: dict[str, User], world: Any
) -> None:
    official = committee["cia_member"].official
    actions.notify_officials([official], "case", "Case AEFOX at VIENNA: changed.")
    row = OutboundEmail.objects.get()
    now = timezone.now()
    assert outbox.claim(row.pk, "first", now) is not None
    assert outbox.claim(row.pk, "second", now) is None
    # The first sender died: after its lease, another takes the row (a second attempt).
    later = now + dt.timedelta(seconds=settings.DEFECTOR_EMAIL_LEASE_SECONDS + 1)
    taken = outbox.claim(row.pk, "second", later)
    assert taken is not None
    assert (taken.claimed_by, taken.attempts, taken.status) == ("second", 2, "sending")


def test_the_worker_logs_in_with_the_configured_credentials(
    settings: Any, committee: dict[str, User], world: Any
) -> None:
    official = committee["cia_member"].official
    for server in run_smtp_server(credentials=("relay-user", "relay-secret")):
        settings.DEFECTOR_EMAIL_NOTICES = True
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST, settings.EMAIL_PORT = server.host, server.port
        settings.EMAIL_HOST_USER, settings.EMAIL_HOST_PASSWORD = "relay-user", "wrong"
        actions.notify_officials([official], "case", "Case AEFOX at VIENNA: changed.")
        now = timezone.now()
        assert actions.deliver_due(now) == 0
        assert "Authentication" in OutboundEmail.objects.get().last_error
        settings.EMAIL_HOST_PASSWORD = "relay-secret"
        assert actions.deliver_due(now + dt.timedelta(minutes=1)) == 1
        assert len(server.received) == 1


def _closed_port() -> int:
    with socket.socket() as unused:
        unused.bind(("127.0.0.1", 0))
        return int(unused.getsockname()[1])
