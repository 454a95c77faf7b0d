"""The notifications router, mounted at ``/api/v1/notifications``: each official's notices and
the acknowledgements asked of them (``6e``).

Thin: each endpoint calls one query or action. A notice of someone else's answers 404.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Query, Router, Status

from defector.core.pagination import Mapped, paged
from defector.core.schemas import CHANGE_ERRORS, READ_ERRORS, ErrorOut
from defector.notifications import actions, queries
from defector.notifications.schemas import (
    AcknowledgeIn,
    NoticeAcknowledgementOut,
    NoticeFiltersIn,
    NoticeOut,
    PendingAcknowledgementOut,
    VisitIn,
    VisitOut,
    WhatsNewOut,
)

router = Router()


@router.get(
    "/notices",
    response={200: list[NoticeOut], 401: ErrorOut, 422: ErrorOut},
    summary="Your notices",
    description="Newest first; filter by unread, kind and time.",
)
@paged
def list_notices(request: HttpRequest, filters: Query[NoticeFiltersIn]) -> Any:
    found = queries.notices_for(
        request.user,
        queries.NoticeFilters(unread=filters.unread, kind=filters.kind, since=filters.since),
    )
    return Mapped(found, lambda page: [queries.describe(notice) for notice in page])


@router.post(
    "/notices/{notice_id}/read",
    response={200: NoticeOut, **READ_ERRORS},
    summary="Mark one of your notices read",
)
def read_notice(request: HttpRequest, notice_id: int) -> Any:
    return queries.describe(actions.mark_read(acting_user=request.user, notice_id=notice_id))


@router.get(
    "/whats-new",
    response={200: WhatsNewOut, 401: ErrorOut},
    summary="What changed since your last visit",
    description="Reading it changes nothing; POST /visit moves your last-visit marker.",
)
def whats_new(request: HttpRequest) -> Any:
    return queries.whats_new(request.user)


@router.post(
    "/visit",
    response={200: VisitOut, 401: ErrorOut, 404: ErrorOut, 422: ErrorOut},
    summary="Record your visit: move the marker and mark the notices read",
)
def visit(request: HttpRequest, payload: VisitIn) -> Any:
    return actions.record_visit(
        acting_user=request.user, seen_until=payload.seen_until, notice_ids=payload.notice_ids
    )


@router.get(
    "/acknowledgements",
    response={200: list[PendingAcknowledgementOut], 401: ErrorOut},
    summary="Procedures and guidance you have still to acknowledge (6e)",
)
@paged
def pending(request: HttpRequest) -> Any:
    return queries.pending_acknowledgements(request.user)


@router.post(
    "/acknowledgements",
    response={201: NoticeAcknowledgementOut, **CHANGE_ERRORS},
    summary="Acknowledge a version of the procedures or of guidance (6e)",
)
def acknowledge(request: HttpRequest, payload: AcknowledgeIn) -> Any:
    done = actions.acknowledge(acting_user=request.user, kind=payload.kind, version_id=payload.id)
    return Status(
        201, {"kind": payload.kind, "id": payload.id, "acknowledged_at": done.acknowledged_at}
    )
