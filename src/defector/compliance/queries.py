"""Reads of the compliance views, with access control applied here.

Who sees what: a post's committee members, chair and senior US representative see their
posts' compliance (``6``, ``6e``); the IDC sees every post's (``6d``); anyone else is answered
as if the views did not exist. Within that, only the obligations of cases the reader may see
count (clearance and compartments, ``cases.access``), and only the meetings of committees they
may see.

Every table is aggregated in SQL: a constant number of queries whatever the number of
obligations, cases or posts.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Final

from django.db.models import Count, F, Q, QuerySet
from django.db.models.functions import TruncQuarter
from django.utils import timezone

from defector.cases.choices import ObligationStatus
from defector.cases.models import Obligation
from defector.committees.choices import MeetingStatus
from defector.committees.models import Committee, Meeting
from defector.compliance.access import COMPLIANCE_POST_ROLES, COMPLIANCE_WORLD_ROLES
from defector.compliance.choices import TABLES
from defector.core.access import Action, principal_for, restrict
from defector.core.errors import NotFound
from defector.core.users import AnyUser
from defector.directory.models import Post
from defector.dissemination.choices import Precedence
from defector.dissemination.models import ThreatReport
from defector.policy.gates.committees import Quarter, quarter_of
from defector.policy.obligations import OBLIGATIONS_BY_ID, ObligationId

#: How many quarters the meeting table shows, the current one included (``6a``).
QUARTERS_SHOWN: Final = 5
#: The most overdue obligations listed by name (cryptonym); the counts cover all.
OVERDUE_LISTED: Final = 200

#: The buckets of each distribution: (upper bound, label); the last is open-ended.
BONA_FIDES_BUCKETS: Final[tuple[tuple[dt.timedelta | None, str], ...]] = (
    (dt.timedelta(days=1), "Under 1 day"),
    (dt.timedelta(days=7), "1 to 7 days"),
    (dt.timedelta(days=14), "7 to 14 days"),
    (dt.timedelta(days=30), "14 to 30 days"),
    (dt.timedelta(days=60), "30 to 60 days"),
    (None, "60 days or more"),
)
DISSEMINATION_BUCKETS: Final[tuple[tuple[dt.timedelta | None, str], ...]] = (
    (dt.timedelta(minutes=15), "Under 15 minutes"),
    (dt.timedelta(hours=1), "15 to 60 minutes"),
    (dt.timedelta(hours=4), "1 to 4 hours"),
    (dt.timedelta(hours=24), "4 to 24 hours"),
    (None, "A day or more"),
)
#: The obligation whose discharge ends each distribution's interval, which starts at the
#: reception of the person.
DISTRIBUTIONS: Final[dict[str, tuple[str, tuple[tuple[dt.timedelta | None, str], ...]]]] = {
    "bona-fides": (ObligationId.ESTABLISH_BONA_FIDES, BONA_FIDES_BUCKETS),
    "dissemination": (ObligationId.DISSEMINATE_THREAT_INFORMATION, DISSEMINATION_BUCKETS),
}


@dataclass(frozen=True, slots=True)
class Scope:
    """What a compliance view covers: some posts, or the world (``posts`` is ``None``)."""

    posts: tuple[Post, ...] | None
    #: ``WORLDWIDE`` or the post's code (several posts: their codes joined by ``+``).
    code: str
    label: str

    @property
    def worldwide(self) -> bool:
        return self.posts is None

    def narrow(self, queryset: QuerySet[Any], path: str) -> QuerySet[Any]:
        """``queryset`` limited to the scope's posts (``path`` leads to the post's id)."""
        if self.posts is None:
            return queryset
        return queryset.filter(**{f"{path}__in": [post.pk for post in self.posts]})


@dataclass(frozen=True, slots=True)
class Table:
    """One table of a view: its slug, title, columns and rows (plain values, times in UTC)."""

    slug: str
    title: str
    columns: Sequence[str]
    rows: list[list[Any]] = field(default_factory=list)


def _post_id(value: int | str | None) -> int | None:
    if value is None or value == "":
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        raise NotFound("no such post") from None


def scope_for(user: AnyUser, post_id: int | str | None = None) -> Scope:
    """The scope of ``user``'s compliance view: one post (``post_id``: one of theirs, or any
    for the IDC), else the world for the IDC, else the posts of their committee seats.
    :class:`NotFound` for anyone else, and for a post they may not see."""
    principal = principal_for(user)
    if principal.is_administrator or principal.is_auditor or not principal.is_official:
        raise NotFound("no compliance view for you")
    world = any(role in principal.roles for role in COMPLIANCE_WORLD_ROLES)
    seats = principal.posts_with(*COMPLIANCE_POST_ROLES)
    number = _post_id(post_id)
    if number is not None:
        post = Post.objects.filter(pk=number).first()
        if post is None or not (world or post.pk in seats):
            raise NotFound("no such post")
        return Scope((post,), post.code, f"{post.name} ({post.code})")
    if world:
        return Scope(None, "WORLDWIDE", "Every post")
    if not seats:
        raise NotFound("no compliance view for you")
    posts = tuple(Post.objects.filter(pk__in=seats).order_by("code"))
    return Scope(
        posts, "+".join(p.code for p in posts), ", ".join(f"{p.name} ({p.code})" for p in posts)
    )


def _obligations(user: AnyUser, scope: Scope) -> QuerySet[Obligation]:
    return scope.narrow(
        restrict(user, Action.VIEW, Obligation.objects.all()), "case__post_id"
    ).order_by()


def _title(identifier: str) -> str:
    try:
        return OBLIGATIONS_BY_ID[ObligationId(identifier)].title
    except ValueError:
        return identifier


def _when(moment: dt.datetime | None) -> str:
    if moment is None:
        return ""
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")


def by_clause(user: AnyUser, scope: Scope, now: dt.datetime) -> Table:
    """Open and overdue obligations by clause (one query)."""
    found = (
        _obligations(user, scope)
        .filter(status=ObligationStatus.OPEN)
        .values("clause", "identifier")
        .annotate(
            open=Count("pk", distinct=True),
            overdue=Count("pk", distinct=True, filter=Q(due_at__lt=now)),
        )
        .order_by("clause", "identifier")
    )
    return Table(
        "by-clause",
        TABLES["by-clause"],
        ("Clause", "Obligation", "Open", "Overdue"),
        [[r["clause"], _title(r["identifier"]), r["open"], r["overdue"]] for r in found],
    )


def by_post(user: AnyUser, scope: Scope, now: dt.datetime) -> Table:
    """Open and overdue obligations by post (one query)."""
    found = (
        _obligations(user, scope)
        .filter(status=ObligationStatus.OPEN)
        .values("case__post__code", "case__post__name")
        .annotate(
            open=Count("pk", distinct=True),
            overdue=Count("pk", distinct=True, filter=Q(due_at__lt=now)),
        )
        .order_by("case__post__code")
    )
    return Table(
        "by-post",
        TABLES["by-post"],
        ("Post", "Post name", "Open", "Overdue"),
        [[r["case__post__code"], r["case__post__name"], r["open"], r["overdue"]] for r in found],
    )


def overdue(user: AnyUser, scope: Scope, now: dt.datetime) -> Table:
    """The most overdue obligations, by cryptonym (one query; at most ``OVERDUE_LISTED``)."""
    found = (
        _obligations(user, scope)
        .filter(status=ObligationStatus.OPEN, due_at__lt=now)
        .order_by("due_at", "pk")
        .values("case__cryptonym", "case__post__code", "clause", "identifier", "period", "due_at")[
            :OVERDUE_LISTED
        ]
    )
    rows = []
    for r in found:
        due: dt.datetime | None = r["due_at"]
        if due is None:
            continue
        late = now - due
        rows.append(
            [
                r["case__cryptonym"],
                r["case__post__code"],
                r["clause"],
                _title(r["identifier"]),
                r["period"],
                _when(r["due_at"]),
                round(late.total_seconds() / 86400, 1),
            ]
        )
    return Table(
        "overdue",
        TABLES["overdue"],
        ("Case", "Post", "Clause", "Obligation", "Period", "Due", "Days overdue"),
        rows,
    )


def distribution(user: AnyUser, scope: Scope, slug: str) -> Table:
    """How long after the reception of the person an obligation was discharged (bona fides
    established, ``6b(3)(b)``; threat information disseminated, ``6b(3)(a)``), in buckets:
    one query of conditional counts."""
    identifier, buckets = DISTRIBUTIONS[slug]
    counts: dict[str, Any] = {}
    lower: dt.timedelta | None = None
    for number, (upper, _) in enumerate(buckets):
        condition = Q()
        if lower is not None:
            condition &= Q(closed_at__gte=F("case__received_at") + lower)
        if upper is not None:
            condition &= Q(closed_at__lt=F("case__received_at") + upper)
        counts[f"b{number}"] = Count("pk", distinct=True, filter=condition)
        lower = upper
    found = (
        _obligations(user, scope)
        .filter(identifier=identifier, status=ObligationStatus.DONE, closed_at__isnull=False)
        .aggregate(**counts)
    )
    return Table(
        slug,
        TABLES[slug],
        ("Time from reception", "Cases"),
        [[label, found[f"b{number}"] or 0] for number, (_, label) in enumerate(buckets)],
    )


def unacknowledged(user: AnyUser, scope: Scope, now: dt.datetime) -> Table:
    """The threat reports that a recipient has still to acknowledge (``6b(3)(a)``), oldest
    first, with how many recipients wait and since when: one query (at most
    ``OVERDUE_LISTED`` reports)."""
    visible = restrict(user, Action.VIEW, ThreatReport.objects.all()).values("pk")
    found = (
        scope.narrow(ThreatReport.objects.filter(pk__in=visible), "post_id")
        .annotate(
            waiting=Count("deliveries", filter=Q(deliveries__acknowledged_at__isnull=True)),
            recipients=Count("deliveries"),
        )
        .filter(waiting__gt=0)
        .order_by("issued_at", "pk")
        .values(
            "case__cryptonym", "post__code", "precedence", "issued_at", "waiting", "recipients"
        )[:OVERDUE_LISTED]
    )
    labels = dict(Precedence.choices)
    rows = [
        [
            r["case__cryptonym"],
            r["post__code"],
            labels.get(r["precedence"], r["precedence"]),
            _when(r["issued_at"]),
            f"{r['waiting']} of {r['recipients']}",
            round((now - r["issued_at"]).total_seconds() / 60),
        ]
        for r in found
    ]
    return Table(
        "unacknowledged",
        TABLES["unacknowledged"],
        ("Case", "Post", "Precedence", "Issued", "Not yet acknowledged", "Minutes waiting"),
        rows,
    )


def quarters_shown(now: dt.datetime) -> list[Quarter]:
    """The quarters of the meeting table, oldest first, ending with the current one."""
    quarter = quarter_of(now.astimezone(dt.UTC).date())
    shown = [quarter]
    for _ in range(QUARTERS_SHOWN - 1):
        shown.insert(0, shown[0].previous())
    return shown


def meetings(user: AnyUser, scope: Scope, now: dt.datetime) -> Table:
    """Meetings held by each committee in each of the last quarters (``6a``: "normally at
    least once quarterly"), two queries: the committees, and the held meetings counted by
    committee and quarter. A whole quarter after the committee's establishment without a
    meeting reads ``missed``; the current quarter is not over, and reads ``none yet``."""
    shown = quarters_shown(now)
    committees = list(
        scope.narrow(restrict(user, Action.VIEW, Committee.objects.all()), "post_id")
        .order_by("post__code")
        .values("pk", "post__code", "established_on")
    )
    first = dt.datetime.combine(shown[0].first_day, dt.time(), tzinfo=dt.UTC)
    held = (
        scope.narrow(restrict(user, Action.VIEW, Meeting.objects.all()), "committee__post_id")
        .filter(status=MeetingStatus.HELD, starts_at__gte=first)
        .annotate(quarter=TruncQuarter("starts_at", tzinfo=dt.UTC))
        .order_by()
        .values("committee_id", "quarter")
        .annotate(number=Count("pk", distinct=True))
    )
    counts = {(r["committee_id"], quarter_of(r["quarter"].date())): r["number"] for r in held}
    current = shown[-1]
    rows = []
    for committee in committees:
        row: list[Any] = [committee["post__code"]]
        for quarter in shown:
            number = counts.get((committee["pk"], quarter), 0)
            if number:
                row.append(number)
            elif quarter.last_day < committee["established_on"]:
                row.append("not established")
            elif quarter == current or quarter.first_day < committee["established_on"]:
                row.append("none yet" if quarter == current else "none (partial quarter)")
            else:
                row.append("missed")
        rows.append(row)
    return Table("meetings", TABLES["meetings"], ("Post", *(q.label for q in shown)), rows)


def table(user: AnyUser, scope: Scope, slug: str, *, now: dt.datetime | None = None) -> Table:
    """One table of the view, by slug."""
    moment = now or timezone.now()
    if slug == "by-clause":
        return by_clause(user, scope, moment)
    if slug == "by-post":
        return by_post(user, scope, moment)
    if slug == "overdue":
        return overdue(user, scope, moment)
    if slug in DISTRIBUTIONS:
        return distribution(user, scope, slug)
    if slug == "meetings":
        return meetings(user, scope, moment)
    if slug == "unacknowledged":
        return unacknowledged(user, scope, moment)
    raise NotFound("no such table")


@dataclass(frozen=True, slots=True)
class Overview:
    """Every table of a compliance view, at one moment."""

    scope: Scope
    now: dt.datetime
    tables: dict[str, Table]


def overview(
    user: AnyUser, post_id: int | str | None = None, *, now: dt.datetime | None = None
) -> Overview:
    """The compliance view of ``user``: their scope (:func:`scope_for`) and every table."""
    moment = now or timezone.now()
    scope = scope_for(user, post_id)
    return Overview(scope, moment, {slug: table(user, scope, slug, now=moment) for slug in TABLES})
