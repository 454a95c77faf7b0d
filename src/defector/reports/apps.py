from __future__ import annotations

from django.apps import AppConfig


class ReportsConfig(AppConfig):
    """Status reports to the Interagency Defector Committee (``6d``): generated from the case,
    sent by the post, acknowledged by the IDC; the post's view of its reports, Washington's
    worldwide view, and their exports (CSV, PDF)."""

    name = "defector.reports"
    label = "reports"
    verbose_name = "Reports to the IDC"

    def ready(self) -> None:
        from defector.cases.sections import CaseSection, register_section
        from defector.notifications.pending import register_pending_provider
        from defector.reports import access  # noqa: F401  (registers its access rules)
        from defector.reports.queries import case_section, pending_for
        from defector.reports.receivers import connect

        # The standing rows of the worldwide view follow every change, in its transaction.
        connect()

        # The case's tab "Reports to the IDC": its reports, and drafting the next one.
        register_section(
            CaseSection(
                key="idc-reports",
                title="Reports to the IDC",
                template="reports/section.html",
                order=85,
                build=case_section,
            )
        )
        # The work items: reports to send (the chair) and to acknowledge (the IDC).
        register_pending_provider(pending_for)
