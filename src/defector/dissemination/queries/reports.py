"""Threat reports, their deliveries and acknowledgements, and what waits for a recipient."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Count, QuerySet
from django.urls import reverse

from defector.core.access import Action, can, get_for, principal_for, restrict
from defector.core.errors import NotFound
from defector.core.users import AnyUser
from defector.dissemination.choices import POLL_SECONDS, Precedence, Seat, Target, ladder
from defector.dissemination.models import Delivery, ThreatReport
from defector.dissemination.queries.common import CLAUSE, row_id
from defector.notifications.pending import PendingItem

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


def unacknowledged_by_precedence() -> dict[tuple[str, ...], float]:
    """How many threat reports a recipient has still to acknowledge, by precedence: the
    ``defector_threat_reports_unacknowledged`` gauge of ``/metrics`` (counts only, for the
    operator; ``docs/operations.md``)."""
    counts = dict(
        ThreatReport.objects.filter(deliveries__acknowledged_at__isnull=True)
        .order_by()
        .values("precedence")
        .annotate(number=Count("pk", distinct=True))
        .values_list("precedence", "number")
    )
    return {(precedence,): float(counts.get(precedence, 0)) for precedence in Precedence.values}
