"""Moves of a case to another post or to Washington: the moves the caller may see (the
receiving side sees a move proposed to it before it sees the case), a case's moves, the
proposal, and the receiving side's and the sending side's answers."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Query, Status

from defector.cases import actions, queries
from defector.cases.api.common import expected_version, router
from defector.cases.queries import transfers as transfer_queries
from defector.cases.schemas.transfers import (
    TransferFiltersIn,
    TransferIn,
    TransferOut,
    TransferStepIn,
)
from defector.core.pagination import Mapped, paged
from defector.core.schemas import CHANGE_ERRORS, READ_ERRORS, ErrorOut


def _out(view: transfer_queries.TransferView) -> dict[str, Any]:
    return {
        **{name: getattr(view, name) for name in TransferOut.model_fields if hasattr(view, name)},
        "clauses": list(view.clauses),
    }


@router.get(
    "/transfers",
    operation_id="defector_cases_api_list_transfers",
    response={200: list[TransferOut], 401: ErrorOut, 422: ErrorOut},
    summary="The moves of cases you may see (yours to answer included)",
    description="Newest first; `pending=true` for those awaiting the receiving side.",
)
@paged
def list_transfers(request: HttpRequest, filters: Query[TransferFiltersIn]) -> Any:
    user = request.user
    return Mapped(
        transfer_queries.transfers_for(user, pending=filters.pending),
        lambda found: [_out(v) for v in transfer_queries.rows(user, found)],
    )


@router.get(
    "/transfers/{transfer_id}",
    operation_id="defector_cases_api_get_transfer",
    response={200: TransferOut, **READ_ERRORS},
    summary="One move of a case",
)
def get_transfer(request: HttpRequest, transfer_id: int) -> Any:
    return _out(transfer_queries.transfer_detail(request.user, transfer_id))


def _step(request: HttpRequest, transfer_id: int, payload: TransferStepIn, verb: str) -> Any:
    common: dict[str, Any] = {
        "acting_user": request.user,
        "transfer_id": transfer_id,
        "expected_version": payload.version,
        "note": payload.note,
    }
    if verb == "accept":
        actions.accept_transfer(**common, officer_ids=payload.officer_ids)
    elif verb == "decline":
        actions.decline_transfer(**common)
    else:
        actions.cancel_transfer(**common)
    return _out(transfer_queries.transfer_detail(request.user, transfer_id))


@router.post(
    "/transfers/{transfer_id}/accept",
    operation_id="defector_cases_api_accept_transfer",
    response={200: TransferOut, **CHANGE_ERRORS},
    summary="Accept a move (the receiving post's chair; for Washington an IDC member)",
    description=(
        "The case passes to the receiving side: its post changes (or it passes into "
        "Washington's custody), the old post's case officers and invited representatives "
        "are unassigned, `officer_ids` (case officers of the receiving post) assigned, its "
        "open obligations handed over. 409 on a stale version; 403 for anyone else."
    ),
)
def accept_transfer(request: HttpRequest, transfer_id: int, payload: TransferStepIn) -> Any:
    return _step(request, transfer_id, payload, "accept")


@router.post(
    "/transfers/{transfer_id}/decline",
    operation_id="defector_cases_api_decline_transfer",
    response={200: TransferOut, **CHANGE_ERRORS},
    summary="Decline a move, saying why (the receiving side)",
)
def decline_transfer(request: HttpRequest, transfer_id: int, payload: TransferStepIn) -> Any:
    return _step(request, transfer_id, payload, "decline")


@router.post(
    "/transfers/{transfer_id}/cancel",
    operation_id="defector_cases_api_cancel_transfer",
    response={200: TransferOut, **CHANGE_ERRORS},
    summary="Cancel a proposed move (who proposed it, or the sending post's chair)",
)
def cancel_transfer(request: HttpRequest, transfer_id: int, payload: TransferStepIn) -> Any:
    return _step(request, transfer_id, payload, "cancel")


@router.get(
    "/{case_id}/transfers",
    operation_id="defector_cases_api_list_case_transfers",
    response={200: list[TransferOut], **READ_ERRORS},
    summary="The case's moves, newest first",
)
@paged
def list_case_transfers(request: HttpRequest, case_id: int) -> Any:
    case = queries.case_detail(request.user, case_id)
    return [_out(v) for v in transfer_queries.transfers_of_case(request.user, case)]


@router.post(
    "/{case_id}/transfers",
    operation_id="defector_cases_api_propose_transfer",
    response={201: TransferOut, **CHANGE_ERRORS},
    summary="Propose moving the case to another post or to Washington",
    description=(
        "By the side that holds the case: its post's committee chair or an assigned case "
        "officer (in Washington's custody, an IDC member); else 403. One pending move per case."
    ),
)
def propose_transfer(request: HttpRequest, case_id: int, payload: TransferIn) -> Any:
    transfer = actions.propose_transfer(
        acting_user=request.user,
        case_id=case_id,
        expected_version=expected_version(request, payload.version),
        to_post_id=payload.to_post_id,
        kind=payload.kind,
        reason=payload.reason,
    )
    return Status(201, _out(transfer_queries.transfer_detail(request.user, transfer.pk)))
