"""Reads of publicity proposals (``6f``, ``5a(5)``, ``5a(6)``), with access control applied,
and who may take each step on one.

Who takes which step (docs/publicity.md):

- **propose** — the chair of the case's post's local Defector Committee, who speaks for the
  committee to the IDC (``6f``: the committee recommends);
- **sign off** — an IDC member in Washington of the Department of State, or of USIA, for their
  agency (``5a(6)``);
- **override ``5a(5)``, decide** — an IDC member;
- **record the release** — the post's committee chair, or an IDC member;
- **withdraw** — the official who proposed, or the post's committee chair now.

Each seat also needs the case in view (``core.access``): the rule of a proposal is its case's.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import QuerySet
from django.urls import reverse

from defector.cases.choices import RiskSubject
from defector.cases.models import Case, PoliticalRiskDetermination
from defector.cases.queries import risk_in_force
from defector.core.access import Action, get_for, principal_for, restrict
from defector.core.errors import NotFound
from defector.core.users import AnyUser
from defector.directory.choices import Role
from defector.directory.queries import acting_official
from defector.exploitation.queries import summary
from defector.policy.decisions import Finding
from defector.policy.gates import publicity as gate
from defector.publicity.choices import PENDING, ProposalStatus
from defector.publicity.models import Proposal, SignOff


def _as_id(value: object) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().isdigit():
        return int(value.strip())
    return None


def _base() -> QuerySet[Proposal]:
    return Proposal.objects.select_related(
        "case__post",
        "proposed_by__user",
        "proposed_by__agency",
        "risk_determination__determined_by__user",
        "overridden_by__user",
        "decided_by__user",
        "released_by__user",
        "withdrawn_by__user",
    )


def find_proposal(user: AnyUser, proposal_id: object) -> Proposal:
    """The proposal, if ``user`` may see its case; :class:`NotFound` otherwise."""
    number = _as_id(proposal_id)
    if number is None:
        raise NotFound("no such proposal")
    return get_for(user, Action.VIEW, _base(), number, what="proposal")


def find_case_for(user: AnyUser, case_id: object) -> Case:
    """The case, if ``user`` may see it; :class:`NotFound` otherwise."""
    number = _as_id(case_id)
    if number is None:
        raise NotFound("no such case")
    return get_for(user, Action.VIEW, Case.objects.select_related("post"), number, what="case")


def proposals(
    user: AnyUser, *, statuses: Iterable[str] = (), case: Case | None = None
) -> QuerySet[Proposal]:
    """The proposals ``user`` may see, newest first; of ``statuses`` and ``case`` if given."""
    found = _base()
    wanted = [status for status in statuses if status]
    if wanted:
        found = found.filter(status__in=wanted)
    if case is not None:
        found = found.filter(case=case)
    return restrict(user, Action.VIEW, found).order_by("-proposed_at", "-pk")


def sign_offs_of(proposal: Proposal) -> dict[str, SignOff]:
    """The proposal's sign-offs by agency code (``STATE``, ``USIA``)."""
    return {
        row.agency: row
        for row in SignOff.objects.filter(proposal=proposal).select_related(
            "signed_by__user", "signed_by__agency"
        )
    }


def sign_offs_by_proposal(rows: Iterable[Proposal]) -> dict[int, list[SignOff]]:
    """The sign-offs of each of ``rows`` (a page of a list), by agency; one query."""
    found: dict[int, list[SignOff]] = {}
    for row in (
        SignOff.objects.filter(proposal__in=list(rows))
        .select_related("signed_by__user")
        .order_by("agency")
    ):
        found.setdefault(row.proposal_id, []).append(row)
    return found


def positions_of(proposal: Proposal) -> dict[str, str]:
    """The proposal's sign-offs as the gate reads them: agency code → position."""
    return dict(SignOff.objects.filter(proposal=proposal).values_list("agency", "position"))


def publicity_risk(case: Case) -> PoliticalRiskDetermination | None:
    """The Senior US Representative's ``7a`` determination on publicity in force on ``case``."""
    return risk_in_force(case, RiskSubject.PUBLICITY)


def objectives(user: AnyUser, case: Case) -> Finding:
    """Whether the case's intelligence objectives are satisfied (``5a(5)``), as the exploitation
    app finds it."""
    return summary(user, case).objectives_satisfied


# --- seats ------------------------------------------------------------------------------------


def is_idc(user: AnyUser) -> bool:
    return Role.IDC_MEMBER in principal_for(user).roles


def may_propose(user: AnyUser, case: Case) -> bool:
    """The chair of the case's post's committee (``6f``)."""
    return case.post_id in principal_for(user).posts_with(Role.COMMITTEE_CHAIR)


def signing_agency(user: AnyUser) -> str | None:
    """The agency (``STATE`` or ``USIA``) for which ``user`` signs off: an IDC member of it."""
    if not is_idc(user):
        return None
    official = acting_official(user)
    if official is None or official.agency.code not in gate.SIGNING_AGENCIES:
        return None
    return str(official.agency.code)


def may_release(user: AnyUser, proposal: Proposal) -> bool:
    """The post's committee chair, or an IDC member."""
    return is_idc(user) or proposal.case.post_id in principal_for(user).posts_with(
        Role.COMMITTEE_CHAIR
    )


def may_withdraw(user: AnyUser, proposal: Proposal) -> bool:
    """The official who proposed, or the post's committee chair now."""
    principal = principal_for(user)
    return principal.official_id == proposal.proposed_by_id or (
        proposal.case.post_id in principal.posts_with(Role.COMMITTEE_CHAIR)
    )


@dataclass(frozen=True, slots=True)
class Steps:
    """What the user may do on a proposal now: their seat and the gate both allow it."""

    sign_off_for: str | None
    override: bool
    decide: bool
    release: bool
    withdraw: bool


def steps_for(user: AnyUser, proposal: Proposal, finding: Finding) -> Steps:
    """The steps to show the user on the proposal's page (only those their role may take)."""
    status = proposal.status
    pending = status in PENDING
    agency = signing_agency(user) if pending else None
    idc = is_idc(user)
    return Steps(
        sign_off_for=agency,
        override=idc
        and gate.may_override(
            status,
            objectives_satisfied=finding.holds,
            overridden=proposal.overridden_at is not None,
        ).allowed,
        decide=idc and status == ProposalStatus.AWAITING_DECISION,
        release=status == ProposalStatus.APPROVED and may_release(user, proposal),
        withdraw=pending and may_withdraw(user, proposal),
    )


def section_data(user: AnyUser, case: Case) -> dict[str, object]:
    """The case page's "Publicity" section: the case's proposals, the ``7a`` determination on
    publicity, and whether the user may propose."""
    allowed = may_propose(user, case)
    return {
        "proposals": list(proposals(user, case=case)[:20]),
        "propose_url": reverse("publicity:new", args=[case.pk]) if allowed else "",
        "risk": publicity_risk(case),
        "clause": gate.PROPOSAL_CLAUSE,
    }
