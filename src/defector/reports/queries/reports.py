"""Reads of status reports for display: one report, a case's, a post's, and the work items
(reports to send, to acknowledge). Access is applied here (``reports.access``)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final

from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone

from defector.cases.choices import Stage
from defector.cases.models import Case
from defector.cases.validation import as_id
from defector.core.access import Action, can, get_for, principal_for, restrict
from defector.core.errors import NotFound
from defector.core.users import AnyUser
from defector.directory.models import Post
from defector.notifications.pending import PendingItem
from defector.reports.choices import (
    ACKNOWLEDGING_ROLES,
    POST_ROLES,
    SENDING_ROLES,
    WORLD_ROLES,
    Status,
)
from defector.reports.models import StatusReport
from defector.reports.queries.world import (
    Filters,
    WorldRow,
    rows_of,
    with_overdue_periods,
    world_rows,
)

#: The clause every report answers to.
REPORT_CLAUSE: Final = "6d"


def _reports(user: AnyUser) -> QuerySet[StatusReport]:
    return restrict(
        user,
        Action.VIEW,
        StatusReport.objects.select_related(
            "case__post", "post", "drafted_by", "prepared_by", "sent_by", "acknowledged_by"
        ),
    )


def report_detail(user: AnyUser, report_id: int | str) -> StatusReport:
    """One report the user may see, else :class:`NotFound` (missing or hidden alike)."""
    number = as_id(report_id)
    if number is None:
        raise NotFound("no such report")
    return get_for(user, Action.VIEW, _reports(user), number, what="report")


def _utc(value: str | None) -> str:
    if not value:
        return ""
    return dt.datetime.fromisoformat(value).astimezone(dt.UTC).strftime("%d %b %Y %H:%M UTC")


@dataclass(frozen=True, slots=True)
class ReportView:
    """A report as its page, the API, the PDF and the CSV show it: its stored contents (what
    was sent), and what the reader may do with it."""

    report: StatusReport
    contents: Mapping[str, Any]
    can_regenerate: bool
    can_send: bool
    can_acknowledge: bool

    @property
    def case(self) -> Mapping[str, Any]:
        found: Mapping[str, Any] = self.contents.get("case") or {}
        return found

    @property
    def title(self) -> str:
        return (
            f"Status report {self.report.number} to the IDC on {self.report.case.cryptonym} "
            f"({self.report.post.code})"
        )

    @property
    def as_of(self) -> str:
        return _utc(self.contents.get("as_of"))

    def rows(self) -> list[tuple[str, str, Any]]:
        """The report as (section, item, value) rows: the CSV, and the PDF's tables."""
        c = self.contents
        case = c.get("case", {})
        status = c.get("status") or {}
        out: list[tuple[str, str, Any]] = [
            ("Report", "Number", self.report.number),
            ("Report", "Status", self.report.get_status_display()),
            ("Report", "Generated from the case (UTC)", self.as_of),
            ("Report", "Sent (UTC)", _iso_utc(self.report.sent_at)),
            ("Report", "Acknowledged (UTC)", _iso_utc(self.report.acknowledged_at)),
            ("Report", "Period of the obligation answered", self.report.period or ""),
            ("Case", "Cryptonym", case.get("cryptonym", "")),
            ("Case", "Post", f"{case.get('post', '')} ({case.get('country', '')})"),
            ("Case", "How it came in", case.get("kind_label", "")),
            ("Case", "Stage", case.get("stage_label", "")),
            ("Case", "Outcome", case.get("outcome_label", "")),
            (
                "Case",
                "Categories",
                ", ".join(f"{x['label']} ({x['clause']})" for x in case.get("categories", [])),
            ),
            ("Case", "Received (UTC)", _utc(case.get("received_at"))),
            ("Status", "Determination", status.get("label", "Not determined")),
            ("Bona fides", "Verdict", c.get("bona_fides", {}).get("label", "")),
            ("Obligations", "Open", c.get("obligations", {}).get("open", 0)),
            ("Obligations", "Overdue", c.get("obligations", {}).get("overdue", 0)),
        ]
        for item in c.get("obligations", {}).get("items", []):
            late = " (overdue)" if item.get("overdue") else ""
            due = _utc(item.get("due_at")) or "no due time"
            out.append(("Obligations", f"{item['title']} ({item['clause']})", f"due {due}{late}"))
        exploitation = c.get("exploitation", {})
        out.append(("Exploitation", "Overall", exploitation.get("overall_label", "")))
        for line in exploitation.get("requirements", []):
            out.append(
                (
                    "Exploitation",
                    f"{line['code']} {line['title']} ({line['agency']}, priority "
                    f"{line['priority']})",
                    line["status_label"],
                )
            )
        reports = c.get("intelligence_reports")
        out.append(
            (
                "Exploitation",
                "Intelligence reports",
                reports if reports is not None else "not available",
            )
        )
        out.append(
            (
                "Publicity",
                "Proposals awaiting decision",
                c.get("publicity", {}).get("awaiting_decision", 0),
            )
        )
        out.append(("Comment of the post", "Comment", self.report.comment))
        return out


def _iso_utc(moment: dt.datetime | None) -> str:
    return moment.astimezone(dt.UTC).strftime("%d %b %Y %H:%M UTC") if moment else ""


def is_chair_of(user: AnyUser, post_id: int) -> bool:
    return post_id in principal_for(user).posts_with(*SENDING_ROLES)


def is_idc(user: AnyUser) -> bool:
    principal = principal_for(user)
    return principal.is_official and any(role in principal.roles for role in ACKNOWLEDGING_ROLES)


def describe(user: AnyUser, report: StatusReport) -> ReportView:
    """The report with what ``user`` may do with it (the actions decide again)."""
    official_id = principal_for(user).official_id
    works = official_id is not None and can(user, Action.CHANGE, report.case)
    drafted = report.status == Status.DRAFTED
    return ReportView(
        report=report,
        contents=report.contents,
        can_regenerate=drafted and works,
        can_send=drafted
        and works
        and is_chair_of(user, report.case.post_id)
        and report.prepared_by_id != official_id,
        can_acknowledge=report.status == Status.SENT and is_idc(user),
    )


def reports_of_case(user: AnyUser, case: Case) -> list[StatusReport]:
    return list(_reports(user).filter(case=case))


def may_see_section(user: AnyUser, case: Case) -> bool:
    """The case's tab shows to whoever sees the case."""
    return True


@dataclass(frozen=True, slots=True)
class CaseFigures:
    """A case's reports in numbers, for its tab."""

    received: int
    acknowledged: int
    periods_overdue: int
    next_due: dt.datetime | None

    @property
    def overdue(self) -> bool:
        return self.periods_overdue > 0


def case_section(user: AnyUser, case: Case) -> Mapping[str, Any]:
    """The case's tab "Reports to the IDC": its figures (one query), its reports (one more),
    and whether the reader may draft the next one."""
    moment = timezone.now()
    found = with_overdue_periods(world_rows(user, Filters(), now=moment, only=case.pk), moment)
    first = found.first()
    figures = (
        CaseFigures(
            received=first.received,
            acknowledged=first.acknowledged,
            periods_overdue=first.x_overdue_periods,  # type: ignore[attr-defined]
            next_due=first.next_due,
        )
        if first is not None
        else None
    )
    reports = reports_of_case(user, case)
    official_id = principal_for(user).official_id
    return {
        "owed": figures is not None,
        "figures": figures,
        "reports": [describe(user, report) for report in reports],
        "can_draft": official_id is not None
        and case.stage != Stage.CLOSED
        and can(user, Action.CHANGE, case),
        "clause": REPORT_CLAUSE,
    }


def pending_for(user: AnyUser) -> Sequence[PendingItem]:
    """The work items: drafts to send (the chair, at their posts; not their own), reports to
    acknowledge (the IDC)."""
    official_id = principal_for(user).official_id
    if official_id is None:
        return []
    items: list[PendingItem] = []
    posts = principal_for(user).posts_with(*SENDING_ROLES)
    if posts:
        drafts = (
            _reports(user)
            .filter(status=Status.DRAFTED, case__post_id__in=sorted(posts))
            .exclude(prepared_by_id=official_id)
            .order_by("drafted_at", "pk")[:50]
        )
        items += [
            PendingItem(
                title=f"Send report {r.number} to the IDC on {r.case.cryptonym}",
                clause=REPORT_CLAUSE,
                link=reverse("reports:detail", args=[r.pk]),
                since=r.drafted_at,
            )
            for r in drafts
        ]
    if is_idc(user):
        sent = _reports(user).filter(status=Status.SENT).order_by("sent_at", "pk")[:50]
        items += [
            PendingItem(
                title=f"Acknowledge report {r.number} on {r.case.cryptonym} from {r.post.code}",
                clause=REPORT_CLAUSE,
                link=reverse("reports:detail", args=[r.pk]),
                since=r.sent_at,
            )
            for r in sent
        ]
    return items


# --- a post's view ------------------------------------------------------------------------

POST_CSV_COLUMNS: Final = (
    "report",
    "cryptonym",
    "status",
    "drafted (UTC)",
    "sent (UTC)",
    "acknowledged (UTC)",
    "period",
)


def posts_of(user: AnyUser) -> list[Post]:
    """The posts whose reports the user reads: all for Washington, else their committee's."""
    principal = principal_for(user)
    if not principal.is_official or principal.is_administrator or principal.is_auditor:
        return []
    if any(role in principal.roles for role in WORLD_ROLES):
        return list(Post.objects.order_by("code"))
    return list(Post.objects.filter(pk__in=principal.posts_with(*POST_ROLES)).order_by("code"))


def post_for(user: AnyUser, post_id: int | str) -> Post:
    """A post whose reports the user reads, else :class:`NotFound`."""
    number = as_id(post_id)
    principal = principal_for(user)
    if number is None or not principal.is_official:
        raise NotFound("no such post")
    if principal.is_administrator or principal.is_auditor:
        raise NotFound("no such post")
    world_reader = any(role in principal.roles for role in WORLD_ROLES)
    if not world_reader and number not in principal.posts_with(*POST_ROLES):
        raise NotFound("no such post")
    post = Post.objects.filter(pk=number).first()
    if post is None:
        raise NotFound("no such post")
    return post


def post_reports(user: AnyUser, post: Post, *, limit: int = 500) -> list[StatusReport]:
    """The post's reports the user may see, newest first."""
    return list(_reports(user).filter(post=post)[:limit])


def post_csv_rows(reports: list[StatusReport]) -> Iterator[list[Any]]:
    for r in reports:
        yield [
            r.number,
            r.case.cryptonym,
            r.get_status_display(),
            _iso_utc(r.drafted_at),
            _iso_utc(r.sent_at),
            _iso_utc(r.acknowledged_at),
            r.period or "",
        ]


@dataclass(frozen=True, slots=True)
class PostView:
    """A post's reports: its cases owing reports (missing and overdue first) and its reports."""

    post: Post
    cases: list[WorldRow]
    reports: list[StatusReport]
    now: dt.datetime

    @property
    def overdue(self) -> list[WorldRow]:
        return [row for row in self.cases if row.overdue]

    @property
    def counts(self) -> dict[str, int]:
        return {
            "drafted": sum(r.status == Status.DRAFTED for r in self.reports),
            "sent": sum(r.status == Status.SENT for r in self.reports),
            "acknowledged": sum(r.status == Status.ACKNOWLEDGED for r in self.reports),
            "overdue": len(self.overdue),
        }


def post_view(user: AnyUser, post_id: int | str, *, limit: int = 500) -> PostView:
    """A post's view of its reports (its committee, and Washington)."""
    post = post_for(user, post_id)
    moment = timezone.now()
    cases = list(world_rows(user, Filters(post=post.pk), now=moment)[:limit])
    rows = sorted(
        rows_of(user, cases, now=moment), key=lambda row: (not row.overdue, row.next_due is None)
    )
    return PostView(post=post, cases=rows, reports=post_reports(user, post), now=moment)
