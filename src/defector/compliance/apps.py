from __future__ import annotations

import datetime as dt

from django.apps import AppConfig


class ComplianceConfig(AppConfig):
    """Obligations on the clock: recurrences (``6d``), reminders and the escalation ladder,
    and the compliance views per post and worldwide."""

    name = "defector.compliance"
    label = "compliance"
    verbose_name = "Compliance"

    def ready(self) -> None:
        from defector.compliance import (
            access,  # noqa: F401  (registers its access rules)
            actions,
        )
        from defector.core import sweeps

        # The worker runs both every minute; each is idempotent and safe with two workers.
        sweeps.register(
            "compliance.recurrences", actions.sweep_recurrences, every=dt.timedelta(minutes=1)
        )
        sweeps.register("compliance.ladder", actions.sweep_ladder, every=dt.timedelta(minutes=1))
