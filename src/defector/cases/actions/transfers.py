"""Moves of a case to another post or to Washington (exfiltration, resettlement).

The side that holds the case proposes (its post's committee chair or an assigned case
officer; in Washington's custody, an IDC member); the receiving side accepts or declines (the
receiving post's committee chair; for Washington, an IDC member); the proposer, or the
sending post's chair, may cancel while it waits. The rules are the gate
``policy.gates.transfers`` (``6b``, ``6b(3)(d)``, ``6d``).

On acceptance the case passes to the receiving side (``cases.actions.custody``): access
follows the move, and the timeline, audit records and every record stay with the case.

Each step is one transaction with its timeline entry and audit record; the transfer takes the
version the official read (stale: 409). Both sides are told after the commit
(``cases.signals.case_transfer``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
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
from defector.cases.actions.custody import holds_case, move_case_to, place_of, receives, sends
from defector.cases.actions.free_text import refuse_true_names
from defector.cases.choices import (
    Stage,
    TransferKind,
    TransferStatus,
)
from defector.cases.models import Case, CaseTransfer
from defector.cases.validation import Errors, as_id, as_version, clean_text, moment_of
from defector.cases.validation import error as add_error
from defector.core.access import Action, Principal, get_for, principal_for, rank
from defector.core.errors import Conflict, InvalidInput, PermissionDenied, PolicyRefusal
from defector.core.users import AnyUser
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


#: (principal, move, official) → (whether this side may take the step, the gate's decision).
Gatekeeper = Callable[[Principal, CaseTransfer, Official], tuple[bool, policy.Decision]]


def _receiving(principal: Principal, transfer: CaseTransfer, official: Official) -> Any:
    permitted = receives(principal, transfer)
    decision = gate.decide(
        status=transfer.status, receives=permitted, to_washington=transfer.to_post_id is None
    )
    return permitted, decision


def _sending(principal: Principal, transfer: CaseTransfer, official: Official) -> Any:
    permitted = sends(principal, transfer, official)
    return permitted, gate.cancel(status=transfer.status, sender=permitted)


def _decide(
    acting_user: AnyUser,
    transfer_id: int | str,
    expected_version: int | str | None,
    note: str,
    *,
    required: str,
    gatekeeper: Gatekeeper,
) -> tuple[CaseTransfer, int, str, Official, Errors, policy.Decision]:
    """The move, once the acting official may take the step (else 403), the version they
    read is current (else 409) and the gate allows it now (else 422, naming its clauses);
    the input's errors are the caller's to raise."""
    transfer = _find_transfer(acting_user, transfer_id)
    official = acting_official(acting_user)
    if official is None:
        raise PermissionDenied("you are not an official", clauses=gate.HANDLING)
    permitted, decision = gatekeeper(principal_for(acting_user), transfer, official)
    if not permitted and transfer.status == TransferStatus.PROPOSED:
        raise PermissionDenied(decision.reason, clauses=decision.clauses)
    errors: Errors = []
    version = as_version(errors, expected_version)
    if version and version != transfer.version:
        raise Conflict(
            f"This move was changed since you opened it (it is at version {transfer.version}; "
            f"you had version {version}); reload to see it.",
            data={"version": transfer.version},
        )
    _refuse(decision)
    stated = clean_text(errors, "note", note, limit=MAX_REASON_LENGTH, required=required)
    refuse_true_names(errors, transfer.case, note=stated)
    return transfer, version, stated, official, errors, decision


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
        transfer, version, stated, official, errors, decision = _decide(
            acting_user, transfer_id, expected_version, note, required="", gatekeeper=_receiving
        )
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
        moved = move_case_to(case, transfer, officers, official, moment)
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
        transfer, version, stated, official, errors, decision = _decide(
            acting_user,
            transfer_id,
            expected_version,
            note,
            required="is required: say why",
            gatekeeper=_receiving,
        )
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
        transfer, version, stated, official, errors, decision = _decide(
            acting_user, transfer_id, expected_version, note, required="", gatekeeper=_sending
        )
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
