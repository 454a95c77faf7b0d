"""Who may see and work on a committee's content (``6``, ``6a``, ``6b``, ``7b``, ``7c``)."""

from __future__ import annotations

from typing import Final

from django.db.models import Q

from defector.cases.access import case_content
from defector.core.access import EVERYTHING, NOTHING, Action, Principal, Rule, register

#: Who may see and work on a committee's content at its post (``6``, ``7``); the IDC sees
#: every committee's (``6a``). Actions check the finer roles (chair, senior representative).
COMMITTEE_POST_ROLES: Final[dict[Action, tuple[str, ...]]] = {
    Action.VIEW: ("committee_member", "committee_chair", "senior_representative"),
    Action.CHANGE: ("committee_member", "committee_chair", "senior_representative"),
}
COMMITTEE_WASHINGTON_ROLES: Final[dict[Action, tuple[str, ...]]] = {
    Action.VIEW: ("idc_member",),
    Action.CHANGE: (),
}


def committee_content(
    post_path: str,
    *,
    invited_path: str | None = None,
    washington: Q | None = None,
    invited: Q | None = None,
    case_path: str | None = None,
) -> Rule:
    """The rule for a committee's content (``6``, ``6a``, ``6b``, ``7b``, ``7c``).

    ``post_path`` leads from the model to its committee's post id. ``invited_path``, for a
    meeting's content, leads to the meeting's invited officials: invited representatives see
    only the meetings they are invited to (and ``invited`` narrows further what they see of
    them). ``washington`` narrows what the IDC sees (forwarded minutes only, say). With
    ``case_path``, a row that names a case is seen only by those who may see the case.
    Administrators and auditors see none of it, whatever else they hold.
    """

    def rule(principal: Principal, action: Action) -> Q | None:
        if principal.is_administrator or principal.is_auditor or not principal.is_official:
            return NOTHING
        if action not in COMMITTEE_POST_ROLES:
            return NOTHING
        grants: list[Q] = []
        if any(role in principal.roles for role in COMMITTEE_WASHINGTON_ROLES[action]):
            grants.append(washington if washington is not None else EVERYTHING)
        posts = principal.posts_with(*COMMITTEE_POST_ROLES[action])
        if posts:
            grants.append(Q(**{f"{post_path}__in": sorted(posts)}))
        invited_posts = principal.posts_with("invited_representative")
        if invited_path is not None and action == Action.VIEW and invited_posts:
            grant = Q(
                **{invited_path: principal.official_id, f"{post_path}__in": sorted(invited_posts)}
            )
            grants.append(grant & invited if invited is not None else grant)
        if not grants:
            return NOTHING
        who = grants[0]
        for grant in grants[1:]:
            who |= grant
        if case_path is not None:
            sees_case = case_content(f"{case_path}__")(principal, Action.VIEW)
            no_case = Q(**{f"{case_path}__isnull": True})
            who &= no_case | sees_case if sees_case is not None else no_case
        return who

    return rule


register(
    "committees.committee",
    committee_content("post_id", invited_path="meetings__invitations__official"),
)
register(
    "committees.meeting",
    committee_content("committee__post_id", invited_path="invitations__official"),
)
register(
    "committees.meetinginvitation",
    committee_content("meeting__committee__post_id", invited_path="meeting__invitations__official"),
)
register(
    "committees.agendaitem",
    committee_content(
        "meeting__committee__post_id",
        invited_path="meeting__invitations__official",
        case_path="case",
    ),
    compartments="case__compartments",
)
register(
    "committees.attendance",
    committee_content("meeting__committee__post_id", invited_path="meeting__invitations__official"),
)
# The IDC receives minutes once forwarded; invited representatives read approved ones.
register(
    "committees.minutes",
    committee_content(
        "meeting__committee__post_id",
        invited_path="meeting__invitations__official",
        washington=Q(forwarded_at__isnull=False),
        invited=Q(approved_at__isnull=False),
    ),
)
register("committees.proceduresversion", committee_content("committee__post_id"))
register("committees.acknowledgement", committee_content("committee__post_id"))
register("committees.guidancedocument", committee_content("committee__post_id"))
register("committees.guidanceversion", committee_content("document__committee__post_id"))
register("committees.briefedofficial", committee_content("committee__post_id"))
register("committees.briefing", committee_content("person__committee__post_id"))
