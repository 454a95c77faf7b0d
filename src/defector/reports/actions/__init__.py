"""The writers of the reports app (``6d``): the steps of a status report (draft, regenerate,
send, acknowledge), each one transaction with its audit record, and the audited exports."""

from defector.reports.actions.exports import export_post, export_report, export_world
from defector.reports.actions.standing import (
    rebuild_standing,
    recompute_standing,
    refresh_standing,
)
from defector.reports.actions.steps import (
    REPORT_AUDIT_FIELDS,
    acknowledge_report,
    draft_report,
    regenerate_report,
    send_report,
)

__all__ = [
    "REPORT_AUDIT_FIELDS",
    "acknowledge_report",
    "draft_report",
    "export_post",
    "export_report",
    "export_world",
    "rebuild_standing",
    "recompute_standing",
    "refresh_standing",
    "regenerate_report",
    "send_report",
]
