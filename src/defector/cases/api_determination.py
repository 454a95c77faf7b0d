"""The determinations' endpoints, mounted on the cases router (``/api/v1/cases``).

Thin, like ``cases.api``: each endpoint calls one action or query. A case the caller may not
see answers 404; one they may see but not act on, 403; a stale version, 409; bad input, 422
naming every field; a refusal under the directive, 422 with ``code`` ``policy_refusal`` and
the ``clauses`` that refused. Every change takes the version of the case the caller read
(``version`` in the body, or ``If-Match``) and answers with the case's new version.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Router, Status

from defector.cases import actions_determination as actions
from defector.cases import queries
from defector.cases import queries_determination as determinations
from defector.cases.schemas import (
    ActRecordedOut,
    ConsiderationIn,
    ConsiderationRecordedOut,
    InducementActIn,
    InducementOut,
    PlanIn,
    PlanRecordedOut,
    ReferralRecordedOut,
    RefugeeReferralIn,
    RiskDeterminationIn,
    RiskDeterminationsOut,
    RiskRecordedOut,
    StatusDeterminationIn,
    StatusOverviewOut,
    StatusRecordedOut,
)
from defector.core.errors import NotFound
from defector.core.schemas import ErrorOut
from defector.policy import Decision

router = Router()

READ_ERRORS: dict[int, Any] = {401: ErrorOut, 404: ErrorOut}
CHANGE_ERRORS: dict[int, Any] = {
    401: ErrorOut,
    403: ErrorOut,
    404: ErrorOut,
    409: ErrorOut,
    422: ErrorOut,
}


def _expected_version(request: HttpRequest, body: int | None) -> int | None:
    """The version the caller read: the body's or ``If-Match`` (``cases.api``'s rule)."""
    from defector.cases.api import _expected_version as expected

    return expected(request, body)


def _case(request: HttpRequest, case_id: int) -> Any:
    """The case (a ``cases.models.Case``), or 404 when the caller may not see it."""
    return queries.case_detail(request.user, case_id)


def _decision(decision: Decision) -> dict[str, Any]:
    return decision.to_dict()


def _as_dict(view: Any) -> dict[str, Any]:
    return {name: getattr(view, name) for name in view.__dataclass_fields__}


def _find(items: list[Any], item_id: int, what: str) -> Any:
    for item in items:
        if item.id == item_id:
            return item
    raise NotFound(f"no such {what}")


# --- 7a -----------------------------------------------------------------------------------------


@router.get(
    "/{case_id}/political-risk",
    response={200: RiskDeterminationsOut, **READ_ERRORS},
    summary="The case's 7a political-risk determinations",
)
def political_risk(request: HttpRequest, case_id: int) -> Any:
    case = _case(request, case_id)
    views = determinations.risk_determinations_of(request.user, case)
    return {
        "case_version": case.version,
        "in_force": [_as_dict(v) for v in views if v.in_force],
        "history": [_as_dict(v) for v in views if not v.in_force],
        "determined": _decision(determinations.political_risk_determined(case)),
    }


@router.post(
    "/{case_id}/political-risk",
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
        expected_version=_expected_version(request, payload.version),
        subject=payload.subject,
        level=payload.level,
        reasoning=payload.reasoning,
    )
    case = _case(request, case_id)
    view = _find(
        determinations.risk_determinations_of(request.user, case), done.pk, "determination"
    )
    return Status(201, {**_as_dict(view), "case_version": case.version})


# --- 6b(2) and 2f ---------------------------------------------------------------------------


def _status_overview(request: HttpRequest, case: Any) -> dict[str, Any]:
    return {
        "case_version": case.version,
        "stage": case.stage,
        "determinations": [
            _as_dict(v) for v in determinations.status_determinations_of(request.user, case)
        ],
        "grant": _decision(determinations.grant_readiness(case)),
        "agencies": [
            {"id": a.pk, "code": a.code, "name": a.name}
            for a in determinations.represented_agencies(case.post)
        ],
    }


@router.get(
    "/{case_id}/status",
    response={200: StatusOverviewOut, **READ_ERRORS},
    summary="The case's status determinations (6b(2)), and what a grant still needs",
)
def status_overview(request: HttpRequest, case_id: int) -> Any:
    return _status_overview(request, _case(request, case_id))


@router.post(
    "/{case_id}/status",
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
        expected_version=_expected_version(request, payload.version),
        decision=payload.decision,
        special_value=payload.special_value,
        rationale=payload.rationale,
        positions=[position.model_dump() for position in payload.positions],
        on_behalf_of_id=payload.on_behalf_of_id,
    )
    case = _case(request, case_id)
    view = determinations.status_determination_of(request.user, case, done.pk)
    return Status(201, {**_as_dict(view), "case_version": case.version, "stage": case.stage})


@router.post(
    "/{case_id}/refugee-referrals",
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
        expected_version=_expected_version(request, payload.version),
        reason=payload.reason,
        referred_to=payload.referred_to,
        close=payload.close,
    )
    case = _case(request, case_id)
    view = _find(determinations.referrals_of(request.user, case), done.pk, "referral")
    return Status(
        201,
        {
            **_as_dict(view),
            "case_version": case.version,
            "stage": case.stage,
            "outcome": case.outcome,
        },
    )


# --- 5a(1), 5a(4), 2b -------------------------------------------------------------------------


@router.get(
    "/{case_id}/inducement",
    response={200: InducementOut, **READ_ERRORS},
    summary="Recruitment in place considered, inducement plans and their acts",
)
def inducement(request: HttpRequest, case_id: int) -> Any:
    case = _case(request, case_id)
    return {
        "case_version": case.version,
        "considerations": [
            _as_dict(v) for v in determinations.considerations_of(request.user, case)
        ],
        "plans": [
            {**_as_dict(plan), "acts": [_as_dict(act) for act in plan.acts]}
            for plan in determinations.plans_of(request.user, case)
        ],
        "max_group_size": determinations.max_inducement_group(),
        "plan_for_one": _decision(determinations.inducement_readiness(case, 1)),
    }


@router.post(
    "/{case_id}/recruitment-considerations",
    response={201: ConsiderationRecordedOut, **CHANGE_ERRORS},
    summary="Record the consideration of recruitment in place (5a(1))",
)
def consider_recruitment(request: HttpRequest, case_id: int, payload: ConsiderationIn) -> Any:
    done = actions.consider_recruitment_in_place(
        acting_user=request.user,
        case_id=case_id,
        expected_version=_expected_version(request, payload.version),
        conclusion=payload.conclusion,
        reasoning=payload.reasoning,
    )
    case = _case(request, case_id)
    view = _find(determinations.considerations_of(request.user, case), done.pk, "consideration")
    return Status(201, {**_as_dict(view), "case_version": case.version})


@router.post(
    "/{case_id}/inducement-plans",
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
        expected_version=_expected_version(request, payload.version),
        description=payload.description,
        group_size=payload.group_size,
    )
    case = _case(request, case_id)
    view = _find(determinations.plans_of(request.user, case), done.pk, "plan")
    return Status(
        201,
        {
            **_as_dict(view),
            "acts": [_as_dict(act) for act in view.acts],
            "case_version": case.version,
        },
    )


@router.post(
    "/{case_id}/inducement-plans/{plan_id}/acts",
    response={201: ActRecordedOut, **CHANGE_ERRORS},
    summary="Record an act of inducement (2b) with the official who committed or instigated it",
)
def record_act(request: HttpRequest, case_id: int, plan_id: int, payload: InducementActIn) -> Any:
    done = actions.record_inducement_act(
        acting_user=request.user,
        case_id=case_id,
        plan_id=plan_id,
        expected_version=_expected_version(request, payload.version),
        description=payload.description,
        occurred_at=payload.occurred_at,
        committed_by_id=payload.committed_by_id,
        instigated_by_id=payload.instigated_by_id,
    )
    case = _case(request, case_id)
    view = determinations.act_of(request.user, case, done.pk)
    return Status(201, {**_as_dict(view), "case_version": case.version})
