"""The publicity router, mounted at ``/api/v1/publicity``: proposals for publicity or surfacing
(``6f``), their sign-offs by State and USIA (``5a(6)``), the IDC's override of ``5a(5)``, its
decision and the release.

Thin: each endpoint calls one action or query. A proposal (or case) the caller may not see
answers 404; a step their seat may not take, 403; a stale ``expected_version``, 409; a refusal
of the directive, 422 with its clauses.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Query, Router, Schema, Status

from defector.core.pagination import Mapped, paged
from defector.core.schemas import CHANGE_ERRORS, READ_ERRORS
from defector.publicity import actions, queries
from defector.publicity.choices import PENDING
from defector.publicity.schemas import (
    PublicityDecideIn,
    PublicityOverrideIn,
    PublicityProposalDetailOut,
    PublicityProposalIn,
    PublicityProposalOut,
    PublicityReleaseIn,
    PublicitySignOffIn,
    PublicitySignOffOut,
    PublicityWithdrawIn,
)

router = Router()


def _name(official: Any) -> str:
    return str(official) if official is not None else ""


def _sign_off(row: Any) -> dict[str, Any]:
    return {
        "agency": row.agency,
        "position": row.position,
        "comments": row.comments,
        "signed_by": _name(row.signed_by),
        "signed_at": row.signed_at,
    }


def _proposal(proposal: Any, sign_offs: list[Any]) -> dict[str, Any]:
    risk = proposal.risk_determination
    return {
        "id": proposal.pk,
        "version": proposal.version,
        "case_id": proposal.case_id,
        "cryptonym": proposal.case.cryptonym,
        "post": proposal.case.post.code,
        "status": proposal.status,
        "proposed_at": proposal.proposed_at,
        "proposed_by": _name(proposal.proposed_by),
        "summary": proposal.summary,
        "window_start": proposal.window_start,
        "window_end": proposal.window_end,
        "channels": list(proposal.channels),
        "other_channel": proposal.other_channel,
        "risks": proposal.risks,
        "risk_determination": (
            {
                "id": risk.pk,
                "level": risk.level,
                "determined_by": _name(risk.determined_by),
                "determined_at": risk.determined_at,
                "in_force": risk.superseded_at is None,
            }
            if risk is not None
            else None
        ),
        "sign_offs": [_sign_off(row) for row in sign_offs],
        "override_reason": proposal.override_reason,
        "overridden_by": _name(proposal.overridden_by),
        "overridden_at": proposal.overridden_at,
        "outcome": proposal.outcome,
        "decision_reason": proposal.decision_reason,
        "decided_by": _name(proposal.decided_by),
        "decided_at": proposal.decided_at,
        "released_on": proposal.released_on,
        "release_channel": proposal.release_channel,
        "release_summary": proposal.release_summary,
        "released_by": _name(proposal.released_by),
        "withdrawal_reason": proposal.withdrawal_reason,
        "withdrawn_at": proposal.withdrawn_at,
    }


def _detail(request: HttpRequest, proposal_id: int) -> dict[str, Any]:
    proposal = queries.find_proposal(request.user, proposal_id)
    sign_offs = list(queries.sign_offs_of(proposal).values())
    finding = queries.objectives(request.user, proposal.case)
    return _proposal(proposal, sign_offs) | {"objectives": finding.to_dict()}


def _page(rows: list[Any]) -> list[dict[str, Any]]:
    by_proposal = queries.sign_offs_by_proposal(rows)
    return [_proposal(row, by_proposal.get(row.pk, [])) for row in rows]


class PublicityListFilter(Schema):
    status: str = ""
    pending: bool = False
    case_id: int | None = None


@router.get(
    "/proposals",
    response={200: list[PublicityProposalOut], **READ_ERRORS},
    summary="List publicity proposals (6f)",
    description="Newest first, those you may see (their case's access). `pending=true`: those "
    "before Washington (awaiting sign-offs or decision); `status`, `case_id` narrow further.",
)
@paged
def list_proposals(request: HttpRequest, filters: Query[PublicityListFilter]) -> Any:
    statuses = list(PENDING) if filters.pending else [filters.status] if filters.status else []
    rows = queries.proposals(request.user, statuses=statuses)
    if filters.case_id is not None:
        rows = rows.filter(case_id=filters.case_id)
    return Mapped(rows, _page)


@router.post(
    "/cases/{case_id}/proposals",
    response={201: PublicityProposalDetailOut, **CHANGE_ERRORS},
    summary="Propose publicity or surfacing to the IDC (6f, 7a)",
    description="By the chair of the case's post's committee. Carries the Senior US "
    "Representative's 7a determination on publicity in force (refused, naming 7a, without one).",
)
def propose(request: HttpRequest, case_id: int, payload: PublicityProposalIn) -> Any:
    proposal = actions.propose(acting_user=request.user, case_id=case_id, **payload.dict())
    return Status(201, _detail(request, proposal.pk))


@router.get(
    "/proposals/{proposal_id}",
    response={200: PublicityProposalDetailOut, **READ_ERRORS},
    summary="One publicity proposal, with its sign-offs and the 5a(5) finding",
)
def get_proposal(request: HttpRequest, proposal_id: int) -> Any:
    return _detail(request, proposal_id)


@router.post(
    "/proposals/{proposal_id}/sign-off",
    response={200: PublicitySignOffOut, **CHANGE_ERRORS},
    summary="Sign off for State or USIA (5a(6))",
    description="By an IDC member of the Department of State or of USIA, for their agency: "
    "approve, or object with comments. Changeable until the IDC decides.",
)
def sign_off(request: HttpRequest, proposal_id: int, payload: PublicitySignOffIn) -> Any:
    row = actions.sign_off(acting_user=request.user, proposal_id=proposal_id, **payload.dict())
    return _sign_off(row)


@router.post(
    "/proposals/{proposal_id}/override",
    response={200: PublicityProposalDetailOut, **CHANGE_ERRORS},
    summary="Record the IDC's override of 5a(5)",
    description="By an IDC member, with the reason, while the case's intelligence objectives "
    "are not satisfied.",
)
def override(request: HttpRequest, proposal_id: int, payload: PublicityOverrideIn) -> Any:
    actions.override_priority(acting_user=request.user, proposal_id=proposal_id, **payload.dict())
    return _detail(request, proposal_id)


@router.post(
    "/proposals/{proposal_id}/decide",
    response={200: PublicityProposalDetailOut, **CHANGE_ERRORS},
    summary="Record the IDC's decision (6f)",
    description="By an IDC member, once State and USIA have signed off (5a(6)); an approval "
    "only when the intelligence objectives are satisfied or overridden (5a(5)).",
)
def decide(request: HttpRequest, proposal_id: int, payload: PublicityDecideIn) -> Any:
    actions.decide(acting_user=request.user, proposal_id=proposal_id, **payload.dict())
    return _detail(request, proposal_id)


@router.post(
    "/proposals/{proposal_id}/release",
    response={200: PublicityProposalDetailOut, **CHANGE_ERRORS},
    summary="Record the release of an approved proposal (6f)",
)
def release(request: HttpRequest, proposal_id: int, payload: PublicityReleaseIn) -> Any:
    actions.record_release(acting_user=request.user, proposal_id=proposal_id, **payload.dict())
    return _detail(request, proposal_id)


@router.post(
    "/proposals/{proposal_id}/withdraw",
    response={200: PublicityProposalDetailOut, **CHANGE_ERRORS},
    summary="Withdraw a proposal before the IDC decides (6f)",
)
def withdraw(request: HttpRequest, proposal_id: int, payload: PublicityWithdrawIn) -> Any:
    actions.withdraw(acting_user=request.user, proposal_id=proposal_id, **payload.dict())
    return _detail(request, proposal_id)
