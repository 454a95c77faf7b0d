"""The status determination (6b(2)): its gate's inputs, and for display."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from defector.cases.choices import (
    COMMITTEE_ROLES,
    STATUS_ROLES,
    AgencyStance,
    RiskSubject,
    Stage,
    StatusDecision,
)
from defector.cases.models import (
    AgencyPosition,
    Assessment,
    Case,
    RefugeeReferral,
    StatusDetermination,
)
from defector.cases.queries.bona_fides import bona_fides_established, verdict_decision
from defector.cases.queries.common import case_rows
from defector.cases.queries.page_facts import CaseFacts
from defector.cases.queries.risk import (
    Ref,
    _ref,
    political_risk_determined,
    risk_decision,
    risk_in_force,
)
from defector.cases.queries.statements import signed_statement_on_file, statement_decision
from defector.core.access import Action, can, get_for, principal_for, remembered
from defector.core.users import AnyUser
from defector.directory.choices import Role
from defector.directory.models import Agency, Official, Post, RoleAssignment
from defector.policy import Decision
from defector.policy.gates import cases as gates
from defector.policy.gates.lifecycle import exploitation_gate

#: The stages at which the committee records a status determination: an open case not yet
#: past the determination (it is moved on to determination as the lifecycle allows).
STATUS_STAGES = (Stage.RECEPTION, Stage.ASSESSMENT, Stage.DETERMINATION)


def latest_status(case: Case) -> StatusDetermination | None:
    """The status determination that stands: the latest."""
    return StatusDetermination.objects.filter(case=case).order_by("-decided_at", "-pk").first()


def status_granted(case: Case) -> Decision:
    """Allowed when the latest status determination grants defector status (``6b(2)``)."""
    latest = latest_status(case)
    if latest is None:
        return Decision.deny("6b(2)", reason="defector status has not been determined")
    if latest.decision != StatusDecision.GRANT:
        label = str(StatusDecision(latest.decision).label).lower()
        return Decision.deny("6b(2)", reason=f"the latest status determination is to {label}")
    return Decision.allow("6b(2)", reason="defector status is granted")


def exploitation_guard(case: Case) -> Decision | None:
    """The lifecycle's guard on determination → exploitation: only with a grant (``6b(2)``)."""
    return exploitation_gate(status_granted(case))


def latest_categories(case: Case) -> list[str] | None:
    """The categories the latest assessment finds (``None``: no facts assessed yet); read
    once per page."""
    found = remembered(
        ("cases.latest_categories", case.pk),
        lambda: (
            Assessment.objects.filter(case=case)
            .order_by("-number")
            .values_list("categories", flat=True)
            .first()
        ),
    )
    return list(found) if found is not None else None


def _handling(case: Case) -> tuple[Decision, Decision]:
    """Bona fides (``6b(3)(b)``) and the signed statement (``6b(3)(c)``), as the handling
    records answer them."""
    return bona_fides_established(case), signed_statement_on_file(case)


@dataclass(frozen=True, slots=True)
class GrantInputs:
    """What a grant of defector status rests on, each as its own answer (the page lists
    them as a checklist; :func:`grant_readiness` puts them through the gate)."""

    defector: Decision
    bona_fides: Decision
    signed_statement: Decision
    political_risk: Decision
    risk_level: str

    def checklist(self) -> list[Decision]:
        """Each input as met or missing; a prohibitive ``7a`` determination counts as
        missing (the gate refuses it)."""
        risk = self.political_risk
        if risk.allowed and self.risk_level == gates.PROHIBITIVE:
            risk = Decision.deny(
                "7a",
                reason="the Senior US Representative determined the political risk of the "
                "case prohibitive",
            )
        return [self.defector, self.bona_fides, self.signed_statement, risk]


def grant_inputs(case: Case) -> GrantInputs:
    """Gather the inputs of the grant gate from the case's records."""
    bona_fides, statement = _handling(case)
    risk = risk_in_force(case, RiskSubject.CASE)
    return GrantInputs(
        defector=gates.finds_defector(latest_categories(case)),
        bona_fides=bona_fides,
        signed_statement=statement,
        political_risk=political_risk_determined(case),
        risk_level=risk.level if risk is not None else "",
    )


def grant_inputs_of(facts: CaseFacts) -> GrantInputs:
    """:func:`grant_inputs` from the facts the case page reads with the case."""
    return GrantInputs(
        defector=gates.finds_defector(facts.categories),
        bona_fides=verdict_decision(facts.verdict, facts.verdict_number, facts.verdict_at),
        signed_statement=statement_decision(
            counting=facts.counting_statement,
            statements=facts.statements,
            standing=facts.standing_statements,
        ),
        political_risk=risk_decision(facts.risk_level, facts.risk_at),
        risk_level=facts.risk_level or "",
    )


def grant_readiness(case: Case, inputs: GrantInputs | None = None) -> Decision:
    """Whether defector status may be granted now (:func:`~defector.policy.gates.cases.grant_gate`):
    allowed, or refused naming every missing clause."""
    given = inputs or grant_inputs(case)
    return gates.grant_gate(
        defector=given.defector,
        bona_fides=given.bona_fides,
        signed_statement=given.signed_statement,
        political_risk=given.political_risk,
        risk_level=given.risk_level,
    )


def _committee(post: Post) -> list[RoleAssignment]:
    """The post's active committee chairs' and members' roles, with their officials and
    agencies: one read for the agencies and the chairs (once per page)."""
    return remembered(
        ("cases.committee_roles", post.pk),
        lambda: list(
            RoleAssignment.objects.filter(
                post=post, role__in=COMMITTEE_ROLES, official__user__is_active=True
            )
            .select_related("official__user", "official__agency")
            .order_by("pk")
        ),
    )


def represented_agencies(post: Post) -> list[Agency]:
    """The agencies represented on the post's committee: those of its active chair and
    members (directory roles), by code. Each states a position on a status determination."""
    agencies = {role.official.agency_id: role.official.agency for role in _committee(post)}
    return sorted(agencies.values(), key=lambda agency: agency.code)


def chairs_of(post: Post) -> list[Official]:
    """The post's active committee chairs."""
    chairs = {
        role.official_id: role.official
        for role in _committee(post)
        if role.role == Role.COMMITTEE_CHAIR
    }
    return list(chairs.values())


def may_determine_status(user: AnyUser, case: Case) -> bool:
    """Whether ``user`` sits on the case's post's committee (chair, or member acting on the
    chair's behalf) and may change the case."""
    return case.post_id in principal_for(user).posts_with(*STATUS_ROLES) and can(
        user, Action.CHANGE, case
    )


def acts_for_chair(user: AnyUser, case: Case) -> bool:
    """Whether ``user`` records a status determination on the chair's behalf: a committee
    member of the case's post who is not its chair."""
    held = principal_for(user).post_roles
    return (case.post_id, Role.COMMITTEE_MEMBER) in held and (
        case.post_id,
        Role.COMMITTEE_CHAIR,
    ) not in held


def latest_decline(case: Case) -> StatusDetermination | None:
    """The latest status determination when it declines (a refugee referral rests on it)."""
    latest = latest_status(case)
    return latest if latest is not None and latest.decision == StatusDecision.DECLINE else None


@dataclass(frozen=True, slots=True)
class PositionView:
    agency_id: int
    agency_code: str
    agency_name: str
    stance: str
    stance_label: str
    note: str


@dataclass(frozen=True, slots=True)
class ReferralView:
    id: int
    determination_id: int
    reason: str
    referred_to: str
    referred_at: dt.datetime
    referred_by: Ref | None


@dataclass(frozen=True, slots=True)
class StatusView:
    """A status determination with the agencies' positions."""

    id: int
    decision: str
    decision_label: str
    special_value: str
    rationale: str
    risk_determination_id: int | None
    risk_level: str
    decided_at: dt.datetime
    decided_by: Ref | None
    on_behalf_of: Ref | None
    positions: list[PositionView]
    referrals: list[ReferralView] = field(default_factory=list)

    @property
    def dissents(self) -> list[PositionView]:
        return [p for p in self.positions if p.stance == AgencyStance.DISSENT]


def _referral_view(row: RefugeeReferral) -> ReferralView:
    return ReferralView(
        id=row.pk,
        determination_id=row.determination_id,
        reason=row.reason,
        referred_to=row.referred_to,
        referred_at=row.referred_at,
        referred_by=_ref(row.referred_by),
    )


def _status_view(row: StatusDetermination) -> StatusView:
    positions: list[AgencyPosition] = list(row.positions.all())
    referrals: list[RefugeeReferral] = list(row.refugee_referrals.all())
    return StatusView(
        id=row.pk,
        decision=row.decision,
        decision_label=str(StatusDecision(row.decision).label),
        special_value=row.special_value,
        rationale=row.rationale,
        risk_determination_id=row.risk_determination_id,
        risk_level=row.risk_determination.level if row.risk_determination is not None else "",
        decided_at=row.decided_at,
        decided_by=_ref(row.decided_by),
        on_behalf_of=_ref(row.on_behalf_of),
        positions=[
            PositionView(
                agency_id=p.agency_id,
                agency_code=p.agency.code,
                agency_name=p.agency.name,
                stance=p.stance,
                stance_label=str(AgencyStance(p.stance).label),
                note=p.note,
            )
            for p in positions
        ],
        referrals=[_referral_view(r) for r in referrals],
    )


def status_determinations_of(user: AnyUser, case: Case) -> list[StatusView]:
    """Every status determination of the case, newest first (the first stands)."""
    rows = (
        case_rows(user, Action.VIEW, StatusDetermination.objects.all(), case)
        .select_related("decided_by__user", "on_behalf_of__user", "risk_determination")
        .prefetch_related("positions__agency", "refugee_referrals__referred_by__user")
        .order_by("-decided_at", "-pk")
    )
    return [_status_view(row) for row in rows]


def status_determination_of(user: AnyUser, case: Case, determination_id: int) -> StatusView:
    """One status determination of the case, or :class:`~defector.core.errors.NotFound`."""
    row = get_for(
        user,
        Action.VIEW,
        StatusDetermination.objects.filter(case=case)
        .select_related("decided_by__user", "on_behalf_of__user", "risk_determination")
        .prefetch_related("positions__agency", "refugee_referrals__referred_by__user"),
        determination_id,
        what="status determination",
    )
    return _status_view(row)


def referrals_of(user: AnyUser, case: Case) -> list[ReferralView]:
    rows = (
        case_rows(user, Action.VIEW, RefugeeReferral.objects.all(), case)
        .select_related("referred_by__user")
        .order_by("-referred_at", "-pk")
    )
    return [_referral_view(row) for row in rows]


def status_section(user: AnyUser, case: Case) -> Mapping[str, Any]:
    """What the ``6b(2)`` section shows: the determinations, what a grant still needs, the
    agencies that state a position, and whether a referral as refugee may be made."""
    determinations = status_determinations_of(user, case)
    latest = determinations[0] if determinations else None
    inputs = grant_inputs(case)
    changeable = can(user, Action.CHANGE, case) and case.stage != Stage.CLOSED
    return {
        "determinations": determinations,
        "latest": latest,
        "readiness": grant_readiness(case, inputs),
        "checklist": inputs.checklist(),
        "agencies": represented_agencies(case.post),
        "may_determine": (
            may_determine_status(user, case) and changeable and case.stage in STATUS_STAGES
        ),
        "may_refer": (
            changeable
            and latest is not None
            and latest.decision == StatusDecision.DECLINE
            and not latest.referrals
        ),
    }
