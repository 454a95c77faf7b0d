"""The obligations of a case: list them, discharge, waive or reassign one."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from defector.cases import actions, queries
from defector.cases.api.common import expected_version, router
from defector.cases.schemas import DischargeIn, ObligationOut, ReassignIn, WaiveIn
from defector.core.pagination import paged
from defector.core.schemas import CHANGE_ERRORS, READ_ERRORS


@router.get(
    "/{case_id}/obligations",
    operation_id="defector_cases_api_list_obligations",
    response={200: list[ObligationOut], **READ_ERRORS},
    summary="The case's obligations: open ones first, by due time",
)
@paged
def list_obligations(request: HttpRequest, case_id: int) -> Any:
    case = queries.case_detail(request.user, case_id)
    return queries.obligations_of(request.user, case)


def _obligation(request: HttpRequest, case_id: int, obligation_id: int) -> Any:
    case = queries.case_detail(request.user, case_id)
    return queries.obligation_of(request.user, case, obligation_id)


@router.post(
    "/{case_id}/obligations/{obligation_id}/discharge",
    operation_id="defector_cases_api_discharge",
    response={200: ObligationOut, **CHANGE_ERRORS},
    summary="Mark an obligation done, with its evidence",
    description=(
        "`evidence` (at least 10 characters) is required; `evidence_label` and `evidence_id` "
        "may name the record it rests on (a record of this case)."
    ),
)
def discharge(request: HttpRequest, case_id: int, obligation_id: int, payload: DischargeIn) -> Any:
    actions.discharge_obligation(
        acting_user=request.user,
        case_id=case_id,
        obligation_id=obligation_id,
        expected_version=expected_version(request, payload.version),
        evidence=payload.evidence,
        evidence_label=payload.evidence_label,
        evidence_id=payload.evidence_id,
    )
    return _obligation(request, case_id, obligation_id)


@router.post(
    "/{case_id}/obligations/{obligation_id}/waive",
    operation_id="defector_cases_api_waive",
    response={200: ObligationOut, **CHANGE_ERRORS},
    summary="Waive an obligation, with the reason (committee chair, senior representative)",
)
def waive(request: HttpRequest, case_id: int, obligation_id: int, payload: WaiveIn) -> Any:
    actions.waive_obligation(
        acting_user=request.user,
        case_id=case_id,
        obligation_id=obligation_id,
        expected_version=expected_version(request, payload.version),
        reason=payload.reason,
    )
    return _obligation(request, case_id, obligation_id)


@router.post(
    "/{case_id}/obligations/{obligation_id}/reassign",
    operation_id="defector_cases_api_reassign",
    response={200: ObligationOut, **CHANGE_ERRORS},
    summary="Give an obligation to another official who may see the case",
)
def reassign(request: HttpRequest, case_id: int, obligation_id: int, payload: ReassignIn) -> Any:
    actions.reassign_obligation(
        acting_user=request.user,
        case_id=case_id,
        obligation_id=obligation_id,
        expected_version=expected_version(request, payload.version),
        owner_id=payload.owner_id,
    )
    return _obligation(request, case_id, obligation_id)
