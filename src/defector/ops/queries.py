"""What the operators' gauges read (``/metrics``): counts over the whole deployment, for the
holders of the metrics token only, never one record's content."""

from __future__ import annotations

import datetime as dt
import math

from django.db.models import Count
from django.utils import timezone

from defector.cases.choices import ObligationStatus
from defector.cases.models import Obligation
from defector.core import sweeps
from defector.core.models import AuditCheckpoint, AuditHead


def overdue_obligations_by_clause() -> dict[tuple[str, ...], float]:
    """Open obligations past their due time, by the clause that imposes them."""
    rows = (
        Obligation.objects.filter(status=ObligationStatus.OPEN, due_at__lt=timezone.now())
        .order_by()
        .values("clause")
        .annotate(count=Count("pk"))
    )
    return {(row["clause"],): float(row["count"]) for row in rows}


def audit_chain_length() -> float:
    """The number of events on the audit chain (its head's position)."""
    head = AuditHead.objects.order_by("pk").values_list("seq", flat=True).first()
    return float(head or 0)


def _age(moment: dt.datetime | None) -> float:
    if moment is None:
        return math.inf
    return max(0.0, (timezone.now() - moment).total_seconds())


def last_checkpoint_age_seconds() -> float:
    """Seconds since the last signed checkpoint of the audit chain (+Inf: none yet)."""
    time = AuditCheckpoint.objects.order_by("-size").values_list("time", flat=True).first()
    return _age(dt.datetime.fromisoformat(time) if time else None)


def worker_heartbeat_age_seconds() -> float:
    """Seconds since a worker last reported (+Inf: none ever did)."""
    return _age(sweeps.last_heartbeat())
