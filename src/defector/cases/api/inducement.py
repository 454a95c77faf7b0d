"""Inducement: recruitment in place considered (``5a(1)``), inducement plans and their
acts (``2b``, ``5a(4)``).
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Status

from defector.cases import actions
from defector.cases import queries as determinations
from defector.cases.api.common import (
    as_dict,
    decision_out,
    expected_version,
    find,
    router,
    visible_case,
)
from defector.cases.schemas import (
    ActRecordedOut,
    ConsiderationIn,
    ConsiderationRecordedOut,
    InducementActIn,
    InducementOut,
    PlanIn,
    PlanRecordedOut,
)
from defector.core.schemas import CHANGE_ERRORS, READ_ERRORS


@router.get(
    "/{case_id}/inducement",
    operation_id="defector_cases_api_determination_inducement",
    response={200: InducementOut, **READ_ERRORS},
    summary="Recruitment in place considered, inducement plans and their acts",
)
def inducement(request: HttpRequest, case_id: int) -> Any:
    case = visible_case(request, case_id)
    return {
        "case_version": case.version,
        "considerations": [
            as_dict(v) for v in determinations.considerations_of(request.user, case)
        ],
        "plans": [
            {**as_dict(plan), "acts": [as_dict(act) for act in plan.acts]}
            for plan in determinations.plans_of(request.user, case)
        ],
        "max_group_size": determinations.max_inducement_group(),
        "plan_for_one": decision_out(determinations.inducement_readiness(case, 1)),
    }


@router.post(
    "/{case_id}/recruitment-considerations",
    operation_id="defector_cases_api_determination_consider_recruitment",
    response={201: ConsiderationRecordedOut, **CHANGE_ERRORS},
    summary="Record the consideration of recruitment in place (5a(1))",
)
def consider_recruitment(request: HttpRequest, case_id: int, payload: ConsiderationIn) -> Any:
    done = actions.consider_recruitment_in_place(
        acting_user=request.user,
        case_id=case_id,
        expected_version=expected_version(request, payload.version),
        conclusion=payload.conclusion,
        reasoning=payload.reasoning,
    )
    case = visible_case(request, case_id)
    view = find(determinations.considerations_of(request.user, case), done.pk, "consideration")
    return Status(201, {**as_dict(view), "case_version": case.version})


@router.post(
    "/{case_id}/inducement-plans",
    operation_id="defector_cases_api_determination_record_plan",
    response={201: PlanRecordedOut, **CHANGE_ERRORS},
    summary="Record an inducement plan (2b, 5a(1), 5a(4), 7a)",
    description=(
        "422 `policy_refusal` naming each missing clause unless recruitment in place was "
        "considered and the latest consideration concluded to induce defection (5a(1)), a 7a "
        "determination for inducement or for the case exists and is not prohibitive (7a), and "
        "the plan aims at no more persons than the installation allows (5a(4))."
    ),
)
def record_plan(request: HttpRequest, case_id: int, payload: PlanIn) -> Any:
    done = actions.record_inducement_plan(
        acting_user=request.user,
        case_id=case_id,
        expected_version=expected_version(request, payload.version),
        description=payload.description,
        group_size=payload.group_size,
    )
    case = visible_case(request, case_id)
    view = find(determinations.plans_of(request.user, case), done.pk, "plan")
    return Status(
        201,
        {
            **as_dict(view),
            "acts": [as_dict(act) for act in view.acts],
            "case_version": case.version,
        },
    )


@router.post(
    "/{case_id}/inducement-plans/{plan_id}/acts",
    operation_id="defector_cases_api_determination_record_act",
    response={201: ActRecordedOut, **CHANGE_ERRORS},
    summary="Record an act of inducement (2b) with the official who committed or instigated it",
)
def record_act(request: HttpRequest, case_id: int, plan_id: int, payload: InducementActIn) -> Any:
    done = actions.record_inducement_act(
        acting_user=request.user,
        case_id=case_id,
        plan_id=plan_id,
        expected_version=expected_version(request, payload.version),
        description=payload.description,
        occurred_at=payload.occurred_at,
        committed_by_id=payload.committed_by_id,
        instigated_by_id=payload.instigated_by_id,
    )
    case = visible_case(request, case_id)
    view = determinations.act_of(request.user, case, done.pk)
    return Status(201, {**as_dict(view), "case_version": case.version})
