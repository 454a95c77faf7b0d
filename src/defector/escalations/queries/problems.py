"""The problems the user may see (``6c``), filtered; one problem; the cases and agencies a
problem may name."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from django.db.models import Q, QuerySet

from defector.cases.models import Case
from defector.core.access import Action, get_for, restrict
from defector.core.users import AnyUser
from defector.directory.models import Agency, Post
from defector.escalations.choices import ProblemStatus
from defector.escalations.models import Problem
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


#: The officials a problem's page names, each read with its user and agency in the problem's
#: own read (a query per official otherwise: the referral alone names up to four).
_OFFICIALS: Final = (
    "raised_by",
    "resolution__decided_by",
    "referral__requested_by",
    "referral__routed_by",
    "referral__idc_acknowledged_by",
    "referral__idc_decided_by",
    "urgent_submission__submitted_by",
    "urgent_submission__decided_by",
    "urgent_submission__idc_acknowledged_by",
)


def problem_detail(user: AnyUser, problem_id: int) -> Problem:
    """The problem if ``user`` may see it, with its resolution, referral and urgent submission
    and every official they name, in one read (for :func:`describe`)."""
    queryset = Problem.objects.select_related(
        "post",
        *(f"{official}__{part}" for official in _OFFICIALS for part in ("user", "agency")),
    )
    return get_for(user, Action.VIEW, queryset, problem_id, what="problem")


def cases_visible(user: AnyUser, post: Post | None = None) -> QuerySet[Case]:
    """The cases ``user`` may see (at ``post``), by cryptonym: what a problem may concern."""
    cases = restrict(user, Action.VIEW, Case.objects.select_related("post"))
    if post is not None:
        cases = cases.filter(post=post)
    return cases.order_by("cryptonym")


def active_agencies() -> QuerySet[Agency]:
    return Agency.objects.filter(active=True).order_by("code")
