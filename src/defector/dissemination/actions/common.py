"""What the dissemination actions share: who may be sent a report, and telling them."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone

from defector.cases.models import Case
from defector.core import audit
from defector.core.access import rank
from defector.core.users import AnyUser
from defector.directory.models import Official
from defector.dissemination.models import Delivery, ThreatReport
from defector.notifications.actions import notify_officials
from defector.notifications.choices import NoticeKind


def cleared_for(official: Official, case: Case) -> bool:
    """Whether ``official`` holds the case's sensitivity and every one of its compartments:
    a report is sent to nobody who may not read it."""
    if rank(official.clearance) < rank(case.sensitivity):
        return False
    needed = {compartment.code for compartment in case.compartments.all()}
    held = {compartment.code for compartment in official.compartments.all()}
    return needed <= held


def report_link(report: ThreatReport) -> str:
    """The path of the report's page."""
    return reverse("dissemination:report", args=[report.pk])


def summary_of(report: ThreatReport, *, step: int | None = None) -> str:
    """A notice's summary: precedence, cryptonym and post only (never a name or free text)."""
    text = (
        f"{report.get_precedence_display()} threat report on {report.source} at "
        f"{report.post.code}: acknowledge at once"
    )
    if step is not None:
        text = f"Not yet acknowledged (escalation step {step}). {text}"
    return text


def tell(
    report_id: int,
    official_ids: Iterable[int],
    *,
    step: int | None = None,
    acting_user: AnyUser | None = None,
) -> int:
    """Send the report's notice to ``official_ids`` and mark their deliveries delivered (the
    notice is in their inbox): after the issue's commit, or inside a ladder step's
    transaction. The number told."""
    report = ThreatReport.objects.select_related("post").get(pk=report_id)
    officials = (
        Official.objects.filter(pk__in=list(official_ids)).select_related("user").order_by("pk")
    )
    with transaction.atomic():
        notices = notify_officials(
            officials,
            NoticeKind.THREAT_REPORT,
            summary_of(report, step=step),
            report_link(report),
            post=report.post,
            about=[report],
            acting_user=acting_user,
        )
        told = sorted({notice.recipient_id for notice in notices})
        if not told:
            return 0
        now = timezone.now()
        deliveries = Delivery.objects.filter(report=report, recipient_id__in=told)
        deliveries.filter(delivered_at__isnull=True).update(delivered_at=now)
        deliveries.update(told=F("told") + 1)
        audit.record(
            actor=acting_user,
            action="dissemination.delivery.deliver",
            obj=report,
            cryptonym=report.source,
            after={"recipients": told, "step": step, "delivered_at": now},
        )
    return len(told)


def tell_on_commit(
    report: ThreatReport,
    official_ids: Iterable[int],
    *,
    step: int | None = None,
    acting_user: AnyUser | None = None,
) -> None:
    """:func:`tell`, once the current transaction commits."""
    report_id, ids = report.pk, sorted(set(official_ids))
    if ids:
        transaction.on_commit(
            lambda: tell(report_id, ids, step=step, acting_user=acting_user), robust=True
        )
