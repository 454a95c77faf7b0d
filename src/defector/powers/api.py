"""The powers router, mounted at ``/api/v1/powers``: Washington's records of ``1`` and ``3``.

Thin: the list is a query, each write one action. Only the DCI's delegate records or revokes
(else 403, naming ``1`` and ``3``); a record the caller may not see answers 404.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja import Query, Router, Status

from defector.core.pagination import Mapped, paged
from defector.core.schemas import CHANGE_ERRORS, READ_ERRORS, ErrorOut
from defector.powers import actions, queries
from defector.powers.schemas import PowerFiltersIn, PowerIn, PowerOut, RevokeIn

router = Router()


@router.get(
    "/records",
    response={200: list[PowerOut], 401: ErrorOut, 422: ErrorOut},
    summary="List the records of Washington's powers you may see (1, 3)",
    description="Newest first. Filter by state: current (not revoked) or revoked.",
)
@paged
def list_powers(request: HttpRequest, filters: Query[PowerFiltersIn]) -> Any:
    user = request.user
    today = timezone.localdate()
    return Mapped(
        queries.powers_for(user, state=filters.state),
        lambda found: queries.rows(user, found, today=today),
    )


@router.post(
    "/records",
    response={201: PowerOut, 401: ErrorOut, 403: ErrorOut, 422: ErrorOut},
    summary="Record a presidential direction, a theater of war (1) or a DCI determination (3)",
    description=(
        "The DCI's delegate only (else 403, naming 1 and 3). The open cases the record reaches "
        "are assessed again in the same transaction."
    ),
)
def record_power(request: HttpRequest, payload: PowerIn) -> Any:
    power = actions.record_power(
        acting_user=request.user,
        kind=payload.kind,
        reference=payload.reference,
        authority=payload.authority,
        countries=payload.countries,
        cryptonyms=payload.cases,
        starts_on=payload.starts_on,
        ends_on=payload.ends_on,
        text=payload.text,
    )
    return Status(201, queries.power_detail(request.user, power.pk, today=timezone.localdate()))


@router.get(
    "/records/{power_id}",
    response={200: PowerOut, **READ_ERRORS},
    summary="One record of Washington's powers",
)
def get_power(request: HttpRequest, power_id: int) -> Any:
    return queries.power_detail(request.user, power_id, today=timezone.localdate())


@router.post(
    "/records/{power_id}/revoke",
    response={200: PowerOut, **CHANGE_ERRORS},
    summary="Revoke a record (1, 3)",
    description=(
        "The DCI's delegate only. Takes the version read (409 when stale). The record is kept; "
        "the open cases it reached are assessed again."
    ),
)
def revoke_power(request: HttpRequest, power_id: int, payload: RevokeIn) -> Any:
    actions.revoke_power(
        acting_user=request.user,
        power_id=power_id,
        expected_version=payload.version,
        reason=payload.reason,
        revoked_from=payload.revoked_from,
    )
    return queries.power_detail(request.user, power_id, today=timezone.localdate())
