"""Reads of the reports app for display, with access control applied: a report and its
contents as generated from the case, a case's and a post's reports, the work items, and
Washington's worldwide view."""

from __future__ import annotations

from defector.reports.queries.contents import answering_period, generate, same_contents
from defector.reports.queries.reports import (
    POST_CSV_COLUMNS,
    PostView,
    ReportView,
    case_section,
    describe,
    may_see_section,
    pending_for,
    post_for,
    post_reports,
    post_view,
    posts_of,
    report_detail,
    reports_of_case,
)
from defector.reports.queries.view import WorldView, world_view
from defector.reports.queries.world import (
    FACETS,
    Filters,
    WorldRow,
    may_see_world,
    parse_filters,
)

__all__ = [
    "FACETS",
    "POST_CSV_COLUMNS",
    "Filters",
    "PostView",
    "ReportView",
    "WorldRow",
    "WorldView",
    "answering_period",
    "case_section",
    "describe",
    "generate",
    "may_see_section",
    "may_see_world",
    "parse_filters",
    "pending_for",
    "post_for",
    "post_reports",
    "post_view",
    "posts_of",
    "report_detail",
    "reports_of_case",
    "same_contents",
    "world_view",
]
