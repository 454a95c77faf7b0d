from __future__ import annotations

from django.apps import AppConfig


class EscalationsConfig(AppConfig):
    """Mutual problems of the local committees and their referral (``6c``)."""

    name = "defector.escalations"
    label = "escalations"
    verbose_name = "Escalations"

    def ready(self) -> None:
        from defector.escalations import access  # noqa: F401  (registers its access rules)
