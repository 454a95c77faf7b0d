from __future__ import annotations

from django.apps import AppConfig


class PublicityConfig(AppConfig):
    """Publicity and surfacing of a defector (``6f``, ``5a(5)``, ``5a(6)``): the local
    committee's proposal, the sign-offs of State and USIA, the IDC's decision and the release."""

    name = "defector.publicity"
    label = "publicity"
    verbose_name = "Publicity"

    def ready(self) -> None:
        from defector.cases.sections import CaseSection, register_section
        from defector.notifications.pending import register_pending_provider
        from defector.publicity import (
            access,  # noqa: F401  (registers its access rules)
            queries,
        )

        # The case page's "Publicity" section (a tab once sections become tabs).
        register_section(
            CaseSection(
                key="publicity",
                title="Publicity",
                template="publicity/section.html",
                order=85,
                build=queries.section_data,
            )
        )
        # What waits in My work: a sign-off (5a(6)), a decision or a release to record (6f).
        register_pending_provider(queries.pending_items)
