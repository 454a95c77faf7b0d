from __future__ import annotations

from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    """Members kept currently informed (``6e``): each official's feed, and e-mail if enabled."""

    name = "defector.notifications"
    label = "notifications"
    verbose_name = "Notifications"

    def ready(self) -> None:
        from defector.notifications import receivers

        receivers.connect()
        from defector.notifications import access  # noqa: F401  (registers its access rules)
