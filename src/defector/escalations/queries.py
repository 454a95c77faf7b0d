"""Reads of the escalations app for display, with access control applied (``core.access``).

The problem list of the page and of the API are one query with one set of filters
(:class:`ProblemFilters`); a problem's page and ``GET /problems/{id}`` share :func:`describe`,
which also says which steps of ``6c`` the user may take now. The committees' agenda reads
:func:`open_problems_for_post`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Final

from django.db.models import Q, QuerySet
from django.utils import timezone

from defector.cases.models import Case
from defector.core.access import Action, Principal, get_for, principal_for, restrict
from defector.core.users import AnyUser
from defector.directory.choices import Role
from defector.directory.models import Agency, Official, Post
from defector.escalations.choices import (
    CIA_AGENCY_CODE,
    CIA_MEMBER_ROLES,
    MEMBER_ROLES,
    RAISING_ROLES,
    ProblemStatus,
)
from defector.escalations.models import DirectCommunication, Problem
from defector.policy.gates import escalations as gate

#: The longest text filter accepted on titles.
MAX_QUERY_LENGTH: Final = 100


@dataclass(frozen=True, slots=True)
class ProblemFilters:
    """The filters of the problem list, shared by the page and the API."""

    post: int | None = None
    status: str = ""
    #: Only problems still open at the post.
    open: bool = False
    #: Only problems waiting for the IDC (to acknowledge or decide).
    idc_waiting: bool = False
    #: Text the title contains (case-insensitive).
    q: str = ""


def problems_for(user: AnyUser, filters: ProblemFilters | None = None) -> QuerySet[Problem]:
    """The problems ``user`` may see, soonest due first, narrowed by ``filters``."""
    filters = filters or ProblemFilters()
    problems = restrict(
        user,
        Action.VIEW,
        Problem.objects.select_related("post", "raised_by__user", "referral", "urgent_submission"),
    )
    if filters.post is not None:
        problems = problems.filter(post_id=filters.post)
    if filters.status:
        problems = problems.filter(status=filters.status)
    if filters.open:
        problems = problems.filter(status__in=sorted(gate.OPEN_STATUSES))
    if filters.idc_waiting:
        problems = problems.filter(
            Q(status=ProblemStatus.REFERRED, referral__idc_decided_at__isnull=True)
            | Q(
                status=ProblemStatus.DECIDED_BY_SENIOR_REP,
                urgent_submission__idc_acknowledged_at__isnull=True,
            )
        )
    text = filters.q.strip()[:MAX_QUERY_LENGTH]
    if text:
        problems = problems.filter(title__icontains=text)
    return problems.order_by("due_date", "raised_at", "pk")


def open_problems_for_post(user: AnyUser, post: Post | int) -> QuerySet[Problem]:
    """The problems of ``post`` still open there that ``user`` may see, soonest due first
    (the committee's agenda draws on these, ``6a``, ``6c``)."""
    post_id = post.pk if isinstance(post, Post) else post
    return problems_for(user, ProblemFilters(post=post_id, open=True))


def posts_with_problems(user: AnyUser) -> QuerySet[Post]:
    """The posts of the problems ``user`` may see (the list filter's choices)."""
    return Post.objects.filter(pk__in=problems_for(user).values("post_id")).order_by("name")


def access_problem(user: AnyUser, problem_id: int | str, action: Action | str) -> Problem:
    """The problem if ``user`` may ``action`` it, else ``NotFound`` (denied as missing)."""
    queryset = Problem.objects.select_related(
        "post",
        "raised_by__user",
        "raised_by__agency",
    )
    return get_for(user, action, queryset, problem_id, what="problem")


def problem_detail(user: AnyUser, problem_id: int) -> Problem:
    return access_problem(user, problem_id, Action.VIEW)


# --- who takes part ----------------------------------------------------------------------------


def posts_for_raising(user: AnyUser) -> QuerySet[Post]:
    """The active posts where ``user`` may raise a problem: where they sit on the committee or
    are invited to it (``6``, ``6c``)."""
    principal = principal_for(user)
    if principal.is_administrator or principal.is_auditor:
        return Post.objects.none()
    return Post.objects.filter(pk__in=sorted(principal.posts_with(*RAISING_ROLES)), active=True)


def can_raise_problems(user: AnyUser) -> bool:
    return posts_for_raising(user).exists()


def is_member(principal: Principal, post_id: int) -> bool:
    """A member of the post's committee: member, chair or senior US representative."""
    return post_id in principal.posts_with(*MEMBER_ROLES)


def is_participant(principal: Principal, problem: Problem) -> bool:
    """A member, or the invited representative of the post who raised the problem."""
    if is_member(principal, problem.post_id):
        return True
    return (
        problem.post_id in principal.posts_with(Role.INVITED_REPRESENTATIVE)
        and problem.raised_by_id == principal.official_id
    )


def is_senior_representative(principal: Principal, post_id: int) -> bool:
    return post_id in principal.posts_with(Role.SENIOR_REPRESENTATIVE)


def is_idc(principal: Principal) -> bool:
    return Role.IDC_MEMBER in principal.roles


def cia_members(post: Post | int) -> QuerySet[Official]:
    """The post's committee members from the CIA, through whom referrals go (``6c``)."""
    post_id = post.pk if isinstance(post, Post) else post
    return (
        Official.objects.filter(
            roles__post_id=post_id,
            roles__role__in=list(CIA_MEMBER_ROLES),
            agency__code__iexact=CIA_AGENCY_CODE,
            user__is_active=True,
        )
        .select_related("user", "agency")
        .distinct()
        .order_by("pk")
    )


def senior_representatives(post: Post | int) -> QuerySet[Official]:
    """The post's senior US representative(s), who decide when time does not permit referral."""
    post_id = post.pk if isinstance(post, Post) else post
    return (
        Official.objects.filter(
            roles__post_id=post_id,
            roles__role=Role.SENIOR_REPRESENTATIVE,
            user__is_active=True,
        )
        .select_related("user")
        .distinct()
        .order_by("pk")
    )


def may_take(user: AnyUser, problem: Problem, step: str) -> bool:
    """Whether ``user`` holds the seat that takes ``step`` on this problem (``gate.ACTORS``);
    the status is checked separately (:func:`gate.decide`)."""
    principal = principal_for(user)
    actor = gate.ACTORS[step]
    if actor == "member":
        return is_member(principal, problem.post_id)
    if actor == "participant":
        return is_participant(principal, problem)
    if actor == "cia_member":
        return (
            principal.official_id is not None
            and cia_members(problem.post_id).filter(pk=principal.official_id).exists()
        )
    if actor == "senior_representative":
        return is_senior_representative(principal, problem.post_id)
    if actor == "idc":
        return is_idc(principal)
    return False


def steps_for(user: AnyUser, problem: Problem) -> list[str]:
    """The steps of ``6c`` that ``user`` may take on ``problem`` now."""
    available = []
    for step in gate.steps_from(problem.status):
        if not may_take(user, problem, step):
            continue
        if step == gate.IDC_ACKNOWLEDGE:
            referral = getattr(problem, "referral", None)
            if referral is None or referral.idc_acknowledged_at is not None:
                continue
        if step == gate.IDC_ACKNOWLEDGE_INFORMATION:
            submission = getattr(problem, "urgent_submission", None)
            if submission is None or submission.idc_acknowledged_at is not None:
                continue
        available.append(step)
    return available


def cases_visible(user: AnyUser, post: Post | None = None) -> QuerySet[Case]:
    """The cases ``user`` may see (at ``post``), by cryptonym: what a problem may concern."""
    cases = restrict(user, Action.VIEW, Case.objects.select_related("post"))
    if post is not None:
        cases = cases.filter(post=post)
    return cases.order_by("cryptonym")


def active_agencies() -> QuerySet[Agency]:
    return Agency.objects.filter(active=True).order_by("code")


# --- one problem as the page and the API show it -------------------------------------------


@dataclass(frozen=True, slots=True)
class OfficialRef:
    id: int
    name: str
    agency: str


@dataclass(frozen=True, slots=True)
class ResolutionView:
    text: str
    decided_by: OfficialRef
    decided_at: dt.datetime


@dataclass(frozen=True, slots=True)
class CommunicationView:
    id: int
    member: OfficialRef
    agency: str
    at: dt.datetime
    summary: str


@dataclass(frozen=True, slots=True)
class ReferralView:
    requested_by: OfficialRef
    requested_at: dt.datetime
    summary: str
    decision_due: dt.date
    routed_by: OfficialRef | None
    transmitted_at: dt.datetime | None
    channel_reference: str
    idc_acknowledged_by: OfficialRef | None
    idc_acknowledged_at: dt.datetime | None
    idc_decision: str
    idc_decided_by: OfficialRef | None
    idc_decided_at: dt.datetime | None
    idc_overdue: bool
    communications: list[CommunicationView]


@dataclass(frozen=True, slots=True)
class UrgentView:
    submitted_by: OfficialRef
    submitted_at: dt.datetime
    reason: str
    decision: str
    decided_by: OfficialRef | None
    decided_at: dt.datetime | None
    idc_informed_at: dt.datetime | None
    idc_acknowledged_by: OfficialRef | None
    idc_acknowledged_at: dt.datetime | None


@dataclass(frozen=True, slots=True)
class ProblemView:
    """A problem as its page and ``GET /problems/{id}`` show it."""

    id: int
    post: Post
    title: str
    description: str
    raised_by: OfficialRef
    raised_at: dt.datetime
    due_date: dt.date
    overdue: bool
    status: str
    status_label: str
    idc_status: str
    idc_status_label: str
    idc_visible_from: dt.datetime | None
    closed_at: dt.datetime | None
    #: The cryptonyms of the cases it concerns.
    cases: list[str]
    #: The codes of the agencies involved.
    agencies: list[str]
    resolution: ResolutionView | None
    referral: ReferralView | None
    urgent: UrgentView | None
    #: The post's CIA members (who transmit referrals) and senior US representatives.
    cia_members: list[OfficialRef]
    senior_representatives: list[OfficialRef]
    #: The steps of ``6c`` the user may take now.
    steps: list[str] = field(default_factory=list)

    @property
    def is_open(self) -> bool:
        return gate.is_open(self.status)


def _ref(official: Official) -> OfficialRef:
    return OfficialRef(id=official.pk, name=str(official), agency=official.agency.code)


def ref(official: Official | None) -> OfficialRef | None:
    return _ref(official) if official is not None else None


def idc_status_of(problem: Problem) -> str:
    referral = getattr(problem, "referral", None)
    submission = getattr(problem, "urgent_submission", None)
    return gate.idc_status(
        problem.status,
        referral_acknowledged=referral is not None and referral.idc_acknowledged_at is not None,
        information_acknowledged=(
            submission is not None and submission.idc_acknowledged_at is not None
        ),
    )


def describe(user: AnyUser, problem: Problem) -> ProblemView:
    """The view of a problem (from :func:`problem_detail`) for ``user``."""
    today = timezone.localdate()
    resolution = getattr(problem, "resolution", None)
    referral = getattr(problem, "referral", None)
    submission = getattr(problem, "urgent_submission", None)
    referral_view = None
    if referral is not None:
        notes = DirectCommunication.objects.filter(referral=referral).select_related(
            "member__user", "member__agency", "agency"
        )
        referral_view = ReferralView(
            requested_by=_ref(referral.requested_by),
            requested_at=referral.requested_at,
            summary=referral.summary,
            decision_due=referral.decision_due,
            routed_by=ref(referral.routed_by),
            transmitted_at=referral.transmitted_at,
            channel_reference=referral.channel_reference,
            idc_acknowledged_by=ref(referral.idc_acknowledged_by),
            idc_acknowledged_at=referral.idc_acknowledged_at,
            idc_decision=referral.idc_decision,
            idc_decided_by=ref(referral.idc_decided_by),
            idc_decided_at=referral.idc_decided_at,
            idc_overdue=(
                problem.status == ProblemStatus.REFERRED and referral.decision_due < today
            ),
            communications=[
                CommunicationView(
                    id=note.pk,
                    member=_ref(note.member),
                    agency=note.agency.code,
                    at=note.at,
                    summary=note.summary,
                )
                for note in notes
            ],
        )
    idc = idc_status_of(problem)
    return ProblemView(
        id=problem.pk,
        post=problem.post,
        title=problem.title,
        description=problem.description,
        raised_by=_ref(problem.raised_by),
        raised_at=problem.raised_at,
        due_date=problem.due_date,
        overdue=gate.is_overdue(problem.status, problem.due_date, today),
        status=problem.status,
        status_label=ProblemStatus(problem.status).label,
        idc_status=idc,
        idc_status_label=gate.IDC_STATUSES[idc],
        idc_visible_from=problem.idc_visible_from,
        closed_at=problem.closed_at,
        cases=list(problem.cases.order_by("cryptonym").values_list("cryptonym", flat=True)),
        agencies=list(problem.agencies.order_by("code").values_list("code", flat=True)),
        resolution=(
            ResolutionView(
                text=resolution.text,
                decided_by=_ref(resolution.decided_by),
                decided_at=resolution.decided_at,
            )
            if resolution is not None
            else None
        ),
        referral=referral_view,
        urgent=(
            UrgentView(
                submitted_by=_ref(submission.submitted_by),
                submitted_at=submission.submitted_at,
                reason=submission.reason,
                decision=submission.decision,
                decided_by=ref(submission.decided_by),
                decided_at=submission.decided_at,
                idc_informed_at=submission.idc_informed_at,
                idc_acknowledged_by=ref(submission.idc_acknowledged_by),
                idc_acknowledged_at=submission.idc_acknowledged_at,
            )
            if submission is not None
            else None
        ),
        cia_members=[_ref(official) for official in cia_members(problem.post_id)],
        senior_representatives=[
            _ref(official) for official in senior_representatives(problem.post_id)
        ],
        steps=steps_for(user, problem),
    )


@dataclass(frozen=True, slots=True)
class ProblemRow:
    """A problem in a list, with where it stands on both sides: the post's and the IDC's."""

    problem: Problem
    overdue: bool
    idc_status: str
    idc_status_label: str
    idc_overdue: bool

    @property
    def id(self) -> int:
        return self.problem.pk

    @property
    def post(self) -> Post:
        return self.problem.post

    @property
    def title(self) -> str:
        return self.problem.title

    @property
    def status(self) -> str:
        return self.problem.status

    @property
    def status_label(self) -> str:
        return ProblemStatus(self.problem.status).label

    @property
    def raised_at(self) -> dt.datetime:
        return self.problem.raised_at

    @property
    def due_date(self) -> dt.date:
        return self.problem.due_date

    @property
    def idc_decision_due(self) -> dt.date | None:
        referral = getattr(self.problem, "referral", None)
        return referral.decision_due if referral is not None else None


def rows(problems: QuerySet[Problem] | list[Problem]) -> list[ProblemRow]:
    """List rows for problems (from :func:`problems_for`)."""
    today = timezone.localdate()
    out = []
    for problem in problems:
        idc = idc_status_of(problem)
        referral = getattr(problem, "referral", None)
        out.append(
            ProblemRow(
                problem=problem,
                overdue=gate.is_overdue(problem.status, problem.due_date, today),
                idc_status=idc,
                idc_status_label=gate.IDC_STATUSES[idc],
                idc_overdue=(
                    referral is not None
                    and problem.status == ProblemStatus.REFERRED
                    and referral.decision_due < today
                ),
            )
        )
    return out
