"""Who may see threat reports and their distribution (``6b(3)(a)``).

A report is case content: whoever sees its case sees it (``cases.access.case_content``), and
so does every official it was delivered to, cleared for the case's sensitivity and its
compartments (the post's security officer need not sit on the committee). Only its recipients
act on it (``CHANGE``: acknowledge). A post's distribution is seen by its committee, its
senior US representative and the IDC, and kept by its committee chair. Administrators and
auditors see none of it.
"""

from __future__ import annotations

from typing import Final

from django.db.models import Q

from defector.cases.access import case_content
from defector.core.access import NOTHING, Action, Principal, Rule, any_of, levels_up_to, register

#: Who sees a post's distribution, and who keeps it.
DISTRIBUTION_VIEW_ROLES: Final = ("committee_member", "committee_chair", "senior_representative")
DISTRIBUTION_CHANGE_ROLES: Final = ("committee_chair",)


def threat_report(prefix: str = "") -> Rule:
    """The rule of a report (``prefix`` ``""``) or of its records (``"report__"``)."""
    of_case = case_content(f"{prefix}case__")

    def rule(principal: Principal, action: Action) -> Q | None:
        if principal.is_administrator or principal.is_auditor or not principal.is_official:
            return NOTHING
        if action not in (Action.VIEW, Action.CHANGE):
            return NOTHING
        cleared = Q(**{f"{prefix}case__sensitivity__in": levels_up_to(principal.clearance_rank)})
        recipient = Q(**{f"{prefix}deliveries__recipient_id": principal.official_id}) & cleared
        if action == Action.CHANGE:
            return recipient
        return any_of(
            [grant for grant in (of_case(principal, action), recipient) if grant is not None]
        )

    return rule


def distribution(prefix: str = "") -> Rule:
    """The rule of a post's distribution (``prefix`` ``""``) or of its members
    (``"distribution__"``)."""

    def rule(principal: Principal, action: Action) -> Q | None:
        if principal.is_administrator or principal.is_auditor or not principal.is_official:
            return NOTHING
        if action == Action.VIEW:
            if "idc_member" in principal.roles:
                return Q()
            posts = principal.posts_with(*DISTRIBUTION_VIEW_ROLES)
        elif action == Action.CHANGE:
            posts = principal.posts_with(*DISTRIBUTION_CHANGE_ROLES)
        else:
            return NOTHING
        return Q(**{f"{prefix}post_id__in": sorted(posts)}) if posts else NOTHING

    return rule


register("dissemination.threatreport", threat_report(), compartments="case__compartments")
register(
    "dissemination.delivery",
    threat_report("report__"),
    compartments="report__case__compartments",
)
register(
    "dissemination.ladderstep",
    threat_report("report__"),
    compartments="report__case__compartments",
)
register("dissemination.distribution", distribution())
register("dissemination.distributionmember", distribution("distribution__"))
