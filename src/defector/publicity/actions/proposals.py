"""The local committee's side of a publicity proposal (``6f``, ``7a``): propose, withdraw."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone

from defector.cases.actions import find_case
from defector.cases.models import Case
from defector.core import audit
from defector.core.access import Action
from defector.core.errors import InvalidInput, PermissionDenied
from defector.core.users import AnyUser
from defector.policy.gates import publicity as gate
from defector.publicity import queries
from defector.publicity.actions.common import (
    AUDIT_FIELDS,
    Errors,
    claim,
    date,
    error,
    locked,
    record,
    refuse,
    refuse_names,
    require_official,
    short,
    tell,
    text,
    version,
)
from defector.publicity.choices import PENDING, Channel, ProposalStatus
from defector.publicity.models import Proposal


def _channels(errors: Errors, values: Iterable[object] | str | None) -> list[str]:
    """Distinct channel codes, in the choices' order; at least one."""
    if values is None:
        values = []
    if isinstance(values, str):
        values = [part for part in values.replace(",", " ").split() if part]
    chosen: set[str] = set()
    for value in values:
        if not isinstance(value, str) or value not in Channel.values:
            error(errors, "channels", f"must be among {', '.join(Channel.values)}")
            return []
        chosen.add(value)
    if not chosen:
        error(errors, "channels", "name at least one channel")
    return [code for code in Channel.values if code in chosen]


def check_propose(
    acting_user: AnyUser,
    case: Case,
    *,
    summary: object,
    window_start: object,
    window_end: object,
    channels: Iterable[object] | str | None,
    other_channel: object,
    risks: object,
) -> dict[str, object]:
    """The seat (the post's committee chair), the gate, then the input; the clean values."""
    if not queries.may_propose(acting_user, case):
        raise PermissionDenied(
            "only the chair of the post's local Defector Committee puts its proposals for "
            "publicity or surfacing to the IDC",
            clauses=(gate.PROPOSAL_CLAUSE,),
        )
    risk = queries.publicity_risk(case)
    pending = Proposal.objects.filter(case=case, status__in=PENDING).exists()
    decision = gate.may_propose(risk_determined=risk is not None, pending_on_case=pending)
    refuse(decision)
    errors: Errors = []
    today = timezone.localdate()
    values: dict[str, object] = {
        "summary": text(errors, "summary", summary, required=True),
        "risks": text(errors, "risks", risks, required=True),
    }
    start = date(errors, "window_start", window_start, required=True)
    end = date(errors, "window_end", window_end, required=False)
    if start is not None and start < today:
        error(errors, "window_start", "is in the past")
    if start is not None and end is not None and end < start:
        error(errors, "window_end", "is before the start of the window")
    chosen = _channels(errors, channels)
    other = short(errors, "other_channel", other_channel, required=Channel.OTHER in chosen)
    if other and Channel.OTHER not in chosen:
        error(errors, "other_channel", "is said only with the channel Other ticked")
    refuse_names(errors, case, summary=values["summary"], risks=values["risks"], other=other)
    if errors:
        raise InvalidInput(errors)
    return values | {
        "window_start": start,
        "window_end": end,
        "channels": chosen,
        "other_channel": other,
        "risk_determination": risk,
        "decision": decision,
    }


def propose(
    *,
    acting_user: AnyUser,
    case_id: int | str,
    summary: str,
    window_start: dt.date | str | None,
    window_end: dt.date | str | None = None,
    channels: Iterable[str] | str | None = (),
    other_channel: str = "",
    risks: str,
) -> Proposal:
    """The local committee (its chair) recommends to the IDC a proposal for surfacing or the
    release of initial overt publicity (``6f``): what, when, by which channels, the risks; the
    Senior US Representative's ``7a`` determination on publicity goes with it (refused,
    naming ``7a``, without one). One proposal at a time per case. The IDC and the post's
    committee are told."""
    with transaction.atomic():
        case = find_case(acting_user, case_id, Action.VIEW)
        case = Case.objects.select_for_update(of=("self",)).select_related("post").get(pk=case.pk)
        values = check_propose(
            acting_user,
            case,
            summary=summary,
            window_start=window_start,
            window_end=window_end,
            channels=channels,
            other_channel=other_channel,
            risks=risks,
        )
        decision = values.pop("decision")
        official = require_official(acting_user, gate.PROPOSAL_CLAUSE)
        proposal = Proposal.objects.create(
            case=case,
            proposed_by=official,
            proposed_at=timezone.now(),
            status=ProposalStatus.AWAITING_SIGN_OFFS,
            **values,
        )
        record(acting_user, "publicity.proposal.propose", proposal, decision, before=None)  # type: ignore[arg-type]
        tell(
            proposal,
            "proposed to the IDC; awaiting the sign-offs of State and USIA (6f, 5a(6)).",
            official,
            acting_user,
            post=True,
        )
    return proposal


def withdraw(
    *,
    acting_user: AnyUser,
    proposal_id: int | str,
    reason: str,
    expected_version: int | str | None,
) -> Proposal:
    """The official who proposed, or the post's committee chair, withdraws a proposal still
    before the IDC (``6f``), with the reason. The IDC and the post's committee are told."""
    with transaction.atomic():
        proposal = locked(acting_user, proposal_id)
        if not queries.may_withdraw(acting_user, proposal):
            raise PermissionDenied(
                "only the official who proposed, or the post's committee chair, withdraws a "
                "proposal",
                clauses=(gate.PROPOSAL_CLAUSE,),
            )
        errors: Errors = []
        expected = version(errors, expected_version)
        reason = text(errors, "reason", reason, required=True)
        refuse_names(errors, proposal.case, reason=reason)
        if errors or expected is None:
            raise InvalidInput(errors)
        claim(proposal, expected)
        decision = gate.may_withdraw(proposal.status)
        refuse(decision)
        official = require_official(acting_user, gate.PROPOSAL_CLAUSE)
        before = audit.snapshot(proposal, AUDIT_FIELDS)
        proposal.status = ProposalStatus.WITHDRAWN
        proposal.withdrawal_reason = reason
        proposal.withdrawn_by = official
        proposal.withdrawn_at = timezone.now()
        proposal.save()
        record(acting_user, "publicity.proposal.withdraw", proposal, decision, before=before)
        tell(proposal, "withdrawn by the local committee (6f).", official, acting_user, post=True)
    return proposal
