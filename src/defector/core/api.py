"""The audit API (``/api/v1/audit``), for auditors: the events, one event, verification.

The same filters and queries as the audit page. Callers who may not read the log get an
empty list, and 404 for an event or a verification, as if there were nothing to see.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import Query, Router

from defector.core import audit, chain, idempotency, queries
from defector.core.errors import InvalidInput
from defector.core.pagination import paged
from defector.core.schemas import (
    AuditEventOut,
    AuditEventsQuery,
    ErrorOut,
    VerificationOut,
    VerifyIn,
)

router = Router()


def _utc(moment: dt.datetime | None) -> dt.datetime | None:
    """A time without an offset is read as UTC (the time zone the log is written in)."""
    if moment is not None and moment.tzinfo is None:
        return moment.replace(tzinfo=dt.UTC)
    return moment


@router.get(
    "/events",
    response={200: list[AuditEventOut], 401: ErrorOut, 422: ErrorOut},
    summary="List audit events, newest first",
    description=(
        "Filters as on the audit page: `actor` (part of the name), `action` (a prefix), "
        "`object_type`, `object_id`, `cryptonym`, and `since`/`until` (inclusive). Auditors "
        "only: anyone else gets an empty page."
    ),
)
@paged
def list_events(request: HttpRequest, query: Query[AuditEventsQuery]) -> Any:
    filters = queries.AuditFilter(
        actor=query.actor,
        action=query.action,
        object_type=query.object_type,
        object_id=query.object_id,
        cryptonym=query.cryptonym,
        since=_utc(query.since),
        until=_utc(query.until),
    )
    errors = filters.errors()
    if errors:
        raise InvalidInput(errors)
    return queries.audit_events_shown(request.user, filters)


@router.get(
    "/events/{seq}",
    response={200: AuditEventOut, 401: ErrorOut, 404: ErrorOut},
    summary="One audit event by its sequence number",
)
def get_event(request: HttpRequest, seq: int) -> Any:
    return queries.audit_event(request.user, seq)


@router.post(
    "/verify",
    response={200: VerificationOut, 401: ErrorOut, 404: ErrorOut, 422: ErrorOut},
    summary="Verify the whole audit chain",
    description=(
        "Recomputes every event's hash and link and checks every stored checkpoint, plus any "
        "kept `checkpoints` sent (as `defector audit checkpoint` prints them) against this "
        "deployment's key and any `public_keys` given. `ok` is false on any fault; "
        "`first_bad` is the earliest. Send `{}` to check the stored chain alone. Auditors only."
    ),
)
@idempotency.exempt  # answers for the chain as it is now: never an earlier answer
def verify(request: HttpRequest, payload: VerifyIn) -> dict[str, Any]:
    kept = [chain.Checkpoint(**item.dict()) for item in payload.checkpoints]
    result: audit.Verification = queries.verify_audit_chain(
        request.user, kept=kept, public_keys=payload.public_keys
    )
    return result.to_dict()
