"""The readers of the dissemination app (``6b(3)(a)``), with access control applied.

A report is read by whoever sees its case and by its recipients (``access.threat_report``);
a post's distribution by its committee, its senior US representative and the IDC. The case
page's banner and the case list's marker show the cases whose threat information is not yet
disseminated, with the time left on the obligation's clock.
"""

from defector.dissemination.queries.common import CLAUSE, MAX_ROW_ID, THREAT, row_id
from defector.dissemination.queries.distribution import (
    DistributionView,
    RecipientView,
    distribution_candidates,
    distribution_of,
    distribution_view,
    may_see_distribution,
)
from defector.dissemination.queries.reports import (
    DeliveryView,
    ReportView,
    StepView,
    describe,
    pending_for,
    report_detail,
    reports_for,
    unacknowledged_by_precedence,
)
from defector.dissemination.queries.threats import (
    IssueTarget,
    Undisseminated,
    banner_data,
    has_threat_information,
    issue_target,
    list_banner_data,
    wait_text,
)

__all__ = [
    "CLAUSE",
    "MAX_ROW_ID",
    "THREAT",
    "DeliveryView",
    "DistributionView",
    "IssueTarget",
    "RecipientView",
    "ReportView",
    "StepView",
    "Undisseminated",
    "banner_data",
    "describe",
    "distribution_candidates",
    "distribution_of",
    "distribution_view",
    "has_threat_information",
    "issue_target",
    "list_banner_data",
    "may_see_distribution",
    "pending_for",
    "report_detail",
    "reports_for",
    "row_id",
    "unacknowledged_by_precedence",
    "wait_text",
]
