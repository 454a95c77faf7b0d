"""Who holds a case and who receives it when it moves, and what moving it does. Used by
``cases.actions.transfers``, inside its transaction.

On acceptance the case's post changes (or it passes into Washington's custody,
``Case.in_washington``), and access follows: the old post's committee, officers and invited
representatives no longer see it. Its assigned case officers and invited representatives are
unassigned (they serve at the old post; the receiving chair names the new post's officers on
accepting); its open obligations owned by someone who can no longer see the case pass to the
new side (the post's official in the obligation's role, else the accepting official), their
due times unchanged (the new post's clocks apply to obligations that arise from then on).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import F

from defector.cases.actions.facts import _owners_by_role
from defector.cases.choices import OBLIGATION_OWNER_ROLES, ObligationStatus, TransferKind
from defector.cases.models import Case, CaseTransfer, Obligation
from defector.core.access import Action, Principal, who_can
from defector.directory.choices import Role
from defector.directory.models import Official, Post


def place_of(post: Post | None) -> str:
    """How a move names its side: the post's code, or Washington."""
    return post.code if post is not None else "Washington"


def holds_case(principal: Principal, case: Case, official: Official | None) -> bool:
    """Whether the official holds the case for a move: in Washington's custody an IDC member;
    else the chair of its post's committee or one of its assigned case officers."""
    if case.in_washington:
        return Role.IDC_MEMBER in principal.roles
    if case.post_id in principal.posts_with(Role.COMMITTEE_CHAIR):
        return True
    return (
        official is not None
        and case.post_id in principal.posts_with(Role.CASE_OFFICER)
        and case.officers.filter(pk=official.pk).exists()
    )


def receives(principal: Principal, transfer: CaseTransfer) -> bool:
    """Whether the official decides for the receiving side."""
    if transfer.to_post_id is None:
        return Role.IDC_MEMBER in principal.roles
    return transfer.to_post_id in principal.posts_with(Role.COMMITTEE_CHAIR)


def sends(principal: Principal, transfer: CaseTransfer, official: Official | None) -> bool:
    """Whether the official may cancel for the sending side: who proposed it, or the sending
    post's chair (for Washington, an IDC member)."""
    if official is not None and transfer.proposed_by_id == official.pk:
        return True
    if transfer.from_post_id is None:
        return Role.IDC_MEMBER in principal.roles
    return transfer.from_post_id in principal.posts_with(Role.COMMITTEE_CHAIR)


class _Moved:
    def __init__(self, case: Case, summary: str, audit: dict[str, Any]) -> None:
        self.case = case
        self.summary = summary
        self.audit = audit


def move_case_to(
    case: Case,
    transfer: CaseTransfer,
    officers: list[Official],
    official: Official,
    moment: dt.datetime,
) -> _Moved:
    """The case passes to the receiving side (in the caller's transaction)."""
    to_washington = transfer.to_post_id is None
    Case.objects.filter(pk=case.pk).update(
        post=case.post if to_washington else transfer.to_post,
        in_washington=to_washington,
        version=F("version") + 1,
        changed_at=moment,
        changed_by=official,
    )
    case = Case.objects.select_related("post").get(pk=case.pk)
    unassigned = [str(o) for o in case.officers.all()]
    uninvited = [str(o) for o in case.invited.all()]
    case.officers.set(officers)
    case.invited.clear()
    handed = _hand_over_obligations(case, official)
    kind = TransferKind(transfer.kind).label.lower()
    summary = (
        f"Moved from {place_of(transfer.from_post)} to {place_of(transfer.to_post)} ({kind}), "
        f"accepted by {official}"
    )
    if unassigned:
        summary += f"; case officers unassigned: {', '.join(unassigned)}"
    if officers:
        summary += f"; assigned: {', '.join(str(o) for o in officers)}"
    return _Moved(
        case,
        summary,
        {
            "post": case.post.code,
            "in_washington": case.in_washington,
            "officers_unassigned": unassigned,
            "invited_removed": uninvited,
            "officers_assigned": [str(o) for o in officers],
            "obligations_handed_over": handed,
        },
    )


def _hand_over_obligations(case: Case, official: Official) -> list[str]:
    """Open obligations whose owner no longer sees the case pass to the new side: the post's
    official in the obligation's role, else the accepting official."""
    open_ones = list(
        Obligation.objects.filter(case=case, status=ObligationStatus.OPEN).select_related(
            "owner__user"
        )
    )
    if not open_ones:
        return []
    owners = [o.owner for o in open_ones if o.owner is not None]
    seeing = {user.pk for user in who_can([o.user for o in owners], Action.VIEW, case)}
    roles = {
        OBLIGATION_OWNER_ROLES[o.identifier]
        for o in open_ones
        if o.identifier in OBLIGATION_OWNER_ROLES
    }
    by_role = _owners_by_role(case, roles) if not case.in_washington else {}
    handed = []
    for obligation in open_ones:
        if obligation.owner is not None and obligation.owner.user_id in seeing:
            continue
        role = OBLIGATION_OWNER_ROLES.get(obligation.identifier)
        new = by_role.get(role) if role is not None else None
        obligation.owner = new or official
        obligation.save(update_fields=["owner"])
        handed.append(obligation.identifier)
    return handed
