"""Who may see and work on case content (``6``, ``6d``, ``7``).

The case's post's committee (members and chair), its senior US representative, its assigned
case officers, invited representatives for the cases they are invited to, and in Washington
the IDC and the DCI's delegate; only those cleared at or above the case's sensitivity level
and for every one of its compartments. Administrators and auditors see no case content: a
forbid that beats every permit. A case's subject, assessments, obligations, timeline, notes,
bona fides, statement, tasks and determinations follow exactly the case's own rule.
"""

from __future__ import annotations

from typing import Any, Final

from django.db.models import Model, Q, QuerySet

from defector.cases.models import Case
from defector.core.access import NOTHING, Action, Principal, Rule, any_of, levels_up_to, register

#: Who may do what with case content, at the case's post (post roles) or anywhere (others).
CASE_POST_ROLES: Final[dict[Action, tuple[str, ...]]] = {
    Action.VIEW: ("committee_member", "committee_chair", "senior_representative"),
    Action.CHANGE: ("committee_member", "committee_chair", "senior_representative"),
    # The chair and the assigned officers, who handle the person (6b(1), 6b(3)); the senior
    # US representative decides on political risk (7a) without the person's identity.
    Action.REVEAL: ("committee_chair",),
}
CASE_WASHINGTON_ROLES: Final[dict[Action, tuple[str, ...]]] = {
    Action.VIEW: ("idc_member", "dci_delegate"),
    Action.CHANGE: (),
    Action.REVEAL: (),
}
#: Assigned case officers may view, change and reveal their own cases.
CASE_ASSIGNED_ACTIONS: Final = frozenset({Action.VIEW, Action.CHANGE, Action.REVEAL})
#: Invited representatives may view the cases they are invited to.
CASE_INVITED_ACTIONS: Final = frozenset({Action.VIEW})


def _cases_of(through: type[Model], principal: Principal) -> QuerySet[Any, Any]:
    """The ids of the cases a link table (assigned officers, invited representatives) ties to
    the principal: a subquery, so that a case's list is not joined to its links (no row twice,
    nothing to de-duplicate)."""
    return through._default_manager.filter(official_id=principal.official_id).values("case_id")


def case_content(prefix: str = "") -> Rule:
    """The rule for case content; ``prefix`` is the path from the model to its case
    (``""`` for the case itself, ``"case__"`` for a subject)."""

    def rule(principal: Principal, action: Action) -> Q | None:
        if principal.is_administrator or principal.is_auditor or not principal.is_official:
            return NOTHING  # forbid beats permit
        if action not in CASE_POST_ROLES:
            return NOTHING
        cleared = Q(**{f"{prefix}sensitivity__in": levels_up_to(principal.clearance_rank)})
        if any(role in principal.roles for role in CASE_WASHINGTON_ROLES[action]):
            return cleared  # Washington sees every post's cases it is cleared for
        grants: list[Q] = []
        posts = principal.posts_with(*CASE_POST_ROLES[action])
        if posts:
            grants.append(Q(**{f"{prefix}post_id__in": sorted(posts)}))
        if action in CASE_ASSIGNED_ACTIONS:
            officer_posts = principal.posts_with("case_officer")
            if officer_posts:
                grants.append(
                    Q(
                        **{
                            f"{prefix}pk__in": _cases_of(Case.officers.through, principal),
                            f"{prefix}post_id__in": sorted(officer_posts),
                        }
                    )
                )
        if action in CASE_INVITED_ACTIONS:
            invited_posts = principal.posts_with("invited_representative")
            if invited_posts:
                grants.append(
                    Q(
                        **{
                            f"{prefix}pk__in": _cases_of(Case.invited.through, principal),
                            f"{prefix}post_id__in": sorted(invited_posts),
                        }
                    )
                )
        who = any_of(grants)
        return who & cleared if who is not None else NOTHING

    return rule


#: Every model of the app: the path to its case, and to the case's compartments.
CASE_CONTENT: Final[dict[str, tuple[str, str]]] = {
    "cases.case": ("", "compartments"),
    "cases.subject": ("case__", "case__compartments"),
    "cases.assessment": ("case__", "case__compartments"),
    "cases.obligation": ("case__", "case__compartments"),
    "cases.timelineentry": ("case__", "case__compartments"),
    "cases.casenote": ("case__", "case__compartments"),
    "cases.bonafidescheck": ("case__", "case__compartments"),
    "cases.bonafidesverdict": ("case__", "case__compartments"),
    "cases.voluntarystatement": ("case__", "case__compartments"),
    "cases.casetask": ("case__", "case__compartments"),
    "cases.politicalriskdetermination": ("case__", "case__compartments"),
    "cases.statusdetermination": ("case__", "case__compartments"),
    "cases.agencyposition": ("determination__case__", "determination__case__compartments"),
    "cases.refugeereferral": ("case__", "case__compartments"),
    "cases.recruitmentconsideration": ("case__", "case__compartments"),
    "cases.inducementplan": ("case__", "case__compartments"),
    "cases.inducementact": ("case__", "case__compartments"),
}
for _label, (_case, _compartments) in CASE_CONTENT.items():
    register(_label, case_content(_case), compartments=_compartments)
