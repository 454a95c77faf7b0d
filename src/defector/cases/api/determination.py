"""The determinations: political risk (``7a``), defector status (``6b(2)``) and the
referral as a refugee (``2f``). A refusal under the directive answers 422 with ``code``
``policy_refusal`` and the ``clauses`` that refused.
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
    ReferralRecordedOut,
    RefugeeReferralIn,
    RiskDeterminationIn,
    RiskDeterminationsOut,
    RiskRecordedOut,
    StatusDeterminationIn,
    StatusOverviewOut,
    StatusRecordedOut,
)
from defector.core.schemas import CHANGE_ERRORS, READ_ERRORS


@router.get(
    "/{case_id}/political-risk",
    operation_id="defector_cases_api_determination_political_risk",
    response={200: RiskDeterminationsOut, **READ_ERRORS},
    summary="The case's 7a political-risk determinations",
)
def political_risk(request: HttpRequest, case_id: int) -> Any:
    case = visible_case(request, case_id)
    views = determinations.risk_determinations_of(request.user, case)
    return {
        "case_version": case.version,
        "in_force": [as_dict(v) for v in views if v.in_force],
        "history": [as_dict(v) for v in views if not v.in_force],
        "determined": decision_out(determinations.political_risk_determined(case)),
    }


@router.post(
    "/{case_id}/political-risk",
    operation_id="defector_cases_api_determination_determine_political_risk",
    response={201: RiskRecordedOut, **CHANGE_ERRORS},
    summary="Determine the political risk (7a): the post's Senior US Representative",
    description=(
        "For the case as a whole (`subject`: `case`) or a contemplated action (`inducement`, "
        "`exfiltration`, `publicity`): the `level` (none, low, moderate, high, prohibitive) and "
        "the `reasoning`. Supersedes the determination in force on the same subject; the "
        "case's discharges the political-risk obligation. Anyone but the post's Senior US "
        "Representative: 403 naming 7a."
    ),
)
def determine_political_risk(
    request: HttpRequest, case_id: int, payload: RiskDeterminationIn
) -> Any:
    done = actions.determine_political_risk(
        acting_user=request.user,
        case_id=case_id,
        expected_version=expected_version(request, payload.version),
        subject=payload.subject,
        level=payload.level,
        reasoning=payload.reasoning,
    )
    case = visible_case(request, case_id)
    view = find(determinations.risk_determinations_of(request.user, case), done.pk, "determination")
    return Status(201, {**as_dict(view), "case_version": case.version})


def _status_overview(request: HttpRequest, case: Any) -> dict[str, Any]:
    return {
        "case_version": case.version,
        "stage": case.stage,
        "determinations": [
            as_dict(v) for v in determinations.status_determinations_of(request.user, case)
        ],
        "grant": decision_out(determinations.grant_readiness(case)),
        "agencies": [
            {"id": a.pk, "code": a.code, "name": a.name}
            for a in determinations.represented_agencies(case.post)
        ],
    }


@router.get(
    "/{case_id}/status",
    operation_id="defector_cases_api_determination_status_overview",
    response={200: StatusOverviewOut, **READ_ERRORS},
    summary="The case's status determinations (6b(2)), and what a grant still needs",
)
def status_overview(request: HttpRequest, case_id: int) -> Any:
    return _status_overview(request, visible_case(request, case_id))


@router.post(
    "/{case_id}/status",
    operation_id="defector_cases_api_determination_determine_status",
    response={201: StatusRecordedOut, **CHANGE_ERRORS},
    summary="Determine defector status (6b(2)): the committee chair, or a member for the chair",
    description=(
        "`decision` grant, decline or defer; the `special_value` weighed and the `rationale`; "
        "`positions`: one for each agency represented on the post's committee (concur, or "
        "dissent with a note). A grant answers 422 `policy_refusal` naming every missing clause "
        "unless the latest assessment finds a defector (2a), bona fides is established "
        "(6b(3)(b)), a signed statement is on file (6b(3)(c)) and the 7a determination exists "
        "and is not prohibitive. A grant moves the case on to exploitation."
    ),
)
def determine_status(request: HttpRequest, case_id: int, payload: StatusDeterminationIn) -> Any:
    done = actions.determine_status(
        acting_user=request.user,
        case_id=case_id,
        expected_version=expected_version(request, payload.version),
        decision=payload.decision,
        special_value=payload.special_value,
        rationale=payload.rationale,
        positions=[position.model_dump() for position in payload.positions],
        on_behalf_of_id=payload.on_behalf_of_id,
    )
    case = visible_case(request, case_id)
    view = determinations.status_determination_of(request.user, case, done.pk)
    return Status(201, {**as_dict(view), "case_version": case.version, "stage": case.stage})


@router.post(
    "/{case_id}/refugee-referrals",
    operation_id="defector_cases_api_determination_refer_as_refugee",
    response={201: ReferralRecordedOut, **CHANGE_ERRORS},
    summary="Refer a person declined defector status as a refugee (2f)",
    description=(
        "Only after a status determination that declines (else 422 `policy_refusal` naming "
        "2f). With `close`, the case is also closed as referred as a refugee."
    ),
)
def refer_as_refugee(request: HttpRequest, case_id: int, payload: RefugeeReferralIn) -> Any:
    done = actions.refer_as_refugee(
        acting_user=request.user,
        case_id=case_id,
        expected_version=expected_version(request, payload.version),
        reason=payload.reason,
        referred_to=payload.referred_to,
        close=payload.close,
    )
    case = visible_case(request, case_id)
    view = find(determinations.referrals_of(request.user, case), done.pk, "referral")
    return Status(
        201,
        {
            **as_dict(view),
            "case_version": case.version,
            "stage": case.stage,
            "outcome": case.outcome,
        },
    )
