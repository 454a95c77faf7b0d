"""Reads of the determinations of a case: the Senior US Representative's political-risk
determinations (``7a``), the committee's status determinations (``6b(2)``) with the agencies'
positions, refugee referrals (``2f``), and inducement (``2b``, ``5a(1)``, ``5a(4)``).

Two kinds of read live here:

- **gate inputs** — ``political_risk_determined(case)``, ``political_risk_determined_for(case,
  action)``, :func:`grant_readiness`, :func:`inducement_readiness`, :func:`status_granted` —
  answer a :class:`~defector.policy.Decision` about one case the caller already holds (the
  actions found it through access control); they apply no access control of their own;
- **display reads** — everything that takes a ``user`` — go through ``core.access.restrict``.

This module does not import ``cases.queries`` at load time: ``cases.queries`` re-exports
:func:`political_risk_determinations` and :func:`awaiting_political_risk_determination` for
the committees app's senior-representative page.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AnonymousUser, User
from django.core.exceptions import ImproperlyConfigured
from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils import timezone

from defector.cases import gates
from defector.cases.choices import (
    COMMITTEE_ROLES,
    CONTEMPLATED_ACTIONS,
    DEFAULT_MAX_INDUCEMENT_GROUP,
    STATUS_ROLES,
    AgencyStance,
    ObligationStatus,
    RecruitmentConclusion,
    RiskLevel,
    RiskSubject,
    Stage,
    StatusDecision,
)
from defector.cases.models import (
    AgencyPosition,
    Assessment,
    Case,
    InducementAct,
    InducementPlan,
    Obligation,
    PoliticalRiskDetermination,
    RecruitmentConsideration,
    RefugeeReferral,
    StatusDetermination,
)
from defector.core.access import Action, can, get_for, principal_for, restrict
from defector.directory.choices import Role
from defector.directory.models import Agency, Official, Post
from defector.policy import Decision
from defector.policy.obligations import ObligationId

AnyUser = User | AnonymousUser

#: The setting that caps the group an inducement plan may aim at (``5a(4)``).
MAX_GROUP_SETTING = "DEFECTOR_MAX_INDUCEMENT_GROUP"
#: The stages at which the committee records a status determination: an open case not yet
#: past the determination (it is moved on to determination as the lifecycle allows).
STATUS_STAGES = (Stage.RECEPTION, Stage.ASSESSMENT, Stage.DETERMINATION)


def max_inducement_group() -> int:
    """The largest group an inducement plan may aim at (``5a(4)``):
    ``settings.DEFECTOR_MAX_INDUCEMENT_GROUP``, default
    :data:`~defector.cases.choices.DEFAULT_MAX_INDUCEMENT_GROUP`."""
    value = getattr(settings, MAX_GROUP_SETTING, DEFAULT_MAX_INDUCEMENT_GROUP)
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ImproperlyConfigured(f"{MAX_GROUP_SETTING} must be a whole number of at least 1")
    return value


# --- 7a: the political-risk determinations in force -------------------------------------------


def risk_in_force(case: Case, subject: str) -> PoliticalRiskDetermination | None:
    """The case's ``7a`` determination in force on ``subject`` (the case, or an action)."""
    return (
        PoliticalRiskDetermination.objects.filter(
            case=case, subject=subject, superseded_at__isnull=True
        )
        .select_related("determined_by__user")
        .first()
    )


def governing_risk(case: Case, action_kind: str) -> PoliticalRiskDetermination | None:
    """The determination that governs a contemplated action: the one on that action, else
    the one on the case as a whole."""
    if action_kind not in CONTEMPLATED_ACTIONS:
        raise ValueError(f"not a contemplated action: {action_kind!r}")
    return risk_in_force(case, action_kind) or risk_in_force(case, RiskSubject.CASE)


def _level(determination: PoliticalRiskDetermination) -> str:
    return str(RiskLevel(determination.level).label).lower()


def political_risk_determined(case: Case) -> Decision:
    """Allowed when the Senior US Representative's ``7a`` determination for the case exists."""
    found = risk_in_force(case, RiskSubject.CASE)
    if found is None:
        return Decision.deny(
            "7a", reason="the Senior US Representative has not determined the political risk"
        )
    return Decision.allow(
        "7a",
        reason=f"the political risk of the case was determined {_level(found)} on "
        f"{found.determined_at:%d %b %Y}",
    )


def political_risk_determined_for(case: Case, action_kind: str) -> Decision:
    """Allowed when a ``7a`` determination governs the contemplated action ``action_kind``
    (inducement, exfiltration, publicity): one on that action, or one on the case."""
    found = governing_risk(case, action_kind)
    if found is None:
        return Decision.deny(
            "7a",
            reason=f"the Senior US Representative has not determined the political risk of "
            f"{action_kind}, nor of the case",
        )
    on = action_kind if found.subject == action_kind else "the case"
    return Decision.allow("7a", reason=f"the political risk of {on} was determined {_level(found)}")


def may_determine_risk(user: AnyUser, case: Case) -> bool:
    """Whether ``user`` is the Senior US Representative of the case's post (``7a``) and may
    change the case."""
    return case.post_id in principal_for(user).posts_with(Role.SENIOR_REPRESENTATIVE) and can(
        user, Action.CHANGE, case
    )


# --- 6b(2): the status determination ---------------------------------------------------------


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
    granted = status_granted(case)
    if granted.allowed:
        return None
    return Decision.deny(
        "6b(2)",
        reason=f"a case moves to exploitation only once defector status is granted: "
        f"{granted.reason}",
    )


def _latest_categories(case: Case) -> list[str] | None:
    found = (
        Assessment.objects.filter(case=case)
        .order_by("-number")
        .values_list("categories", flat=True)
        .first()
    )
    return list(found) if found is not None else None


def _handling(case: Case) -> tuple[Decision, Decision]:
    """Bona fides (``6b(3)(b)``) and the signed statement (``6b(3)(c)``), as the handling
    records answer them (``cases.queries_handling``; imported here, not at load time, since
    it imports ``cases.queries``, which re-exports from this module)."""
    from defector.cases.queries_handling import bona_fides_established, signed_statement_on_file

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
        defector=gates.finds_defector(_latest_categories(case)),
        bona_fides=bona_fides,
        signed_statement=statement,
        political_risk=political_risk_determined(case),
        risk_level=risk.level if risk is not None else "",
    )


def grant_readiness(case: Case, inputs: GrantInputs | None = None) -> Decision:
    """Whether defector status may be granted now (:func:`~defector.cases.gates.grant_gate`):
    allowed, or refused naming every missing clause."""
    given = inputs or grant_inputs(case)
    return gates.grant_gate(
        defector=given.defector,
        bona_fides=given.bona_fides,
        signed_statement=given.signed_statement,
        political_risk=given.political_risk,
        risk_level=given.risk_level,
    )


def represented_agencies(post: Post) -> list[Agency]:
    """The agencies represented on the post's committee: those of its active chair and
    members (directory roles), by code. Each states a position on a status determination."""
    return list(
        Agency.objects.filter(
            officials__roles__post=post,
            officials__roles__role__in=COMMITTEE_ROLES,
            officials__user__is_active=True,
        )
        .distinct()
        .order_by("code")
    )


def chairs_of(post: Post) -> list[Official]:
    """The post's active committee chairs."""
    return list(
        Official.objects.filter(
            roles__post=post, roles__role=Role.COMMITTEE_CHAIR, user__is_active=True
        )
        .select_related("user")
        .distinct()
    )


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


# --- 5a(1), 5a(4), 2b: inducement -------------------------------------------------------------


def latest_consideration(case: Case) -> RecruitmentConsideration | None:
    return (
        RecruitmentConsideration.objects.filter(case=case).order_by("-considered_at", "-pk").first()
    )


def inducement_readiness(case: Case, group_size: int) -> Decision:
    """Whether an inducement plan aimed at ``group_size`` persons may be recorded now
    (:func:`~defector.cases.gates.inducement_plan_gate`)."""
    consideration = latest_consideration(case)
    risk = governing_risk(case, RiskSubject.INDUCEMENT)
    return gates.inducement_plan_gate(
        recruitment=gates.recruitment_considered(
            consideration.conclusion if consideration is not None else None
        ),
        political_risk=political_risk_determined_for(case, RiskSubject.INDUCEMENT),
        risk_level=risk.level if risk is not None else "",
        group_size=group_size,
        max_group_size=max_inducement_group(),
    )


# --- for the committees app's senior-representative page (7a) ---------------------------------


def political_risk_determinations(user: AnyUser, post: Post) -> list[PoliticalRiskDetermination]:
    """The ``7a`` determinations in force on the post's open cases that ``user`` may see,
    newest first. Each reads as ``CRYPTONYM: subject, level risk`` and links to its case."""
    return list(
        restrict(
            user,
            Action.VIEW,
            PoliticalRiskDetermination.objects.filter(
                case__post=post, superseded_at__isnull=True
            ).exclude(case__stage=Stage.CLOSED),
        )
        .select_related("case", "determined_by__user")
        .order_by("-determined_at", "-pk")
    )


@dataclass(frozen=True, slots=True)
class Awaiting:
    """A case of the post awaiting the senior representative's ``7a`` determination."""

    case_id: int
    cryptonym: str
    due_at: dt.datetime | None
    overdue: bool

    def __str__(self) -> str:
        if self.due_at is None:
            return f"{self.cryptonym}: awaiting the determination"
        due = timezone.localtime(self.due_at, dt.UTC).strftime("%-d %b %Y")
        late = " (overdue)" if self.overdue else ""
        return f"{self.cryptonym}: determination due {due}{late}"

    def get_absolute_url(self) -> str:
        return reverse("cases:detail", args=[self.case_id]) + "#section-political-risk"


def awaiting_political_risk_determination(
    user: AnyUser, post: Post, *, now: dt.datetime | None = None
) -> list[Awaiting]:
    """The post's open cases that ``user`` may see whose ``7a`` determination is an open
    obligation and none is in force, soonest due first."""
    now = now or timezone.now()
    pending = Obligation.objects.filter(
        case=OuterRef("pk"),
        identifier=ObligationId.POLITICAL_RISK_DETERMINATION,
        status=ObligationStatus.OPEN,
    )
    determined = PoliticalRiskDetermination.objects.filter(
        case=OuterRef("pk"), subject=RiskSubject.CASE, superseded_at__isnull=True
    )
    cases = (
        restrict(user, Action.VIEW, Case.objects.filter(post=post))
        .exclude(stage=Stage.CLOSED)
        .filter(Exists(pending))
        .exclude(Exists(determined))
    )
    dues = dict(
        Obligation.objects.filter(
            case__in=cases,
            identifier=ObligationId.POLITICAL_RISK_DETERMINATION,
            status=ObligationStatus.OPEN,
        ).values_list("case_id", "due_at")
    )
    far = dt.datetime.max.replace(tzinfo=dt.UTC)
    found = [
        Awaiting(
            case_id=case.pk,
            cryptonym=case.cryptonym,
            due_at=dues.get(case.pk),
            overdue=(due := dues.get(case.pk)) is not None and due < now,
        )
        for case in cases
    ]
    return sorted(found, key=lambda item: (item.due_at or far, item.cryptonym))


# --- the case page's sections and the API -----------------------------------------------------


@dataclass(frozen=True, slots=True)
class Ref:
    id: int
    name: str


def _ref(official: Official | None) -> Ref | None:
    return Ref(official.pk, str(official)) if official is not None else None


@dataclass(frozen=True, slots=True)
class RiskView:
    """A ``7a`` determination as the page and the API show it."""

    id: int
    subject: str
    subject_label: str
    level: str
    level_label: str
    reasoning: str
    determined_at: dt.datetime
    determined_by: Ref | None
    in_force: bool
    superseded_at: dt.datetime | None
    supersedes_id: int | None


def _risk_view(row: PoliticalRiskDetermination) -> RiskView:
    return RiskView(
        id=row.pk,
        subject=row.subject,
        subject_label=str(RiskSubject(row.subject).label),
        level=row.level,
        level_label=str(RiskLevel(row.level).label),
        reasoning=row.reasoning,
        determined_at=row.determined_at,
        determined_by=_ref(row.determined_by),
        in_force=row.superseded_at is None,
        superseded_at=row.superseded_at,
        supersedes_id=row.supersedes_id,
    )


def risk_determinations_of(user: AnyUser, case: Case) -> list[RiskView]:
    """Every ``7a`` determination of the case, in force first (by subject), then the
    superseded ones, newest first."""
    rows = restrict(
        user,
        Action.VIEW,
        PoliticalRiskDetermination.objects.filter(case=case).select_related("determined_by__user"),
    )
    order = list(RiskSubject.values)
    views = [_risk_view(row) for row in rows]
    current = sorted((v for v in views if v.in_force), key=lambda v: order.index(v.subject))
    past = sorted(
        (v for v in views if not v.in_force), key=lambda v: (v.determined_at, v.id), reverse=True
    )
    return current + past


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
        restrict(user, Action.VIEW, StatusDetermination.objects.filter(case=case))
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
        restrict(user, Action.VIEW, RefugeeReferral.objects.filter(case=case))
        .select_related("referred_by__user")
        .order_by("-referred_at", "-pk")
    )
    return [_referral_view(row) for row in rows]


@dataclass(frozen=True, slots=True)
class ConsiderationView:
    id: int
    conclusion: str
    conclusion_label: str
    reasoning: str
    considered_at: dt.datetime
    considered_by: Ref | None


@dataclass(frozen=True, slots=True)
class ActView:
    id: int
    plan_id: int
    committed_by: Ref | None
    instigated_by: Ref | None
    at: dt.datetime
    description: str
    recorded_at: dt.datetime
    recorded_by: Ref | None


@dataclass(frozen=True, slots=True)
class PlanView:
    id: int
    description: str
    group_size: int
    consideration_id: int
    risk_determination_id: int
    risk_subject: str
    risk_level: str
    recorded_at: dt.datetime
    recorded_by: Ref | None
    acts: list[ActView]


def considerations_of(user: AnyUser, case: Case) -> list[ConsiderationView]:
    """Every consideration of recruitment in place, newest first (the first stands)."""
    rows = (
        restrict(user, Action.VIEW, RecruitmentConsideration.objects.filter(case=case))
        .select_related("considered_by__user")
        .order_by("-considered_at", "-pk")
    )
    return [
        ConsiderationView(
            id=row.pk,
            conclusion=row.conclusion,
            conclusion_label=str(RecruitmentConclusion(row.conclusion).label),
            reasoning=row.reasoning,
            considered_at=row.considered_at,
            considered_by=_ref(row.considered_by),
        )
        for row in rows
    ]


def _act_view(row: InducementAct) -> ActView:
    return ActView(
        id=row.pk,
        plan_id=row.plan_id,
        committed_by=_ref(row.committed_by),
        instigated_by=_ref(row.instigated_by),
        at=row.at,
        description=row.description,
        recorded_at=row.recorded_at,
        recorded_by=_ref(row.recorded_by),
    )


def plans_of(user: AnyUser, case: Case) -> list[PlanView]:
    """The case's inducement plans, newest first, each with its acts (oldest first)."""
    plans = (
        restrict(user, Action.VIEW, InducementPlan.objects.filter(case=case))
        .select_related("recorded_by__user", "risk_determination")
        .order_by("-recorded_at", "-pk")
    )
    acts: dict[int, list[ActView]] = {}
    for act in (
        restrict(user, Action.VIEW, InducementAct.objects.filter(case=case))
        .select_related("committed_by__user", "instigated_by__user", "recorded_by__user")
        .order_by("at", "pk")
    ):
        acts.setdefault(act.plan_id, []).append(_act_view(act))
    return [
        PlanView(
            id=plan.pk,
            description=plan.description,
            group_size=plan.group_size,
            consideration_id=plan.consideration_id,
            risk_determination_id=plan.risk_determination_id,
            risk_subject=plan.risk_determination.subject,
            risk_level=plan.risk_determination.level,
            recorded_at=plan.recorded_at,
            recorded_by=_ref(plan.recorded_by),
            acts=acts.get(plan.pk, []),
        )
        for plan in plans
    ]


def act_of(user: AnyUser, case: Case, act_id: int) -> ActView:
    row = get_for(
        user,
        Action.VIEW,
        InducementAct.objects.filter(case=case).select_related(
            "committed_by__user", "instigated_by__user", "recorded_by__user"
        ),
        act_id,
        what="inducement act",
    )
    return _act_view(row)


def officials_for_acts(case: Case) -> list[Ref]:
    """The officials an inducement act may name: the post's officials and the case's
    assigned officers, active or not (an act is recorded as it happened)."""
    rows = (
        Official.objects.filter(Q(post=case.post) | Q(assigned_cases=case))
        .select_related("user")
        .distinct()
        .order_by("user__last_name", "user__first_name", "user__username")
    )
    return [Ref(row.pk, str(row)) for row in rows]


# --- the sections of the case page ------------------------------------------------------------


def political_risk_section(user: AnyUser, case: Case) -> Mapping[str, Any]:
    """What the ``7a`` section shows."""
    views = risk_determinations_of(user, case)
    return {
        "in_force": [v for v in views if v.in_force],
        "history": [v for v in views if not v.in_force],
        "may_determine": may_determine_risk(user, case) and case.stage != Stage.CLOSED,
    }


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


def inducement_section(user: AnyUser, case: Case) -> Mapping[str, Any]:
    """What the inducement section shows."""
    considerations = considerations_of(user, case)
    plans = plans_of(user, case)
    changeable = can(user, Action.CHANGE, case) and case.stage != Stage.CLOSED
    return {
        "considerations": considerations,
        "latest_consideration": considerations[0] if considerations else None,
        "plans": plans,
        "may_change": changeable,
        "max_group": max_inducement_group(),
        "readiness": inducement_readiness(case, 1),
    }
