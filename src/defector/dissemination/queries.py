"""The readers of the dissemination app (``6b(3)(a)``), with access control applied.

A report is read by whoever sees its case and by its recipients (``access.threat_report``);
a post's distribution by its committee, its senior US representative and the IDC. The case
page's banner and the case list's marker show the cases whose threat information is not yet
disseminated, with the time left on the obligation's clock.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any, Final

from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone

from defector.cases.choices import ObligationStatus
from defector.cases.models import Assessment, Case, Obligation
from defector.core.access import Action, can, get_for, principal_for, restrict
from defector.core.errors import NotFound
from defector.core.users import AnyUser
from defector.directory.choices import Role
from defector.directory.models import Official, Post
from defector.dissemination.access import DISTRIBUTION_CHANGE_ROLES, DISTRIBUTION_VIEW_ROLES
from defector.dissemination.choices import POLL_SECONDS, Seat, Target, ladder
from defector.dissemination.models import Delivery, Distribution, ThreatReport
from defector.notifications.actions import idc_members, post_officials
from defector.notifications.pending import PendingItem
from defector.policy.gates import dissemination as gate
from defector.policy.obligations import ObligationId

CLAUSE: Final = gate.CLAUSE
#: The largest id a row may have (a larger number names no row, and SQLite cannot take it).
MAX_ROW_ID: Final = 2**63 - 1


def row_id(value: object) -> int | None:
    """``value`` as a row's id, or ``None`` when it cannot be one."""
    if isinstance(value, bool):
        return None
    if isinstance(value, str) and value.strip().isdigit():
        value = int(value.strip())
    return value if isinstance(value, int) and 1 <= value <= MAX_ROW_ID else None


THREAT: Final = ObligationId.DISSEMINATE_THREAT_INFORMATION


# --- threat information on a case -------------------------------------------------------------


def has_threat_information(case: Case) -> bool:
    """Whether the case holds threat information: its latest assessment says so, or the
    obligation to disseminate it is open."""
    open_threat = Obligation.objects.filter(
        case=case, identifier=THREAT, status=ObligationStatus.OPEN
    )
    if open_threat.exists():
        return True
    facts = (
        Assessment.objects.filter(case=case).order_by("-number").values_list("facts", flat=True)
    ).first()
    return bool(isinstance(facts, dict) and facts.get("threat_information"))


def wait_text(due_at: dt.datetime, now: dt.datetime) -> str:
    """The time left to ``due_at`` in words, or how long it is overdue."""
    seconds = int((due_at - now).total_seconds())
    span = abs(seconds)
    hours, rest = divmod(span, 3600)
    minutes, secs = divmod(rest, 60)
    parts = ([f"{hours} h"] if hours else []) + [f"{minutes} min", f"{secs:02d} s"]
    words = " ".join(parts)
    return f"{words} left" if seconds >= 0 else f"overdue by {words}"


@dataclass(frozen=True, slots=True)
class Undisseminated:
    """A case whose threat information is not yet disseminated, and its clock."""

    case_id: int
    cryptonym: str
    post: str
    due_at: dt.datetime | None
    overdue: bool
    wait: str


def _undisseminated(obligation: Obligation, now: dt.datetime) -> Undisseminated:
    due = obligation.due_at
    return Undisseminated(
        case_id=obligation.case_id,
        cryptonym=obligation.case.cryptonym,
        post=obligation.case.post.code,
        due_at=due,
        overdue=due is not None and due < now,
        wait=wait_text(due, now) if due is not None else "",
    )


def banner_data(user: AnyUser, case: Case) -> dict[str, Any] | None:
    """The red banner at the top of the case page while its threat information is not yet
    disseminated (``6b(3)(a)``); ``None`` otherwise."""
    obligation = (
        restrict(user, Action.VIEW, Obligation.objects.all())
        .filter(case=case, identifier=THREAT, status=ObligationStatus.OPEN)
        .select_related("case__post")
        .first()
    )
    if obligation is None:
        return None
    return {
        "item": _undisseminated(obligation, timezone.now()),
        "can_issue": can(user, Action.CHANGE, case),
        "issue_url": reverse("dissemination:issue", args=[case.pk]),
        "clause": CLAUSE,
    }


def list_banner_data(user: AnyUser) -> dict[str, Any] | None:
    """The marker at the top of the case list: the cases the user sees whose threat
    information is not yet disseminated, soonest due first; ``None`` when there is none."""
    now = timezone.now()
    open_threats = (
        restrict(user, Action.VIEW, Obligation.objects.all())
        .filter(identifier=THREAT, status=ObligationStatus.OPEN)
        .select_related("case__post")
        .order_by("due_at", "pk")
    )
    items = [_undisseminated(obligation, now) for obligation in open_threats[:50]]
    if not items:
        return None
    return {"items": items, "clause": CLAUSE}


# --- a post's distribution --------------------------------------------------------------------


def _role_seats(distribution: Distribution | None) -> list[tuple[str, str]]:
    """The roles on the distribution, with their seats (the default: all three)."""
    seats: list[tuple[str, str]] = []
    if distribution is None or distribution.senior_representative:
        seats.append((Role.SENIOR_REPRESENTATIVE, Seat.SENIOR_REPRESENTATIVE))
    if distribution is None or distribution.committee_chair:
        seats.append((Role.COMMITTEE_CHAIR, Seat.COMMITTEE_CHAIR))
    return seats


def distribution_of(post: Post) -> list[tuple[Official, str]]:
    """Who receives the post's threat reports, each once, with the seat they hold: the named
    officials (security officer, agencies' representatives), then the senior US
    representative, the committee chair and the IDC as the distribution says. A post without
    one: its senior US representative, its committee chair and the IDC."""
    distribution = Distribution.objects.filter(post=post).first()
    chosen: dict[int, tuple[Official, str]] = {}
    if distribution is not None:
        for member in distribution.members.select_related("official__user").order_by("pk"):
            if member.official.user.is_active:
                chosen.setdefault(member.official_id, (member.official, member.seat))
    for role, seat in _role_seats(distribution):
        for official in post_officials(post, [role]):
            chosen.setdefault(official.pk, (official, seat))
    if distribution is None or distribution.idc:
        for official in idc_members():
            chosen.setdefault(official.pk, (official, Seat.IDC))
    return list(chosen.values())


def may_see_distribution(user: AnyUser, post_id: int) -> bool:
    principal = principal_for(user)
    if principal.is_administrator or principal.is_auditor or not principal.is_official:
        return False
    return post_id in principal.posts_with(*DISTRIBUTION_VIEW_ROLES) or (
        "idc_member" in principal.roles
    )


@dataclass(frozen=True, slots=True)
class RecipientView:
    official_id: int
    name: str
    station: str
    seat: str
    seat_label: str


@dataclass(frozen=True, slots=True)
class DistributionView:
    post_id: int
    post: str
    post_name: str
    configured: bool
    senior_representative: bool
    committee_chair: bool
    idc: bool
    members: list[dict[str, Any]]
    recipients: list[RecipientView]
    updated_at: dt.datetime | None
    updated_by: str
    can_change: bool


def distribution_view(user: AnyUser, post_id: int) -> DistributionView | None:
    """The post's distribution as its committee and the IDC see it; ``None`` when hidden."""
    number = row_id(post_id)
    post = Post.objects.filter(pk=number).first() if number is not None else None
    if post is None or not may_see_distribution(user, post.pk):
        return None
    distribution = Distribution.objects.filter(post=post).select_related("updated_by__user").first()
    members = (
        [
            {
                "official_id": member.official_id,
                "name": str(member.official),
                "seat": member.seat,
                "seat_label": Seat(member.seat).label,
                "label": member.label,
            }
            for member in distribution.members.select_related("official__user").order_by("pk")
        ]
        if distribution is not None
        else []
    )
    return DistributionView(
        post_id=post.pk,
        post=post.code,
        post_name=post.name,
        configured=distribution is not None,
        senior_representative=distribution is None or distribution.senior_representative,
        committee_chair=distribution is None or distribution.committee_chair,
        idc=distribution is None or distribution.idc,
        members=members,
        recipients=[
            RecipientView(o.pk, str(o), o.station, seat, str(Seat(seat).label))
            for o, seat in distribution_of(post)
        ],
        updated_at=distribution.updated_at if distribution is not None else None,
        updated_by=str(distribution.updated_by or "") if distribution is not None else "",
        can_change=post.pk in principal_for(user).posts_with(*DISTRIBUTION_CHANGE_ROLES),
    )


# --- reports ----------------------------------------------------------------------------------


def reports_for(user: AnyUser) -> QuerySet[ThreatReport]:
    """The threat reports the user may see, newest first."""
    return (
        restrict(user, Action.VIEW, ThreatReport.objects.all())
        .select_related("post", "issued_by__user")
        .order_by("-issued_at", "-pk")
    )


def report_detail(user: AnyUser, report_id: int | str) -> ThreatReport:
    """One report the user may see, or :class:`NotFound`."""
    number = row_id(report_id)
    if number is None:
        raise NotFound("no such threat report")
    return get_for(
        user,
        Action.VIEW,
        ThreatReport.objects.select_related("post", "case", "issued_by__user"),
        number,
        what="threat report",
    )


@dataclass(frozen=True, slots=True)
class DeliveryView:
    recipient_id: int
    name: str
    station: str
    seat: str
    seat_label: str
    step: int | None
    delivered_at: dt.datetime | None
    told: int
    acknowledged_at: dt.datetime | None


@dataclass(frozen=True, slots=True)
class StepView:
    step: int
    minutes: int
    target: str
    target_label: str
    taken_at: dt.datetime | None
    reached: int


@dataclass(frozen=True, slots=True)
class ReportView:
    id: int
    case_id: int
    source: str
    post: str
    precedence: str
    precedence_label: str
    threatened: str
    location: str
    timing: str
    details: str
    issued_by: str
    issued_at: dt.datetime
    can_see_case: bool
    deliveries: list[DeliveryView]
    ladder: list[StepView]
    #: The viewer's own delivery, if they are a recipient.
    mine: DeliveryView | None
    poll_seconds: int = POLL_SECONDS
    clause: str = CLAUSE
    acknowledged: int = field(default=0)

    @property
    def all_acknowledged(self) -> bool:
        return bool(self.deliveries) and self.acknowledged == len(self.deliveries)


def _delivery_view(delivery: Delivery) -> DeliveryView:
    official = delivery.recipient
    return DeliveryView(
        recipient_id=official.pk,
        name=str(official),
        station=official.station,
        seat=delivery.seat,
        seat_label=str(Seat(delivery.seat).label),
        step=delivery.step,
        delivered_at=delivery.delivered_at,
        told=delivery.told,
        acknowledged_at=delivery.acknowledged_at,
    )


def describe(user: AnyUser, report: ThreatReport) -> ReportView:
    """The report as its page and the API show it: the threat, its deliveries and
    acknowledgements, and its escalation ladder."""
    deliveries = [
        _delivery_view(delivery)
        for delivery in Delivery.objects.filter(report=report)
        .select_related("recipient__user", "recipient__post")
        .order_by("created_at", "pk")
    ]
    taken = {step.step: step for step in report.ladder_steps.all()}
    steps = [
        StepView(
            step=number,
            minutes=minutes,
            target=target,
            target_label=str(Target(target).label),
            taken_at=taken[number].taken_at if number in taken else None,
            reached=len(taken[number].reached) if number in taken else 0,
        )
        for number, (minutes, target) in enumerate(ladder(report.precedence), start=1)
    ]
    official_id = principal_for(user).official_id
    mine = next((d for d in deliveries if d.recipient_id == official_id), None)
    return ReportView(
        id=report.pk,
        case_id=report.case_id,
        source=report.source,
        post=report.post.code,
        precedence=report.precedence,
        precedence_label=report.get_precedence_display(),
        threatened=report.threatened,
        location=report.location,
        timing=report.timing,
        details=report.details,
        issued_by=str(report.issued_by),
        issued_at=report.issued_at,
        can_see_case=can(user, Action.VIEW, report.case),
        deliveries=deliveries,
        ladder=steps,
        mine=mine,
        acknowledged=sum(1 for d in deliveries if d.acknowledged_at is not None),
    )


def pending_for(user: AnyUser) -> list[PendingItem]:
    """The threat reports the user received and has not yet acknowledged, oldest first: for
    the What's new page's "To acknowledge"."""
    official_id = principal_for(user).official_id
    if official_id is None:
        return []
    reports = reports_for(user).filter(
        deliveries__recipient_id=official_id, deliveries__acknowledged_at__isnull=True
    )
    return [
        PendingItem(
            title=f"{report.get_precedence_display()} threat report on {report.source} "
            f"({report.post.code})",
            clause=CLAUSE,
            link=reverse("dissemination:report", args=[report.pk]),
            since=report.issued_at,
        )
        for report in reports.order_by("issued_at", "pk")
    ]


# --- the pages ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class IssueTarget:
    """The case a report is issued from, as the issue page shows it."""

    case_id: int
    cryptonym: str
    post: str
    can_issue: bool
    threat_information: bool


def issue_target(user: AnyUser, case_id: int) -> IssueTarget:
    """The case the user would issue a report from (:class:`NotFound` when hidden)."""
    number = row_id(case_id)
    if number is None:
        raise NotFound("no such case")
    case = get_for(user, Action.VIEW, Case.objects.select_related("post"), number, what="case")
    return IssueTarget(
        case_id=case.pk,
        cryptonym=case.cryptonym,
        post=case.post.code,
        can_issue=can(user, Action.CHANGE, case),
        threat_information=has_threat_information(case),
    )


def distribution_candidates(post_id: int) -> QuerySet[Official]:
    """The officials a chair may name on the post's distribution: the active officials
    serving at the post."""
    return (
        Official.objects.filter(post_id=post_id, user__is_active=True)
        .select_related("user", "agency", "post")
        .order_by("user__last_name", "user__first_name", "pk")
    )
