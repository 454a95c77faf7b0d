"""Bona fides (``6b(3)(b)``): the checklist, the check results, the verdicts and the clock."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Status

from defector.cases import actions as actions_handling
from defector.cases import queries
from defector.cases import queries as queries_handling
from defector.cases.api.common import expected_version, router
from defector.cases.schemas import (
    BonaFidesOut,
    CheckIn,
    CheckOut,
    CheckResultIn,
    VerdictIn,
    VerdictOut,
)
from defector.core.pagination import paged
from defector.core.schemas import CHANGE_ERRORS, READ_ERRORS


def _check(view: queries_handling.CheckView) -> dict[str, Any]:
    return {name: getattr(view, name) for name in CheckOut.model_fields}


def _verdict(view: queries_handling.VerdictView) -> dict[str, Any]:
    return {
        "id": view.id,
        "number": view.number,
        "verdict": view.verdict,
        "checks": [check.id for check in view.checks],
        "basis": view.basis,
        "rationale": view.rationale,
        "recorded_at": view.recorded_at,
        "recorded_by": view.recorded_by,
        "superseded_at": view.superseded_at,
        "current": view.current,
    }


def _bona_fides(request: HttpRequest, case_id: int) -> dict[str, Any]:
    case = queries.case_detail(request.user, case_id)
    view = queries_handling.bona_fides_of(request.user, case)
    clock = view.clock
    return {
        "clock": {
            "started_at": clock.started_at,
            "target_days": clock.target_days,
            "due_at": clock.due_at,
            "day": clock.day,
            "overdue": clock.overdue,
            "established": clock.established,
            "text": clock.text,
        },
        "checks": [_check(check) for check in view.checks],
        "current": _verdict(view.current) if view.current is not None else None,
        "verdicts": [_verdict(verdict) for verdict in view.history],
    }


@router.get(
    "/{case_id}/bona-fides",
    operation_id="defector_cases_api_handling_bona_fides",
    response={200: BonaFidesOut, **READ_ERRORS},
    summary="Bona fides: the clock, the checks and the verdicts (6b(3)(b))",
    description=(
        "The clock runs from the reception against the post's target (e.g. day 12 of 30) "
        "and stops at an established verdict."
    ),
)
def bona_fides(request: HttpRequest, case_id: int) -> Any:
    return _bona_fides(request, case_id)


@router.get(
    "/{case_id}/bona-fides/checks",
    operation_id="defector_cases_api_handling_list_checks",
    response={200: list[CheckOut], **READ_ERRORS},
    summary="The bona fides checks of the case, oldest first",
)
@paged
def list_checks(request: HttpRequest, case_id: int) -> Any:
    case = queries.case_detail(request.user, case_id)
    return [_check(check) for check in queries_handling.checks_of(request.user, case)]


@router.post(
    "/{case_id}/bona-fides/checks",
    operation_id="defector_cases_api_handling_add_check",
    response={201: CheckOut, **CHANGE_ERRORS},
    summary="Add a bona fides check",
    description=(
        "Pending by default; with a `result`, `checked_on` and `finding` are required. The "
        "analyst must be an official who may see the case."
    ),
)
def add_check(request: HttpRequest, case_id: int, payload: CheckIn) -> Any:
    check = actions_handling.add_bona_fides_check(
        acting_user=request.user,
        case_id=case_id,
        expected_version=expected_version(request, payload.version),
        kind=payload.kind,
        analyst_id=payload.analyst_id,
        result=payload.result,
        checked_on=payload.checked_on,
        finding=payload.finding,
    )
    case = queries.case_detail(request.user, case_id)
    return Status(201, _check(queries_handling.check_of(request.user, case, check.pk)))


@router.post(
    "/{case_id}/bona-fides/checks/{check_id}/result",
    operation_id="defector_cases_api_handling_record_result",
    response={200: CheckOut, **CHANGE_ERRORS},
    summary="Record the result of a pending check (final once recorded)",
)
def record_result(request: HttpRequest, case_id: int, check_id: int, payload: CheckResultIn) -> Any:
    actions_handling.record_check_result(
        acting_user=request.user,
        case_id=case_id,
        check_id=check_id,
        expected_version=expected_version(request, payload.version),
        result=payload.result,
        checked_on=payload.checked_on,
        finding=payload.finding,
    )
    case = queries.case_detail(request.user, case_id)
    return _check(queries_handling.check_of(request.user, case, check_id))


@router.post(
    "/{case_id}/bona-fides/verdicts",
    operation_id="defector_cases_api_handling_record_verdict",
    response={201: VerdictOut, **CHANGE_ERRORS},
    summary="Record a bona fides verdict citing its checks",
    description=(
        "`established`, `doubtful` or `refuted`, citing at least one completed check; "
        "`established` is refused (422, clause 6b(3)(b)) when a cited check is inconsistent. "
        "It supersedes the current verdict. `established` discharges the bona fides "
        "obligation; a later verdict that is not opens it again."
    ),
)
def record_verdict(request: HttpRequest, case_id: int, payload: VerdictIn) -> Any:
    row = actions_handling.record_bona_fides_verdict(
        acting_user=request.user,
        case_id=case_id,
        expected_version=expected_version(request, payload.version),
        verdict=payload.verdict,
        check_ids=payload.check_ids,
        rationale=payload.rationale,
    )
    case = queries.case_detail(request.user, case_id)
    found = next(v for v in queries_handling.verdicts_of(request.user, case) if v.id == row.pk)
    return Status(201, _verdict(found))
