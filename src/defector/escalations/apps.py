from __future__ import annotations

from django.apps import AppConfig


class EscalationsConfig(AppConfig):
    """Mutual problems of the local committees and their referral (``6c``)."""

    name = "defector.escalations"
    label = "escalations"
    verbose_name = "Escalations"

    def ready(self) -> None:
        from defector.committees.queries import register_problems_provider
        from defector.escalations import access  # noqa: F401  (registers its access rules)
        from defector.escalations.queries import open_problems_for_post

        # The committee's agenda is drawn from the post's open mutual problems too (6c).
        register_problems_provider(open_problems_for_post)
