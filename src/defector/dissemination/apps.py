from __future__ import annotations

from django.apps import AppConfig


class DisseminationConfig(AppConfig):
    """Priority dissemination of threat information (``6b(3)(a)``): threat reports, their
    distribution, acknowledgements and the escalation ladder of an unacknowledged FLASH."""

    name = "defector.dissemination"
    label = "dissemination"
    verbose_name = "Dissemination"

    def ready(self) -> None:
        from defector.cases.sections import (
            CaseBanner,
            ListBanner,
            register_banner,
            register_list_banner,
        )
        from defector.core import metrics, sweeps
        from defector.dissemination import access  # noqa: F401  (registers its access rules)
        from defector.dissemination.actions import sweep_ladders
        from defector.dissemination.choices import SWEEP_EVERY
        from defector.dissemination.queries import (
            banner_data,
            list_banner_data,
            pending_for,
            unacknowledged_by_precedence,
        )
        from defector.notifications.pending import register_pending_provider

        # An unacknowledged FLASH climbs its ladder (6b(3)(a)): the worker runs the sweep.
        sweeps.register("dissemination.ladders", sweep_ladders, every=SWEEP_EVERY)
        # The red banner at the top of a case with threat information not yet disseminated,
        # and on the post's case list.
        register_banner(
            CaseBanner(
                key="threat-information",
                template="dissemination/banner.html",
                order=10,
                build=banner_data,
            )
        )
        register_list_banner(
            ListBanner(
                key="threat-information",
                template="dissemination/list_banner.html",
                order=10,
                build=list_banner_data,
            )
        )
        # Threat reports waiting for the official's acknowledgement, on the What's new page.
        register_pending_provider(pending_for)
        metrics.register_gauge(
            "defector_threat_reports_unacknowledged",
            "Threat reports that a recipient has still to acknowledge, by precedence (6b(3)(a)).",
            unacknowledged_by_precedence,
            labels=("precedence",),
        )
