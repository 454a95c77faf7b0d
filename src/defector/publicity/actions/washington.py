"""Washington's side of a publicity proposal: the sign-offs of State and USIA (``5a(6)``), the
IDC's override of ``5a(5)`` and its decision (``6f``), and the release."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from defector.core import audit
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
    tell,
    text,
    version,
)
from defector.publicity.choices import Channel, Outcome, Position, ProposalStatus
from defector.publicity.models import Proposal, SignOff

SIGN_OFF_FIELDS = ["agency", "position", "comments", "signed_by", "signed_at"]


def _idc_only(user: AnyUser, clause: str, what: str) -> None:
    if not queries.is_idc(user):
        raise PermissionDenied(
            f"only members of the Interagency Defector Committee {what}", clauses=(clause,)
        )


def sign_off(
    *,
    acting_user: AnyUser,
    proposal_id: int | str,
    position: str,
    comments: str = "",
    expected_version: int | str | None,
) -> SignOff:
    """An IDC member of State or of USIA signs off for their agency (``5a(6)``): approves, or
    objects with comments. One sign-off per agency, which its agency may change until the IDC
    decides (each change audited). Once both agencies have signed off, the proposal awaits the
    IDC's decision. The IDC and the proposer are told."""
    with transaction.atomic():
        proposal = locked(acting_user, proposal_id)
        agency = queries.signing_agency(acting_user)
        if agency is None:
            raise PermissionDenied(
                "only an IDC member of the Department of State or of USIA signs off on "
                "publicity, for their agency",
                clauses=(gate.COORDINATION_CLAUSE,),
            )
        errors: Errors = []
        expected = version(errors, expected_version)
        if position not in Position.values:
            error(errors, "position", "must be approve or object")
        comments = text(errors, "comments", comments, required=False)
        if position == Position.OBJECT and not comments:
            error(errors, "comments", "state them: an objection goes to the IDC with its comments")
        refuse_names(errors, proposal.case, comments=comments)
        if errors or expected is None:
            raise InvalidInput(errors)
        claim(proposal, expected)
        decision = gate.may_sign_off(proposal.status, agency, position, comments)
        refuse(decision)
        official = require_official(acting_user, gate.COORDINATION_CLAUSE)
        existing = SignOff.objects.filter(proposal=proposal, agency=agency).first()
        before = audit.snapshot(existing, SIGN_OFF_FIELDS) if existing is not None else None
        row = existing or SignOff(proposal=proposal, agency=agency)
        row.position = position
        row.comments = comments
        row.signed_by = official
        row.signed_at = timezone.now()
        row.save()
        proposal.status = gate.status_after_sign_offs(
            proposal.status, queries.positions_of(proposal)
        )
        proposal.save()
        after = audit.snapshot(row, SIGN_OFF_FIELDS) | {"status": proposal.status}
        record(
            acting_user,
            "publicity.proposal.sign_off",
            proposal,
            decision,
            before=before,
            after=after,
        )
        words = "approves" if position == Position.APPROVE else "objects, with comments"
        then = (
            " Both agencies have signed off: it awaits the IDC's decision."
            if proposal.status == ProposalStatus.AWAITING_DECISION
            else ""
        )
        tell(
            proposal,
            f"{agency} {words} (5a(6)).{then}",
            official,
            acting_user,
            officials=[proposal.proposed_by],
        )
    return row


def override_priority(
    *,
    acting_user: AnyUser,
    proposal_id: int | str,
    reason: str,
    expected_version: int | str | None,
) -> Proposal:
    """An IDC member records the IDC's override of ``5a(5)``: publicity may be approved before
    the case's intelligence objectives are satisfied, for the reason stated. Once, while the
    proposal is before the IDC and the objectives are not satisfied."""
    with transaction.atomic():
        proposal = locked(acting_user, proposal_id)
        _idc_only(acting_user, gate.PRIORITY_CLAUSE, "override the priority of intelligence")
        errors: Errors = []
        expected = version(errors, expected_version)
        reason = text(errors, "reason", reason, required=True)
        refuse_names(errors, proposal.case, reason=reason)
        if errors or expected is None:
            raise InvalidInput(errors)
        claim(proposal, expected)
        finding = queries.objectives(acting_user, proposal.case)
        decision = gate.may_override(
            proposal.status,
            objectives_satisfied=finding.holds,
            overridden=proposal.overridden_at is not None,
        )
        refuse(decision)
        official = require_official(acting_user, gate.PRIORITY_CLAUSE)
        before = audit.snapshot(proposal, AUDIT_FIELDS)
        proposal.override_reason = reason
        proposal.overridden_by = official
        proposal.overridden_at = timezone.now()
        proposal.save()
        record(acting_user, "publicity.proposal.override", proposal, decision, before=before)
        tell(
            proposal,
            "the IDC overrode the priority of intelligence objectives (5a(5)).",
            official,
            acting_user,
            officials=[proposal.proposed_by],
        )
    return proposal


def decide(
    *,
    acting_user: AnyUser,
    proposal_id: int | str,
    outcome: str,
    reason: str = "",
    expected_version: int | str | None,
) -> Proposal:
    """An IDC member records the IDC's decision (``6f``): approve, or reject with the reason.
    Refused, naming the clause, before both sign-offs (``5a(6)``) and, for an approval, while
    the case's intelligence objectives are not satisfied and no override is recorded
    (``5a(5)``). An objection of State or USIA does not block: the decision's record keeps it.
    The post's committee, the IDC and the agencies that signed off are told."""
    with transaction.atomic():
        proposal = locked(acting_user, proposal_id)
        _idc_only(acting_user, gate.PROPOSAL_CLAUSE, "decide proposals for publicity")
        errors: Errors = []
        expected = version(errors, expected_version)
        if outcome not in Outcome.values:
            error(errors, "outcome", "must be approve or reject")
        reason = text(errors, "reason", reason, required=outcome == Outcome.REJECT)
        refuse_names(errors, proposal.case, reason=reason)
        if errors or expected is None:
            raise InvalidInput(errors)
        claim(proposal, expected)
        positions = queries.positions_of(proposal)
        finding = queries.objectives(acting_user, proposal.case)
        decision = gate.may_decide(
            proposal.status,
            outcome,
            positions,
            objectives_satisfied=finding.holds,
            overridden=proposal.overridden_at is not None,
        )
        refuse(decision)
        official = require_official(acting_user, gate.PROPOSAL_CLAUSE)
        before = audit.snapshot(proposal, AUDIT_FIELDS)
        proposal.status = (
            ProposalStatus.APPROVED if outcome == Outcome.APPROVE else ProposalStatus.REJECTED
        )
        proposal.outcome = outcome
        proposal.decision_reason = reason
        proposal.decided_by = official
        proposal.decided_at = timezone.now()
        proposal.save()
        after = audit.snapshot(proposal, AUDIT_FIELDS) | {
            "sign_offs": positions,
            "objectives": finding.to_dict(),
        }
        record(
            acting_user, "publicity.proposal.decide", proposal, decision, before=before, after=after
        )
        words = "approved" if outcome == Outcome.APPROVE else "rejected"
        tell(proposal, f"{words} by the IDC (6f).", official, acting_user, post=True)
    return proposal


def record_release(
    *,
    acting_user: AnyUser,
    proposal_id: int | str,
    released_on: dt.date | str | None,
    channel: str,
    summary: str,
    expected_version: int | str | None,
) -> Proposal:
    """The post's committee chair or an IDC member records the release of an approved
    proposal (``6f``): the date, the channel and what was released."""
    with transaction.atomic():
        proposal = locked(acting_user, proposal_id)
        if not queries.may_release(acting_user, proposal):
            raise PermissionDenied(
                "only the post's committee chair or an IDC member records a release",
                clauses=(gate.PROPOSAL_CLAUSE,),
            )
        errors: Errors = []
        expected = version(errors, expected_version)
        when = date(errors, "released_on", released_on, required=True)
        if when is not None and when > timezone.localdate():
            error(errors, "released_on", "is in the future: record a release once it is made")
        if channel not in Channel.values:
            error(errors, "channel", f"must be among {', '.join(Channel.values)}")
        summary = text(errors, "summary", summary, required=True)
        refuse_names(errors, proposal.case, summary=summary)
        if errors or expected is None:
            raise InvalidInput(errors)
        claim(proposal, expected)
        decision = gate.may_release(proposal.status)
        refuse(decision)
        official = require_official(acting_user, gate.PROPOSAL_CLAUSE)
        before = audit.snapshot(proposal, AUDIT_FIELDS)
        proposal.status = ProposalStatus.RELEASED
        proposal.released_on = when
        proposal.release_channel = channel
        proposal.release_summary = summary
        proposal.released_by = official
        proposal.release_recorded_at = timezone.now()
        proposal.save()
        record(acting_user, "publicity.proposal.release", proposal, decision, before=before)
        tell(
            proposal,
            f"released on {when.isoformat() if when else ''} (6f).",
            official,
            acting_user,
            post=True,
        )
    return proposal
