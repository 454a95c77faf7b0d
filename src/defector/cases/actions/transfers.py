"""Moves of a case to another post or to Washington (exfiltration, resettlement).

The side that holds the case proposes (its post's committee chair or an assigned case
officer; in Washington's custody, an IDC member); the receiving side accepts or declines (the
receiving post's committee chair; for Washington, an IDC member); the proposer, or the
sending post's chair, may cancel while it waits. The rules are the gate
``policy.gates.transfers`` (``6b``, ``6b(3)(d)``, ``6d``).

On acceptance the case's post changes (or it passes into Washington's custody,
``Case.in_washington``), and access follows: the old post's committee, officers and invited
representatives no longer see it. Its assigned case officers and invited representatives are
unassigned (they serve at the old post; the receiving chair names the new post's officers on
accepting); its open obligations owned by someone who can no longer see the case pass to the
new side (the post's official in the obligation's role, else the accepting official), their
due times unchanged. The timeline, the audit records and every record stay with the case.

Each step is one transaction with its timeline entry and audit record; the transfer takes the
version the official read (stale: 409). Both sides are told after the commit
(``cases.signals.case_transfer``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any, Final

from django.db import transaction
from django.db.models import F

from defector import policy
from defector.cases import signals
from defector.cases.actions.common import (
    _check_officers,
    claim_case,
    find_case,
    record_event,
)
from defector.cases.actions.facts import _owners_by_role
from defector.cases.actions.free_text import refuse_true_names
from defector.cases.choices import (
    OBLIGATION_OWNER_ROLES,
    ObligationStatus,
    Stage,
    TransferKind,
    TransferStatus,
)
from defector.cases.models import Case, CaseTransfer, Obligation
from defector.cases.validation import Errors, as_id, as_version, clean_text, moment_of
from defector.cases.validation import error as add_error
from defector.core.access import Action, Principal, get_for, principal_for, rank, who_can
from defector.core.errors import Conflict, InvalidInput, PermissionDenied, PolicyRefusal
from defector.core.users import AnyUser
from defector.directory.choices import Role
from defector.directory.models import Official, Post
from defector.directory.queries import acting_official
from defector.policy.gates import transfers as gate

MAX_REASON_LENGTH: Final = 4000
#: The fields of a move its audit records show.
TRANSFER_AUDIT_FIELDS: Final = (
    "kind",
    "from_post",
    "to_post",
    "status",
    "decided_at",
    "decided_by",
    "note",
    "version",
)


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


def _refuse(decision: policy.Decision) -> None:
    if not decision.allowed:
        raise PolicyRefusal(decision.reason, clauses=decision.clauses)


def _state(transfer: CaseTransfer) -> dict[str, Any]:
    return {name: getattr(transfer, name) for name in TRANSFER_AUDIT_FIELDS}


def _destination(errors: Errors, to_post_id: int | str | None) -> tuple[bool, Post | None]:
    """(valid, post): ``None``/``""``/``"washington"`` is Washington."""
    if to_post_id in (None, "", "washington"):
        return True, None
    number = as_id(to_post_id)
    post = Post.objects.filter(pk=number, active=True).first() if number is not None else None
    if post is None:
        add_error(errors, "to_post_id", "there is no such active post")
        return False, None
    return True, post


def _told(transfer: CaseTransfer, change: str, acting_user: AnyUser | None) -> None:
    transaction.on_commit(
        lambda: signals.case_transfer.send(
            sender=CaseTransfer, transfer=transfer, change=change, actor=acting_user
        )
    )


def propose_transfer(
    *,
    acting_user: AnyUser,
    case_id: int | str,
    expected_version: int | str | None,
    to_post_id: int | str | None,
    kind: str,
    reason: str,
    at: dt.datetime | None = None,
) -> CaseTransfer:
    """Propose moving the case to another post, or to Washington (``to_post_id`` empty)."""
    moment = moment_of(at)
    with transaction.atomic():
        case = find_case(acting_user, case_id, Action.VIEW)
        errors: Errors = []
        version = as_version(errors, expected_version)
        valid, to_post = _destination(errors, to_post_id)
        if kind not in TransferKind.values:
            add_error(errors, "kind", f"must be one of {', '.join(TransferKind.values)}")
        stated = clean_text(
            errors, "reason", reason, limit=MAX_REASON_LENGTH, required="is required: say why"
        )
        refuse_true_names(errors, case, reason=stated)
        official = acting_official(acting_user)
        principal = principal_for(acting_user)
        holder = holds_case(principal, case, official)
        if not holder:
            refused = gate.propose(
                holds_case=False, case_open=True, pending=False, to_same_place=False
            )
            raise PermissionDenied(refused.reason, clauses=refused.clauses)
        if errors or not valid or official is None:
            raise InvalidInput(errors)
        same = (
            case.in_washington
            if to_post is None
            else (not case.in_washington and to_post.pk == case.post_id)
        )
        _refuse(
            gate.propose(
                holds_case=holder,
                case_open=case.stage != Stage.CLOSED,
                pending=CaseTransfer.objects.filter(
                    case=case, status=TransferStatus.PROPOSED
                ).exists(),
                to_same_place=same,
            )
        )
        case = claim_case(case, version, acting_user=acting_user, at=moment)
        transfer = CaseTransfer.objects.create(
            case=case,
            kind=kind,
            from_post=None if case.in_washington else case.post,
            to_post=to_post,
            reason=stated,
            proposed_at=moment,
            proposed_by=official,
        )
        label = TransferKind(kind).label.lower()
        record_event(
            case,
            acting_user=acting_user,
            action="cases.transfer.propose",
            summary=(
                f"Move from {place_of(transfer.from_post)} to {place_of(to_post)} proposed "
                f"({label}): awaiting the receiving side"
            ),
            at=moment,
            obj=transfer,
            after=_state(transfer),
            decision=gate.propose(
                holds_case=True, case_open=True, pending=False, to_same_place=False
            ),
            reason=stated,
        )
        _told(transfer, "proposed", acting_user)
    return transfer


def _find_transfer(acting_user: AnyUser, transfer_id: int | str) -> CaseTransfer:
    number = as_id(transfer_id)
    return get_for(
        acting_user,
        Action.VIEW,
        CaseTransfer.objects.select_related("case__post", "from_post", "to_post"),
        number if number is not None else 0,
        what="move",
    )


def _claim_transfer(transfer: CaseTransfer, version: int, **changes: Any) -> CaseTransfer:
    claimed = CaseTransfer.objects.filter(pk=transfer.pk, version=version).update(
        version=F("version") + 1, **changes
    )
    current = CaseTransfer.objects.select_related("case__post", "from_post", "to_post").get(
        pk=transfer.pk
    )
    if not claimed:
        raise Conflict(
            f"This move was changed since you opened it (it is at version {current.version}; "
            f"you had version {version}); reload to see it.",
            data={"version": current.version},
        )
    return current


def _decide(
    acting_user: AnyUser,
    transfer_id: int | str,
    expected_version: int | str | None,
    note: str,
    *,
    required: str,
) -> tuple[CaseTransfer, int, str, Official, Errors]:
    transfer = _find_transfer(acting_user, transfer_id)
    errors: Errors = []
    version = as_version(errors, expected_version)
    stated = clean_text(errors, "note", note, limit=MAX_REASON_LENGTH, required=required)
    refuse_true_names(errors, transfer.case, note=stated)
    official = acting_official(acting_user)
    if official is None:
        raise PermissionDenied("you are not an official", clauses=gate.HANDLING)
    if version and version != transfer.version:
        raise Conflict(
            f"This move was changed since you opened it (it is at version {transfer.version}; "
            f"you had version {version}); reload to see it.",
            data={"version": transfer.version},
        )
    return transfer, version, stated, official, errors


def accept_transfer(
    *,
    acting_user: AnyUser,
    transfer_id: int | str,
    expected_version: int | str | None,
    note: str = "",
    officer_ids: Iterable[int | str] = (),
    at: dt.datetime | None = None,
) -> CaseTransfer:
    """Accept the move: the case passes to the receiving post (with the case officers named
    there) or into Washington's custody; access follows."""
    moment = moment_of(at)
    with transaction.atomic():
        transfer, version, stated, official, errors = _decide(
            acting_user, transfer_id, expected_version, note, required=""
        )
        principal = principal_for(acting_user)
        decision = gate.decide(
            status=transfer.status,
            receives=receives(principal, transfer),
            to_washington=transfer.to_post_id is None,
        )
        if not receives(principal, transfer) and transfer.status == TransferStatus.PROPOSED:
            raise PermissionDenied(decision.reason, clauses=decision.clauses)
        _refuse(decision)
        case = transfer.case
        codes = list(case.compartments.values_list("code", flat=True))
        officers = _check_officers(
            officer_ids, transfer.to_post, max(rank(case.sensitivity), 0), codes, errors
        )
        if errors:
            raise InvalidInput(errors)
        before = _state(transfer)
        transfer = _claim_transfer(
            transfer,
            version,
            status=TransferStatus.ACCEPTED,
            decided_at=moment,
            decided_by=official,
            note=stated,
        )
        moved = _move_case(case, transfer, officers, official, moment)
        record_event(
            moved.case,
            acting_user=acting_user,
            action="cases.transfer.accept",
            summary=moved.summary,
            at=moment,
            obj=transfer,
            before=before,
            after={**_state(transfer), **moved.audit},
            decision=decision,
            reason=stated,
        )
        _told(transfer, "accepted", acting_user)
    return transfer


class _Moved:
    def __init__(self, case: Case, summary: str, audit: dict[str, Any]) -> None:
        self.case = case
        self.summary = summary
        self.audit = audit


def _move_case(
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


def decline_transfer(
    *,
    acting_user: AnyUser,
    transfer_id: int | str,
    expected_version: int | str | None,
    note: str,
    at: dt.datetime | None = None,
) -> CaseTransfer:
    """Decline the move (with the reason): the case stays where it is."""
    moment = moment_of(at)
    with transaction.atomic():
        transfer, version, stated, official, errors = _decide(
            acting_user, transfer_id, expected_version, note, required="is required: say why"
        )
        principal = principal_for(acting_user)
        decision = gate.decide(
            status=transfer.status,
            receives=receives(principal, transfer),
            to_washington=transfer.to_post_id is None,
        )
        if not receives(principal, transfer) and transfer.status == TransferStatus.PROPOSED:
            raise PermissionDenied(decision.reason, clauses=decision.clauses)
        _refuse(decision)
        if errors:
            raise InvalidInput(errors)
        return _close(
            transfer,
            version,
            TransferStatus.DECLINED,
            "declined",
            stated,
            official,
            acting_user=acting_user,
            moment=moment,
            decision=decision,
        )


def cancel_transfer(
    *,
    acting_user: AnyUser,
    transfer_id: int | str,
    expected_version: int | str | None,
    note: str = "",
    at: dt.datetime | None = None,
) -> CaseTransfer:
    """Cancel the proposed move (the sending side)."""
    moment = moment_of(at)
    with transaction.atomic():
        transfer, version, stated, official, errors = _decide(
            acting_user, transfer_id, expected_version, note, required=""
        )
        principal = principal_for(acting_user)
        decision = gate.cancel(status=transfer.status, sender=sends(principal, transfer, official))
        if not sends(principal, transfer, official) and transfer.status == TransferStatus.PROPOSED:
            raise PermissionDenied(decision.reason, clauses=decision.clauses)
        _refuse(decision)
        if errors:
            raise InvalidInput(errors)
        return _close(
            transfer,
            version,
            TransferStatus.CANCELLED,
            "cancelled",
            stated,
            official,
            acting_user=acting_user,
            moment=moment,
            decision=decision,
        )


def _close(
    transfer: CaseTransfer,
    version: int,
    status: str,
    change: str,
    stated: str,
    official: Official,
    *,
    acting_user: AnyUser,
    moment: dt.datetime,
    decision: policy.Decision,
) -> CaseTransfer:
    before = _state(transfer)
    transfer = _claim_transfer(
        transfer, version, status=status, decided_at=moment, decided_by=official, note=stated
    )
    Case.objects.filter(pk=transfer.case_id).update(
        version=F("version") + 1, changed_at=moment, changed_by=official
    )
    summary = (
        f"Move from {place_of(transfer.from_post)} to {place_of(transfer.to_post)} {change} "
        f"by {official}"
    )
    record_event(
        transfer.case,
        acting_user=acting_user,
        action=f"cases.transfer.{'decline' if change == 'declined' else 'cancel'}",
        summary=summary + (f": {stated}" if stated else ""),
        at=moment,
        obj=transfer,
        before=before,
        after=_state(transfer),
        decision=decision,
        reason=stated,
    )
    _told(transfer, change, acting_user)
    return transfer
