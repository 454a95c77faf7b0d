"""Moves of a case between posts or to Washington, as the pages and the API show them: the
case page's "Transfer" section, a move's page (the receiving side decides there, before it
may see the case), and the moves that wait for the official's decision ("My work")."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, Final

from django.db.models import Q, QuerySet
from django.urls import reverse

from defector.cases.choices import Stage, TransferKind, TransferStatus
from defector.cases.models import Case, CaseTransfer
from defector.cases.queries.common import can_change
from defector.cases.queries.work import WorkItem
from defector.core.access import Action, get_for, principal_for, restrict
from defector.core.users import AnyUser
from defector.directory.choices import Role
from defector.directory.models import Official, Post, RoleAssignment
from defector.directory.queries import acting_official
from defector.policy.gates import transfers as gate

#: The clauses a move cites on the pages.
TRANSFER_CLAUSES: Final = gate.HANDLING
#: At most this many moves wait on "My work" (the rest on their cases).
PENDING_LIMIT: Final = 50


@dataclass(frozen=True, slots=True)
class TransferView:
    """One move, with what the reader may do with it now."""

    id: int
    case_id: int
    cryptonym: str
    case_stage: str
    case_sensitivity: str
    kind: str
    kind_label: str
    from_label: str
    to_label: str
    to_post_id: int | None
    to_washington: bool
    status: str
    status_label: str
    reason: str
    proposed_at: dt.datetime
    proposed_by: str
    decided_at: dt.datetime | None
    decided_by: str
    note: str
    version: int
    pending: bool
    can_decide: bool
    can_cancel: bool
    sees_case: bool

    @property
    def clauses(self) -> tuple[str, ...]:
        return (*TRANSFER_CLAUSES, gate.WASHINGTON) if self.to_washington else TRANSFER_CLAUSES

    @property
    def link(self) -> str:
        return reverse("cases:transfer", args=[self.id])


def _label(post: Post | None) -> str:
    return f"{post.name} ({post.code})" if post is not None else "Washington (the IDC)"


def _view(user: AnyUser, transfer: CaseTransfer, visible_cases: set[int]) -> TransferView:
    principal = principal_for(user)
    official_id = principal.official_id
    pending = transfer.status == TransferStatus.PROPOSED
    if transfer.to_post_id is None:
        decides = Role.IDC_MEMBER in principal.roles
    else:
        decides = transfer.to_post_id in principal.posts_with(Role.COMMITTEE_CHAIR)
    if transfer.from_post_id is None:
        sender = Role.IDC_MEMBER in principal.roles
    else:
        sender = transfer.from_post_id in principal.posts_with(Role.COMMITTEE_CHAIR)
    sender = sender or (official_id is not None and transfer.proposed_by_id == official_id)
    case = transfer.case
    return TransferView(
        id=transfer.pk,
        case_id=transfer.case_id,
        cryptonym=case.cryptonym,
        case_stage=case.get_stage_display(),
        case_sensitivity=case.sensitivity,
        kind=transfer.kind,
        kind_label=TransferKind(transfer.kind).label,
        from_label=_label(transfer.from_post),
        to_label=_label(transfer.to_post),
        to_post_id=transfer.to_post_id,
        to_washington=transfer.to_post_id is None,
        status=transfer.status,
        status_label=TransferStatus(transfer.status).label,
        reason=transfer.reason,
        proposed_at=transfer.proposed_at,
        proposed_by=str(transfer.proposed_by),
        decided_at=transfer.decided_at,
        decided_by=str(transfer.decided_by) if transfer.decided_by_id else "",
        note=transfer.note,
        version=transfer.version,
        pending=pending,
        can_decide=pending and decides,
        can_cancel=pending and sender,
        sees_case=transfer.case_id in visible_cases,
    )


def _transfers(user: AnyUser) -> QuerySet[CaseTransfer]:
    return restrict(
        user,
        Action.VIEW,
        CaseTransfer.objects.select_related(
            "case", "from_post", "to_post", "proposed_by__user", "decided_by__user"
        ),
    )


def _visible_cases(user: AnyUser, ids: set[int]) -> set[int]:
    return set(
        restrict(user, Action.VIEW, Case.objects.filter(pk__in=sorted(ids))).values_list(
            "pk", flat=True
        )
    )


def transfers_of_case(user: AnyUser, case: Case) -> list[TransferView]:
    """Every move of the case the user may see, newest first."""
    found = list(_transfers(user).filter(case=case).order_by("-proposed_at", "-id"))
    visible = _visible_cases(user, {case.pk})
    return [_view(user, t, visible) for t in found]


def transfer_detail(user: AnyUser, transfer_id: int | str) -> TransferView:
    """One move (:class:`NotFound` when the user may not see it)."""
    transfer = get_for(
        user,
        Action.VIEW,
        CaseTransfer.objects.select_related(
            "case", "from_post", "to_post", "proposed_by__user", "decided_by__user"
        ),
        transfer_id,
        what="move",
    )
    return _view(user, transfer, _visible_cases(user, {transfer.case_id}))


def transfers_for(user: AnyUser, *, pending: bool | None = None) -> QuerySet[CaseTransfer]:
    """The moves the user may see, newest first (``pending``: only those awaiting an answer,
    or only those decided)."""
    found = _transfers(user)
    if pending is True:
        found = found.filter(status=TransferStatus.PROPOSED)
    elif pending is False:
        found = found.exclude(status=TransferStatus.PROPOSED)
    return found.order_by("-proposed_at", "-id")


def rows(user: AnyUser, found: list[CaseTransfer]) -> list[TransferView]:
    visible = _visible_cases(user, {t.case_id for t in found})
    return [_view(user, t, visible) for t in found]


def _deciding(user: AnyUser) -> Q | None:
    principal = principal_for(user)
    grants: list[Q] = []
    chaired = principal.posts_with(Role.COMMITTEE_CHAIR)
    if chaired:
        grants.append(Q(to_post_id__in=sorted(chaired)))
    if Role.IDC_MEMBER in principal.roles:
        grants.append(Q(to_post__isnull=True))
    if not grants:
        return None
    who = grants[0]
    for grant in grants[1:]:
        who |= grant
    return who


def transfers_to_decide(user: AnyUser) -> list[WorkItem]:
    """The proposed moves the user accepts or declines (the receiving post's chair; for
    Washington, an IDC member), oldest first."""
    who = _deciding(user)
    if who is None:
        return []
    found = (
        _transfers(user)
        .filter(who, status=TransferStatus.PROPOSED)
        .order_by("proposed_at", "pk")[:PENDING_LIMIT]
    )
    return [
        WorkItem(
            title=(
                f"{TransferKind(t.kind).label}: move from "
                f"{t.from_post.code if t.from_post else 'Washington'} to "
                f"{t.to_post.code if t.to_post else 'Washington'}, to accept or decline"
            ),
            clause=gate.WASHINGTON if t.to_post_id is None else "6b",
            case_id=t.case_id,
            cryptonym=t.case.cryptonym,
            due_at=None,
            due_text="",
            overdue=False,
            link=reverse("cases:transfer", args=[t.pk]),
        )
        for t in found
    ]


def can_change_case(user: AnyUser, case: Case) -> bool:
    """Whether the user may change the case (the case page's forms)."""
    return can_change(user, case)


def may_propose(user: AnyUser, case: Case) -> bool:
    """Whether the user may propose moving the case now (see the action's rule)."""
    if case.stage == Stage.CLOSED:
        return False
    principal = principal_for(user)
    if case.in_washington:
        return Role.IDC_MEMBER in principal.roles
    if case.post_id in principal.posts_with(Role.COMMITTEE_CHAIR):
        return True
    official = acting_official(user)
    return (
        official is not None
        and case.post_id in principal.posts_with(Role.CASE_OFFICER)
        and case.officers.filter(pk=official.pk).exists()
    )


def destinations(case: Case) -> list[tuple[str, str]]:
    """Where the case may go: Washington (unless it is there) and every other active post."""
    out: list[tuple[str, str]] = []
    if not case.in_washington:
        out.append(("washington", "Washington (the IDC's custody)"))
    posts = Post.objects.filter(active=True).order_by("code")
    for post in posts:
        if case.in_washington or post.pk != case.post_id:
            out.append((str(post.pk), f"{post.name} ({post.code})"))
    return out


def receiving_officers(transfer_id: int, user: AnyUser) -> list[tuple[int, str]]:
    """The case officers of the receiving post the accepting chair may assign (cleared and
    read in are checked by the action)."""
    transfer = get_for(user, Action.VIEW, CaseTransfer.objects.all(), transfer_id, what="move")
    if transfer.to_post_id is None:
        return []
    ids = RoleAssignment.objects.filter(
        role=Role.CASE_OFFICER, post_id=transfer.to_post_id, official__user__is_active=True
    ).values("official_id")
    return [(o.pk, str(o)) for o in Official.objects.filter(pk__in=ids).order_by("pk")]


def section_data(user: AnyUser, case: Case) -> dict[str, Any]:
    """The case page's "Transfer" section: the moves, and whether a new one may be proposed."""
    moves = transfers_of_case(user, case)
    pending = next((m for m in moves if m.pending), None)
    return {
        "transfers": moves,
        "pending": pending,
        "may_propose": pending is None and may_propose(user, case),
        "in_washington": case.in_washington,
        "clauses": TRANSFER_CLAUSES,
    }
