"""The escalation ladder of an unacknowledged report (``6b(3)(a)``), run by the worker.

:func:`sweep_ladders` (registered with ``core.sweeps``) takes every step that has fallen due
on a report some recipient has not yet acknowledged. A step is claimed by inserting its
:class:`LadderStep` row: the unique ``(report, step)`` pair lets exactly one of two workers
(or two runs) take it; the other's insert fails and it moves on. The step's deliveries, its
audit record and its row commit together; the notices go out after the commit.
"""

from __future__ import annotations

import datetime as dt
from typing import Final

from django.db import IntegrityError, transaction

from defector.core import audit
from defector.directory.choices import Role
from defector.directory.models import Official
from defector.dissemination.actions.common import cleared_for, tell
from defector.dissemination.choices import Precedence, Seat, Target, ladder
from defector.dissemination.models import Delivery, LadderStep, ThreatReport
from defector.notifications.actions import idc_members, post_officials
from defector.policy.gates import dissemination as gate

#: The seat of an official a step adds to the report's recipients.
TARGET_SEATS: Final[dict[str, str]] = {
    Target.COMMITTEE_CHAIR: Seat.COMMITTEE_CHAIR,
    Target.SENIOR_REPRESENTATIVE: Seat.SENIOR_REPRESENTATIVE,
    Target.IDC: Seat.IDC,
}


def _targets(report: ThreatReport, target: str) -> list[Official]:
    if target == Target.RECIPIENTS:
        return [
            delivery.recipient
            for delivery in report.deliveries.filter(acknowledged_at__isnull=True)
            .select_related("recipient")
            .order_by("recipient_id")
        ]
    if target == Target.COMMITTEE_CHAIR:
        return post_officials(report.post, [Role.COMMITTEE_CHAIR])
    if target == Target.SENIOR_REPRESENTATIVE:
        return post_officials(report.post, [Role.SENIOR_REPRESENTATIVE])
    return idc_members()


def take_step(report: ThreatReport, number: int, target: str, now: dt.datetime) -> bool:
    """Take step ``number`` of the report's ladder, unless it was taken already or every
    recipient has acknowledged; whether this call took it."""
    with transaction.atomic():
        if not report.deliveries.filter(acknowledged_at__isnull=True).exists():
            return False
        try:
            with transaction.atomic():
                step = LadderStep.objects.create(
                    report=report, step=number, target=target, taken_at=now
                )
        except IntegrityError:
            return False  # another run claimed it
        acknowledged = set(
            report.deliveries.filter(acknowledged_at__isnull=False).values_list(
                "recipient_id", flat=True
            )
        )
        known = set(report.deliveries.values_list("recipient_id", flat=True))
        reached: list[int] = []
        added: list[Delivery] = []
        for official in _targets(report, target):
            if official.pk in acknowledged or official.pk == report.issued_by_id:
                continue
            if official.pk not in known:
                if not cleared_for(official, report.case):
                    continue
                added.append(
                    Delivery(
                        report=report,
                        recipient=official,
                        seat=TARGET_SEATS.get(target, Seat.OTHER),
                        step=number,
                        created_at=now,
                    )
                )
            reached.append(official.pk)
        Delivery.objects.bulk_create(added)
        step.reached = reached
        step.save(update_fields=["reached"])
        audit.record(
            actor=None,
            action="dissemination.ladder.step",
            obj=step,
            cryptonym=report.source,
            after={
                "report": report.pk,
                "step": number,
                "target": target,
                "reached": reached,
                "added": sorted(delivery.recipient_id for delivery in added),
            },
            decision=None,
            reason=f"unacknowledged {report.get_precedence_display()} after "
            f"{int((now - report.issued_at).total_seconds() // 60)} minutes ({gate.CLAUSE})",
        )
        # Told in the step's own transaction: the step, its deliveries and its notices (with
        # their e-mails in the outbox) commit together or not at all, so a worker that dies
        # after the claim loses no step's notices (docs/dissemination.md).
        tell(report.pk, reached, step=number)
    return True


def sweep_ladders(now: dt.datetime) -> int:
    """Take every step that has fallen due at ``now`` on every report still waiting for an
    acknowledgement; the number of steps taken. Safe to run twice, or on two workers."""
    taken = 0
    climbing = [precedence for precedence in Precedence.values if ladder(precedence)]
    waiting = (
        ThreatReport.objects.filter(
            precedence__in=climbing,
            deliveries__acknowledged_at__isnull=True,
            issued_at__lte=now,
        )
        .select_related("post", "case")
        .distinct()
        .order_by("issued_at", "pk")
    )
    for report in waiting:
        steps = ladder(report.precedence)
        due = gate.steps_due(steps, now - report.issued_at)
        done = set(report.ladder_steps.values_list("step", flat=True))
        for number in due:
            if number in done:
                continue
            if take_step(report, number, steps[number - 1][1], now):
                taken += 1
    return taken
