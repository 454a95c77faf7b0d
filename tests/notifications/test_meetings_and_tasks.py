"""Every notice type sent (``6a``, ``6b(3)(d)``): meetings scheduled, moved or cancelled tell
the committee; a task assigned tells its assignee (an agency's: its officials who may see the
case), a task declined tells the one who assigned it, a task overdue reminds its assignee
exactly once; the What's new page shows every kind with its clause and link."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.utils import timezone

from defector.cases import actions as cases
from defector.cases.models import Case, CaseTask
from defector.committees import actions as committees
from defector.committees.models import Committee
from defector.core import sweeps
from defector.notifications import actions
from defector.notifications.actions import reminders
from defector.notifications.choices import KIND_CLAUSES, NoticeKind
from defector.notifications.models import Notice, OutboundEmail, Reminder
from support.smtp import SmtpServer

pytestmark = pytest.mark.django_db


def _told(kind: str) -> dict[str, str]:
    """``{username: summary}`` of the notices of ``kind``."""
    return {
        n.recipient.user.username: n.summary
        for n in Notice.objects.filter(kind=kind).select_related("recipient__user")
    }


def _vienna(world: Any) -> Committee:
    committee, _ = committees.ensure_committee(world.vienna)
    return committee


def test_scheduling_moving_and_cancelling_a_meeting_tells_the_committee_with_its_page(
    world: Any, committee: dict[str, User], committed: Any, settings: Any
) -> None:
    settings.DEFECTOR_EMAIL_NOTICES = True
    vienna = _vienna(world)
    start = timezone.now().replace(microsecond=0) + dt.timedelta(days=3)
    with committed():
        meeting = committees.schedule_meeting(
            acting_user=committee["chair"],
            committee_id=vienna.pk,
            starts_at=start,
            ends_at=start + dt.timedelta(hours=1),
            place="Chancery, secure conference room",
        )
    told = _told(NoticeKind.MEETING)
    # The members and the senior representative; not the chair who acted, not the invited.
    assert sorted(told) == ["ambassador.vienna", "carl.cia", "sara.state"]
    when = f"{start:%Y-%m-%d %H:%M} UTC"
    assert told["carl.cia"] == f"Meeting of the VIENNA committee scheduled for {when}."
    assert {n.link for n in Notice.objects.filter(kind="meeting")} == {
        f"/committees/meetings/{meeting.pk}/"
    }
    assert "Chancery" not in told["carl.cia"]  # the place is typed text: not in a notice
    assert OutboundEmail.objects.filter(notice__kind="meeting").count() == 2  # with addresses

    Notice.objects.all().delete()
    later = start + dt.timedelta(days=1)
    with committed():
        committees.reschedule_meeting(
            acting_user=committee["chair"],
            meeting_id=meeting.pk,
            starts_at=later,
            ends_at=later + dt.timedelta(hours=1),
        )
    moved = f"{later:%Y-%m-%d %H:%M} UTC"
    assert _told(NoticeKind.MEETING)["sara.state"] == (
        f"Meeting of the VIENNA committee moved to {moved}."
    )

    Notice.objects.all().delete()
    with committed():
        committees.cancel_meeting(acting_user=committee["chair"], meeting_id=meeting.pk)
    assert _told(NoticeKind.MEETING)["sara.state"] == (
        f"Meeting of the VIENNA committee cancelled; it was to be held {moved}."
    )


def _task(officer: User, case: Case, **assignee: Any) -> CaseTask:
    case.refresh_from_db()
    return cases.create_task(
        acting_user=officer,
        case_id=case.pk,
        expected_version=case.version,
        title="Name trace on the subject through the Bonn station",
        due_on=timezone.localdate() + dt.timedelta(days=7),
        **assignee,
    )


def test_a_task_assigned_tells_its_assignee_and_declined_tells_who_assigned_it(
    world: Any, committee: dict[str, User], officer: User, open_case: Any, committed: Any
) -> None:
    case = open_case(true_name="Boris Ivanovich Kozlov")
    carl = committee["cia_member"]
    Notice.objects.all().delete()
    with committed():
        task = _task(officer, case, official_id=carl.official.pk)
    assert _told(NoticeKind.TASK) == {
        "carl.cia": f"Task {task.pk} on case {case.cryptonym} at VIENNA assigned to you, due "
        f"{task.due_on.isoformat()}."
    }
    assert Notice.objects.get(kind="task").link == f"/cases/{case.pk}/tasks/{task.pk}/"

    Notice.objects.all().delete()
    case.refresh_from_db()
    with committed():
        cases.decline_task(
            acting_user=carl,
            case_id=case.pk,
            task_id=task.pk,
            expected_version=case.version,
            reason="The Bonn station has no one free this month.",
        )
    assert _told(NoticeKind.TASK) == {
        "case.officer": f"Task {task.pk} on case {case.cryptonym} at VIENNA declined by its "
        "assignee."
    }


def test_a_task_to_an_agency_tells_its_officials_who_may_see_the_case(
    world: Any, committee: dict[str, User], officer: User, open_case: Any, committed: Any
) -> None:
    case = open_case()
    Notice.objects.all().delete()
    with committed():
        task = _task(officer, case, agency_id=world.cia.pk)
    told = _told(NoticeKind.TASK)
    # The CIA's officials who may see the case, but not the officer who assigned it.
    assert "carl.cia" in told
    assert "case.officer" not in told
    assert "sara.state" not in told
    assert told["carl.cia"].endswith(f"assigned to CIA, due {task.due_on.isoformat()}.")


def test_an_overdue_task_reminds_its_assignee_once_however_often_it_is_swept(
    world: Any, committee: dict[str, User], officer: User, open_case: Any, settings: Any
) -> None:
    settings.DEFECTOR_EMAIL_NOTICES = True
    case = open_case()
    carl = committee["cia_member"]
    task = _task(officer, case, official_id=carl.official.pk)
    done = _task(officer, case, official_id=carl.official.pk)
    CaseTask.objects.filter(pk=task.pk).update(due_on=timezone.localdate() - dt.timedelta(days=1))
    CaseTask.objects.filter(pk=done.pk).update(
        due_on=timezone.localdate() - dt.timedelta(days=1),
        status="withdrawn",
        withdrawn_at=timezone.now(),
        withdrawal_reason="No longer needed: done by another.",
    )
    Notice.objects.all().delete()
    now = timezone.now()
    assert actions.sweep_overdue_tasks(now) == 1
    assert actions.sweep_overdue_tasks(now) == 0
    assert actions.sweep_overdue_tasks(now + dt.timedelta(days=3)) == 0
    [reminder] = Notice.objects.filter(kind="task")
    assert reminder.recipient == carl.official
    assert reminder.summary == (
        f"Task {task.pk} on case {case.cryptonym} at VIENNA is overdue: it was due "
        f"{(timezone.localdate() - dt.timedelta(days=1)).isoformat()}."
    )
    assert Reminder.objects.get().key == f"cases.casetask:{task.pk}:overdue"
    assert OutboundEmail.objects.filter(notice=reminder).exists()


def test_a_reminder_already_given_is_not_given_again_by_another_sweeper(
    world: Any, committee: dict[str, User], monkeypatch: pytest.MonkeyPatch
) -> None:
    carl = committee["cia_member"].official
    assert actions.remind_once("test:1", [carl], NoticeKind.TASK, "Task 1 is overdue.") == 1
    # A second worker that looked before the first committed: its insert fails on the key,
    # and its notices roll back with it.
    monkeypatch.setattr(reminders, "given", lambda key: False)
    assert actions.remind_once("test:1", [carl], NoticeKind.TASK, "Task 1 is overdue.") == 0
    assert Notice.objects.filter(summary="Task 1 is overdue.").count() == 1


def test_the_worker_runs_the_notification_sweeps() -> None:
    names = {sweep.name for sweep in sweeps.registered()}
    assert {"notifications.outbox", "notifications.overdue_tasks"} <= names


def test_whats_new_shows_every_kind_with_its_clause_and_link(
    world: Any, chair: User, client_for: Any
) -> None:
    for kind in NoticeKind:
        actions.notify_officials(
            [chair.official], kind, f"A {kind.value} notice.", f"/somewhere/{kind.value}/"
        )
    html = client_for(chair).get("/notifications/").content.decode()
    for kind in NoticeKind:
        start = html.index(f'data-kind="{kind.value}"')
        item = html[start : html.index("</li>", start)]
        assert kind.label in item
        assert f"/somewhere/{kind.value}/" in item
        assert KIND_CLAUSES[kind] in item


def test_minutes_forwarded_are_emailed_through_the_outbox(
    world: Any, committee: dict[str, User], committed: Any, email_through: SmtpServer
) -> None:
    vienna, chair = _vienna(world), committee["chair"]
    starts = timezone.now() + dt.timedelta(hours=1)
    meeting = committees.schedule_meeting(
        acting_user=chair,
        committee_id=vienna.pk,
        starts_at=starts,
        ends_at=starts + dt.timedelta(hours=1),
        place="Secure conference room",
    )
    committees.mark_meeting_held(
        acting_user=chair, meeting_id=meeting.pk, now=starts + dt.timedelta(hours=2)
    )
    committees.save_minutes(acting_user=chair, meeting_id=meeting.pk, text="AEFOX discussed.")
    committees.approve_minutes(acting_user=chair, meeting_id=meeting.pk)
    with committed():
        committees.forward_minutes(acting_user=chair, meeting_id=meeting.pk)
    assert email_through.received == []  # not in the request
    assert actions.deliver_due() == 3
    addressed = sorted(r for message in email_through.received for r in message.recipients)
    assert addressed == ["carl@example.gov", "idc@example.gov", "sara@example.gov"]
    assert all(
        f"/committees/meetings/{meeting.pk}/" in message.body for message in email_through.received
    )
