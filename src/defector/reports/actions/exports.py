"""The audited exports of the reports app: a report as PDF or CSV, the worldwide view and a
post's reports as CSV (``core.exports``: every export an audit record; cryptonyms and codes
only)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from defector.core import exports
from defector.core.errors import NotFound
from defector.core.users import AnyUser
from defector.reports import pdf
from defector.reports.queries import reports as report_queries
from defector.reports.queries import world as world_queries


def export_report(*, acting_user: AnyUser, report_id: int | str, fmt: str) -> tuple[str, bytes]:
    """One report as PDF or CSV, from its stored contents (what was sent is what is shown),
    with its audit record: ``(file name, bytes)``. Cryptonyms and codes only."""
    if fmt not in ("pdf", "csv"):
        raise NotFound("no such format")
    report = report_queries.report_detail(acting_user, report_id)
    view = report_queries.describe(acting_user, report)
    name = f"report-{report.case.cryptonym.lower()}-{report.number}.{fmt}"
    if fmt == "pdf":
        content = pdf.render(view)
    else:
        content = exports.csv_text(("section", "item", "value"), view.rows()).encode()
    exports.audited(
        acting_user=acting_user,
        what="reports.report",
        fmt=fmt,
        obj=report,
        cryptonym=report.case.cryptonym,
        rows=None,
    )
    return name, content


def export_world(*, acting_user: AnyUser, filters: Mapping[str, Any]) -> tuple[str, Iterator[str]]:
    """Washington's worldwide view as CSV, filtered as on the page, with its audit record (the
    filter and the number of rows): ``(file name, lines)``, the lines made as they are read."""
    if not world_queries.may_see_world(acting_user):
        raise NotFound("no worldwide view for you")
    found = world_queries.parse_filters(filters)
    rows = world_queries.world_rows(acting_user, found)
    count = rows.count()
    exports.audited(
        acting_user=acting_user,
        what="reports.world",
        fmt="csv",
        filters=found.as_query(),
        rows=count,
        object_type="reports.world",
        object_id="worldwide",
    )
    return "reports-worldwide.csv", exports.csv_lines(
        world_queries.CSV_COLUMNS, world_queries.csv_rows(acting_user, rows)
    )


def export_post(*, acting_user: AnyUser, post_id: int | str) -> tuple[str, Iterator[str]]:
    """A post's reports to the IDC as CSV (its committee, the IDC), audited."""
    post = report_queries.post_for(acting_user, post_id)
    table = report_queries.post_reports(acting_user, post)
    exports.audited(
        acting_user=acting_user,
        what="reports.post",
        fmt="csv",
        filters={"post": post.code},
        rows=len(table),
        obj=post,
    )
    return f"reports-{post.code.lower()}.csv", exports.csv_lines(
        report_queries.POST_CSV_COLUMNS, report_queries.post_csv_rows(table)
    )
