"""Writes of the notifications app (``6e``): notices, the e-mail outbox, one-time reminders,
visits and acknowledgements. See :mod:`.notices`, :mod:`.outbox` and :mod:`.reminders`."""

from defector.notifications.actions.notices import (
    ACKNOWLEDGED,
    POST_MEMBER_ROLES,
    Visit,
    acknowledge,
    idc_members,
    mark_read,
    notify_idc,
    notify_officials,
    notify_post_members,
    post_officials,
    record_visit,
)
from defector.notifications.actions.outbox import (
    EMAIL_SUBJECT_PREFIX,
    deliver_due,
    email_enabled,
    request_delivery,
    send_outbox,
    sweep_outbox,
)
from defector.notifications.actions.reminders import (
    remind_once,
    sweep_overdue_tasks,
    task_assignees,
    task_link,
)

__all__ = [
    "ACKNOWLEDGED",
    "EMAIL_SUBJECT_PREFIX",
    "POST_MEMBER_ROLES",
    "Visit",
    "acknowledge",
    "deliver_due",
    "email_enabled",
    "idc_members",
    "mark_read",
    "notify_idc",
    "notify_officials",
    "notify_post_members",
    "post_officials",
    "record_visit",
    "remind_once",
    "request_delivery",
    "send_outbox",
    "sweep_outbox",
    "sweep_overdue_tasks",
    "task_assignees",
    "task_link",
]
