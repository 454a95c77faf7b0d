"""Proposals still before Washington: per case (Washington's worldwide view), and what waits
for the official in My work (a sign-off, a decision, a release to record)."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Count, Exists, OuterRef

from defector.core.access import Action, principal_for, restrict
from defector.core.users import AnyUser
from defector.directory.choices import Role
from defector.notifications.pending import PendingItem
from defector.policy.gates import publicity as gate
from defector.publicity.choices import PENDING, ProposalStatus
from defector.publicity.models import Proposal, SignOff
from defector.publicity.queries.proposals import signing_agency

#: How many items of each kind My work lists at most.
PENDING_SHOWN = 50


def awaiting_decision(user: AnyUser, case_ids: Iterable[int]) -> dict[int, int]:
    """How many proposals of each of ``case_ids`` await sign-off or decision; one query.
    Cases without one are left out."""
    rows = (
        restrict(
            user,
            Action.VIEW,
            Proposal.objects.filter(case_id__in=sorted(set(case_ids)), status__in=PENDING),
        )
        .values("case_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return {row["case_id"]: row["n"] for row in rows}


def _name(proposal: Proposal) -> str:
    return (
        f"publicity proposal {proposal.pk} on case {proposal.case.cryptonym} at "
        f"{proposal.case.post.code}"
    )


def pending_items(user: AnyUser) -> list[PendingItem]:
    """What waits for ``user`` on publicity proposals: their agency's sign-off (``5a(6)``),
    the IDC's decision (``6f``), a release to record (the post's chair)."""
    principal = principal_for(user)
    items: list[PendingItem] = []
    visible = restrict(user, Action.VIEW, Proposal.objects.select_related("case__post"))
    agency = signing_agency(user)
    if agency is not None:
        signed = SignOff.objects.filter(proposal=OuterRef("pk"), agency=agency)
        for proposal in visible.filter(status__in=PENDING).exclude(Exists(signed))[:PENDING_SHOWN]:
            items.append(
                PendingItem(
                    f"Sign off for {agency} on {_name(proposal)}",
                    gate.COORDINATION_CLAUSE,
                    proposal.get_absolute_url(),
                    proposal.proposed_at,
                )
            )
    if Role.IDC_MEMBER in principal.roles:
        waiting = visible.filter(status=ProposalStatus.AWAITING_DECISION)
        for proposal in waiting[:PENDING_SHOWN]:
            items.append(
                PendingItem(
                    f"Decide {_name(proposal)}",
                    gate.PROPOSAL_CLAUSE,
                    proposal.get_absolute_url(),
                    proposal.proposed_at,
                )
            )
    chaired = principal.posts_with(Role.COMMITTEE_CHAIR)
    if chaired:
        approved = visible.filter(status=ProposalStatus.APPROVED, case__post_id__in=chaired)
        for proposal in approved[:PENDING_SHOWN]:
            items.append(
                PendingItem(
                    f"Record the release of {_name(proposal)}",
                    gate.PROPOSAL_CLAUSE,
                    proposal.get_absolute_url(),
                    proposal.decided_at,
                )
            )
    return items
