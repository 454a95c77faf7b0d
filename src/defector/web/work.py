""" "My work": what waits for the signed-in official, gathered from each app's queries for the
home page.

Each section is read by one app's query (which applies access control); a section a role can
never have is ``None`` (not shown), one it may have but is empty now is ``[]`` (the page says
"Nothing waits for you."). The number of SQL queries does not grow with the rows.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.urls import reverse
from django.utils import timezone

from defector.cases import queries as cases
from defector.committees import queries as committees
from defector.core.access import principal_for
from defector.core.users import AnyUser
from defector.directory import queries as directory
from defector.directory.choices import Role
from defector.notifications import queries as notifications
from defector.notifications.pending import pending_items


@dataclass(frozen=True, slots=True)
class Line:
    """One line of a section: what, its clause, where it is done, and when."""

    title: str
    clause: str
    link: str
    cryptonym: str = ""
    case_link: str = ""
    due_at: dt.datetime | None = None
    due_text: str = ""
    countdown: str = ""
    overdue: bool = False
    since: dt.datetime | None = None


@dataclass(frozen=True, slots=True)
class Section:
    key: str
    heading: str
    clause: str
    lines: list[Line]
    #: Where the whole list is (optional).
    more_link: str = ""
    more_label: str = ""


@dataclass(slots=True)
class MyWork:
    sections: list[Section] = field(default_factory=list)
    unread: int = 0
    whats_new_link: str = ""
    can_receive_walk_in: bool = False
    walk_in_link: str = ""

    @property
    def shown(self) -> bool:
        return bool(self.sections) or self.can_receive_walk_in


def _span(delta: dt.timedelta) -> str:
    """A duration in words, to the hour: "3 days 4 hours", "5 hours", "less than an hour"."""
    hours = int(delta.total_seconds() // 3600)
    days, hours = divmod(hours, 24)
    parts = []
    if days:
        parts.append(f"{days} day{'s' if days != 1 else ''}")
    if hours:
        parts.append(f"{hours} hour{'s' if hours != 1 else ''}")
    return " ".join(parts) or "less than an hour"


def countdown(due_at: dt.datetime | None, now: dt.datetime) -> str:
    """How long is left, or how long it is overdue, in words."""
    if due_at is None:
        return ""
    if due_at < now:
        return f"Overdue by {_span(now - due_at)}"
    return f"Due in {_span(due_at - now)}"


def _case_lines(items: list[cases.WorkItem], now: dt.datetime) -> list[Line]:
    return [
        Line(
            title=item.title,
            clause=item.clause,
            link=item.link,
            cryptonym=item.cryptonym,
            case_link=item.case_link,
            due_at=item.due_at,
            due_text=item.due_text,
            countdown=countdown(item.due_at, now),
            overdue=item.overdue,
        )
        for item in items
    ]


def _determinations(user: AnyUser, posts: set[int], now: dt.datetime) -> list[Line]:
    """The cases of the user's posts awaiting their ``7a`` determination, by post code: read
    for all the posts at once, not post by post."""
    seen = directory.posts(user).filter(pk__in=posts)
    return [
        Line(
            title="Political risk determination requested",
            clause="7a",
            link=item.get_absolute_url(),
            cryptonym=item.cryptonym,
            case_link=reverse("cases:detail", args=[item.case_id]),
            due_at=item.due_at,
            countdown=countdown(item.due_at, now),
            overdue=item.overdue,
        )
        for item in cases.awaiting_political_risk_determination(user, list(seen), now=now)
    ]


def _schedule_link(user: AnyUser, chaired: set[int]) -> dict[str, str]:
    """Where the chair schedules the next meeting: their committee's page (the list of
    committees when they chair more than one)."""
    mine = list(committees.committees_for(user).filter(post_id__in=chaired)[:2])
    if len(mine) == 1:
        link = reverse("committees:detail", args=[mine[0].pk])
    else:
        link = reverse("committees:index")
    return {"more_link": link, "more_label": "Schedule a meeting"}


def my_work(user: AnyUser, *, now: dt.datetime | None = None) -> MyWork:
    """The sections of the user's home page that their roles may have."""
    now = now or timezone.now()
    principal = principal_for(user)
    work = MyWork()
    if principal.official_id is None or principal.is_administrator or principal.is_auditor:
        return work
    post_roles = {role for _, role in principal.post_roles}
    work.can_receive_walk_in = cases.can_open_cases(user)
    work.walk_in_link = reverse("cases:new")
    sections = work.sections
    sections.append(
        Section(
            "obligations",
            "Obligations due",
            "6b",
            _case_lines(cases.my_obligations(user, now=now), now),
        )
    )
    sections.append(
        Section(
            "tasks",
            "Tasks for you or your agency",
            "6b(3)(d)",
            _case_lines(cases.my_tasks(user, now=now), now),
        )
    )
    if principal.post_roles and post_roles != {Role.SENIOR_REPRESENTATIVE}:
        sections.append(
            Section(
                "statements",
                "Voluntary statements to witness",
                "6b(3)(c)",
                _case_lines(cases.statements_to_witness(user), now),
            )
        )
    if principal.posts_with(Role.COMMITTEE_CHAIR) or Role.IDC_MEMBER in principal.roles:
        sections.append(
            Section(
                "transfers",
                "Moves of cases to accept or decline",
                "6b",
                # The receiving side sees the case only once it accepts: no link to it yet.
                [
                    Line(f"{item.title} (case {item.cryptonym})", item.clause, item.link)
                    for item in cases.transfers_to_decide(user)
                ],
            )
        )
    seniors = principal.posts_with(Role.SENIOR_REPRESENTATIVE)
    if seniors:
        sections.append(
            Section(
                "determinations",
                "Political risk determinations requested",
                "7a",
                _determinations(user, seniors, now),
            )
        )
    chaired = principal.posts_with(Role.COMMITTEE_CHAIR)
    if chaired:
        sections.append(
            Section(
                "minutes",
                "Meetings and minutes",
                "6a",
                [
                    Line(m.title, m.clause, m.link, since=m.since)
                    for m in committees.meetings_to_run(user, now=now)
                    + committees.minutes_to_approve(user)
                ],
                **_schedule_link(user, chaired),
            )
        )
    if Role.IDC_MEMBER in principal.roles:
        sections.append(
            Section(
                "minutes",
                "Minutes to acknowledge",
                "6a",
                [
                    Line(m.title, m.clause, m.link, since=m.since)
                    for m in committees.minutes_to_acknowledge(user)
                ],
                more_link=reverse("committees:minutes-received"),
                more_label="Minutes received",
            )
        )
    work.whats_new_link = reverse("notifications:index")
    acknowledge = [
        Line(item.title, item.clause, item.link, since=item.since) for item in pending_items(user)
    ] + [
        Line(item.label, item.clause, item.link, since=item.since)
        for item in notifications.pending_acknowledgements(user)
    ]
    sections.append(
        Section(
            "acknowledge",
            "Threat reports and notices to acknowledge",
            "6e",
            acknowledge,
            more_link=work.whats_new_link,
            more_label="What's new",
        )
    )
    work.unread = notifications.unread_count(user)
    return work
