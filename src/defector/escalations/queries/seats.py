"""Who takes part in a post's mutual problems (``6c``), and which steps the user may take."""

from __future__ import annotations

from django.db.models import QuerySet

from defector.core.access import Principal, principal_for
from defector.core.users import AnyUser
from defector.directory.choices import Role
from defector.directory.models import Official, Post
from defector.escalations.choices import (
    CIA_AGENCY_CODE,
    CIA_MEMBER_ROLES,
    MEMBER_ROLES,
    RAISING_ROLES,
)
from defector.escalations.models import Problem
from defector.policy.gates import escalations as gate


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
        .select_related("user", "agency")
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
