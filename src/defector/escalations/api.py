"""The escalations router, mounted at ``/api/v1/escalations``: mutual problems (``6c``).

Thin: each endpoint calls one action and answers with the problem as ``describe`` shows it. A
problem the caller may not see answers 404, exactly as one that does not exist; a step the
caller's seat does not take answers 403, and a step the problem's status does not allow 422
(``policy_refusal``, naming ``6c``).
"""

from __future__ import annotations

from typing import Any, Final

from django.http import HttpRequest
from ninja import Query, Router, Status

from defector.core.pagination import Mapped, paged
from defector.core.schemas import READ_ERRORS, ErrorOut
from defector.escalations import actions, queries
from defector.escalations.schemas import (
    CommunicationIn,
    DecisionIn,
    ProblemFiltersIn,
    ProblemIn,
    ProblemOut,
    ProblemSummaryOut,
    ReferralIn,
    ResolveIn,
    TransmitIn,
    UrgentIn,
)

router = Router()

#: The answers of a step on a problem.
STEP: Final = {200: ProblemOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut}


def _out(request: HttpRequest, problem_id: int) -> queries.ProblemView:
    return queries.describe(request.user, queries.problem_detail(request.user, problem_id))


@router.get(
    "/problems",
    response={200: list[ProblemSummaryOut], 401: ErrorOut, 422: ErrorOut},
    summary="List the mutual problems you may see",
    description="Soonest due first; filter by post, status, open, waiting for the IDC, title.",
)
@paged
def list_problems(request: HttpRequest, filters: Query[ProblemFiltersIn]) -> Any:
    found = queries.problems_for(
        request.user,
        queries.ProblemFilters(
            post=filters.post,
            status=filters.status,
            open=filters.open,
            idc_waiting=filters.idc_waiting,
            q=filters.q,
        ),
    )
    return Mapped(found, queries.rows)


@router.post(
    "/problems",
    response={201: ProblemOut, 401: ErrorOut, 403: ErrorOut, 422: ErrorOut},
    summary="Raise a mutual problem (6c)",
    description=(
        "Any member of the post's committee (member, chair, senior US representative) or an "
        "invited representative there. Cases are named by cryptonym and must be cases of the "
        "post you may see. Every bad field is named in a 422 answer."
    ),
)
def raise_problem(request: HttpRequest, payload: ProblemIn) -> Any:
    problem = actions.raise_problem(
        acting_user=request.user,
        post_id=payload.post_id,
        title=payload.title,
        description=payload.description,
        cryptonyms=payload.cryptonyms,
        agencies=payload.agencies,
        due_date=payload.due_date,
    )
    return Status(201, _out(request, problem.pk))


@router.get(
    "/problems/{problem_id}",
    response={200: ProblemOut, **READ_ERRORS},
    summary="One mutual problem",
)
def get_problem(request: HttpRequest, problem_id: int) -> Any:
    return _out(request, problem_id)


@router.post(
    "/problems/{problem_id}/resolve",
    response=STEP,
    summary="Record that the committee resolved it locally (6c)",
)
def resolve(request: HttpRequest, problem_id: int, payload: ResolveIn) -> Any:
    actions.resolve_locally(acting_user=request.user, problem_id=problem_id, text=payload.text)
    return _out(request, problem_id)


@router.post(
    "/problems/{problem_id}/referral",
    response=STEP,
    summary="Request referral to the IDC through CIA channels (6c)",
    description="Refused (422, naming 6c) when the post has no committee member from the CIA.",
)
def request_referral(request: HttpRequest, problem_id: int, payload: ReferralIn) -> Any:
    actions.request_referral(
        acting_user=request.user,
        problem_id=problem_id,
        summary=payload.summary,
        decision_due=payload.decision_due,
    )
    return _out(request, problem_id)


@router.post(
    "/problems/{problem_id}/referral/transmit",
    response=STEP,
    summary="Transmit the referral through CIA channels (the post's CIA member, 6c)",
)
def transmit_referral(request: HttpRequest, problem_id: int, payload: TransmitIn) -> Any:
    actions.transmit_referral(
        acting_user=request.user,
        problem_id=problem_id,
        channel_reference=payload.channel_reference,
    )
    return _out(request, problem_id)


@router.post(
    "/problems/{problem_id}/referral/communications",
    response=STEP,
    summary="Note your direct communication with your principals in Washington (6c)",
)
def note_communication(request: HttpRequest, problem_id: int, payload: CommunicationIn) -> Any:
    actions.note_direct_communication(
        acting_user=request.user,
        problem_id=problem_id,
        summary=payload.summary,
        at=payload.at,
    )
    return _out(request, problem_id)


@router.post(
    "/problems/{problem_id}/referral/acknowledge",
    response=STEP,
    summary="Acknowledge a referred problem (IDC, 6c)",
)
def acknowledge_referral(request: HttpRequest, problem_id: int) -> Any:
    actions.idc_acknowledge_referral(acting_user=request.user, problem_id=problem_id)
    return _out(request, problem_id)


@router.post(
    "/problems/{problem_id}/referral/decision",
    response=STEP,
    summary="Record the IDC's decision on a referred problem (6c)",
)
def idc_decide(request: HttpRequest, problem_id: int, payload: DecisionIn) -> Any:
    actions.idc_decide(acting_user=request.user, problem_id=problem_id, decision=payload.decision)
    return _out(request, problem_id)


@router.post(
    "/problems/{problem_id}/urgent",
    response=STEP,
    summary="Time does not permit referral: submit to the senior US representative (6c)",
)
def submit_urgent(request: HttpRequest, problem_id: int, payload: UrgentIn) -> Any:
    actions.submit_to_senior_representative(
        acting_user=request.user, problem_id=problem_id, reason=payload.reason
    )
    return _out(request, problem_id)


@router.post(
    "/problems/{problem_id}/urgent/decision",
    response=STEP,
    summary="Decide a submitted matter (the senior US representative, 6c)",
    description="The IDC is sent an information copy at once and sees the problem from then.",
)
def senior_decide(request: HttpRequest, problem_id: int, payload: DecisionIn) -> Any:
    actions.senior_representative_decide(
        acting_user=request.user, problem_id=problem_id, decision=payload.decision
    )
    return _out(request, problem_id)


@router.post(
    "/problems/{problem_id}/urgent/acknowledge",
    response=STEP,
    summary="Acknowledge the senior representative's decision (IDC, told afterwards, 6c)",
)
def acknowledge_information(request: HttpRequest, problem_id: int) -> Any:
    actions.idc_acknowledge_information(acting_user=request.user, problem_id=problem_id)
    return _out(request, problem_id)
