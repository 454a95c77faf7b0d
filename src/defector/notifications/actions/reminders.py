"""One-time reminders (``6b(3)(d)``): a task past its due date reminds its assignee once.

:func:`remind_once` writes a :class:`~defector.notifications.models.Reminder` under a unique
key together with its notices (and their outbox e-mails), in one transaction: of two workers
sweeping at once, the second one's insert fails on the key and its notices roll back with it,
so every reminder is given exactly once. Other apps' sweeps (obligations due soon, overdue)
may use it with their own keys.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable, Sequence

from django.db import IntegrityError, transaction
from django.db.models import Model
from django.urls import reverse
from django.utils import timezone

from defector.cases.choices import OPEN_TASK_STATUSES
from defector.cases.models import CaseTask
from defector.directory.models import Official, Post
from defector.notifications.actions.notices import notify_officials
from defector.notifications.choices import NoticeKind
from defector.notifications.models import Reminder

logger = logging.getLogger(__name__)


def remind_once(
    key: str,
    officials: Iterable[Official],
    kind: str,
    summary: str,
    link: str = "",
    *,
    post: Post | None = None,
    about: Sequence[Model] = (),
) -> int:
    """Tell ``officials`` once ever for ``key``: how many were told (0 if it was done before,
    by this or another worker)."""
    if given(key):
        return 0
    try:
        with transaction.atomic():
            reminder = Reminder.objects.create(key=key, sent_at=timezone.now())
            notices = notify_officials(
                officials, kind, summary, link, post=post, about=about, acting_user=None
            )
            reminder.recipients = len(notices)
            reminder.save(update_fields=["recipients"])
    except IntegrityError:
        return 0
    return len(notices)


def given(key: str) -> bool:
    """Whether the reminder ``key`` was given already."""
    return Reminder.objects.filter(key=key).exists()


def task_link(task: CaseTask) -> str:
    """The task's page."""
    return reverse("cases:task", args=[task.case_id, task.pk])


def task_assignees(task: CaseTask) -> list[Official]:
    """Who answers for ``task``: the official it names, or the active officials of the agency
    it names (those who may see the case are told: ``about=[case]``)."""
    if task.official_id is not None:
        return list(Official.objects.filter(pk=task.official_id).select_related("user"))
    return list(
        Official.objects.filter(agency=task.agency, user__is_active=True)
        .select_related("user")
        .order_by("pk")
    )


def sweep_overdue_tasks(now: dt.datetime) -> int:
    """The ``notifications.overdue_tasks`` sweep: each open task past its due date reminds its
    assignee once (``6b(3)(d)``); how many reminders were given."""
    today = timezone.localdate(now)
    overdue = list(
        CaseTask.objects.filter(status__in=OPEN_TASK_STATUSES, due_on__lt=today)
        .select_related("case__post", "agency")
        .order_by("pk")
    )
    keys = {f"cases.casetask:{task.pk}:overdue": task for task in overdue}
    done = set(Reminder.objects.filter(key__in=list(keys)).values_list("key", flat=True))
    given = 0
    for key, task in keys.items():
        if key in done:
            continue
        case = task.case
        told = remind_once(
            key,
            task_assignees(task),
            NoticeKind.TASK,
            f"Task {task.pk} on case {case.cryptonym} at {case.post.code} is overdue: it was "
            f"due {task.due_on.isoformat()}.",
            task_link(task),
            post=case.post,
            about=[case],
        )
        given += 1 if told else 0
    return given
