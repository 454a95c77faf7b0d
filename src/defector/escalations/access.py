"""Who may see and act on mutual problems (``6c``) and their records."""

from __future__ import annotations

from typing import Final

from django.db.models import Q

from defector.core.access import NOTHING, Action, Principal, Rule, levels, register

#: Who sees a post's mutual problems (``6c``) and takes the committee's steps on them.
PROBLEM_POST_ROLES: Final = ("committee_member", "committee_chair", "senior_representative")


def mutual_problem(prefix: str = "") -> Rule:
    """The rule for mutual problems (``6c``) and their records; ``prefix`` is the path from the
    model to its problem (``""`` for the problem, ``"problem__"`` for a referral).

    Seen and acted on by the post's committee members, chair and senior US representative; by
    the invited representative who raised it; and by the IDC once it is referred to them or
    they are informed of a senior representative's decision. Only by those cleared for every
    case it concerns (its sensitivity, and every compartment: ``COMPARTMENTED``).
    Administrators and auditors see none.
    """

    def rule(principal: Principal, action: Action) -> Q | None:
        if principal.is_administrator or principal.is_auditor or not principal.is_official:
            return NOTHING
        if action not in (Action.VIEW, Action.CHANGE):
            return NOTHING
        grants: list[Q] = []
        posts = principal.posts_with(*PROBLEM_POST_ROLES)
        if posts:
            grants.append(Q(**{f"{prefix}post_id__in": sorted(posts)}))
        invited = principal.posts_with("invited_representative")
        if invited:
            grants.append(
                Q(
                    **{
                        f"{prefix}raised_by_id": principal.official_id,
                        f"{prefix}post_id__in": sorted(invited),
                    }
                )
            )
        if "idc_member" in principal.roles:
            grants.append(Q(**{f"{prefix}idc_visible_from__isnull": False}))
        if not grants:
            return NOTHING
        who = grants[0]
        for grant in grants[1:]:
            who |= grant
        above = levels()[principal.clearance_rank + 1 :]
        if above:
            who &= ~Q(**{f"{prefix}cases__sensitivity__in": above})
        return who

    return rule


register("escalations.problem", mutual_problem(), compartments="cases__compartments")
register(
    "escalations.resolution",
    mutual_problem("problem__"),
    compartments="problem__cases__compartments",
)
register(
    "escalations.referral", mutual_problem("problem__"), compartments="problem__cases__compartments"
)
register(
    "escalations.directcommunication",
    mutual_problem("referral__problem__"),
    compartments="referral__problem__cases__compartments",
)
register(
    "escalations.urgentsubmission",
    mutual_problem("problem__"),
    compartments="problem__cases__compartments",
)
