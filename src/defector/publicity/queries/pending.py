"""Proposals still before Washington, per case (Washington's worldwide view)."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Count

from defector.core.access import Action, restrict
from defector.core.users import AnyUser
from defector.publicity.choices import PENDING
from defector.publicity.models import Proposal


def awaiting_decision(user: AnyUser, case_ids: Iterable[int]) -> dict[int, int]:
    """How many proposals of each of ``case_ids`` await sign-off or decision; one query.
    Cases without one are left out."""
    rows = (
        restrict(
            user,
            Action.VIEW,
            Proposal.objects.filter(case_id__in=sorted(set(case_ids)), status__in=PENDING),
        )
        .values("case_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return {row["case_id"]: row["n"] for row in rows}
