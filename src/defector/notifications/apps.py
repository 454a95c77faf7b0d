from __future__ import annotations

from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    """Members kept currently informed (``6e``): each official's feed, and e-mail if enabled."""

    name = "defector.notifications"
    label = "notifications"
    verbose_name = "Notifications"

    def ready(self) -> None:
        import datetime as dt

        from django.conf import settings

        from defector.core import metrics, sweeps
        from defector.notifications import actions, queries, receivers

        receivers.connect()
        from defector.notifications import access  # noqa: F401  (registers its access rules)

        # The outbox's safety net (retries, a dead sender's rows), and overdue tasks (6b(3)(d)).
        every = float(getattr(settings, "DEFECTOR_EMAIL_SWEEP_SECONDS", 10))
        sweeps.register(
            "notifications.outbox", actions.sweep_outbox, every=dt.timedelta(seconds=every)
        )
        sweeps.register(
            "notifications.overdue_tasks",
            actions.sweep_overdue_tasks,
            every=dt.timedelta(minutes=1),
        )
        metrics.register_gauge(
            "defector_outbox_emails",
            "E-mails of the outbox not yet sent, by status (pending, sending, failed).",
            queries.outbox_depth,
            labels=("status",),
        )
