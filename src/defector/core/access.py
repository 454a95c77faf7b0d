"""Need-to-know access control: one table of rules, applied in one place.

``restrict(user, action, queryset)`` narrows a queryset to the rows ``user`` may act on;
``get_for(user, action, queryset, pk)`` fetches one or raises :class:`NotFound` — a denied object
answers exactly like a missing one, so its existence does not leak. Every query and action
goes through these; a model without a rule is denied to everyone (default deny).

The rules (``RULES``) are keyed by model label and written as database filters, so a list
and a single object are decided by the same expression. For case content they combine:

- who: the case's post's committee (members and chair), its senior US representative, its
  assigned case officers, invited representatives for what they are invited to, and in
  Washington the IDC and the DCI's delegate (``6``, ``6d``, ``7``);
- clearance at or above the case's sensitivity level, and every one of its compartments;
- a forbid that beats every permit: administrators and auditors see no case content.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, Final, TypeVar

from django.conf import settings
from django.contrib.auth.models import AnonymousUser, User
from django.db import models
from django.db.models import Q, QuerySet

from defector.core.errors import NotFound

DEFAULT_LEVELS: Final = ("UNCLASSIFIED", "CONFIDENTIAL", "SECRET", "TOP SECRET")


class Action(StrEnum):
    VIEW = "view"
    CHANGE = "change"
    REVEAL = "reveal"
    MANAGE = "manage"
    EXPORT = "export"


def levels() -> tuple[str, ...]:
    """The ordered sensitivity levels, lowest first (``DEFECTOR_SENSITIVITY_LEVELS``)."""
    return tuple(getattr(settings, "DEFECTOR_SENSITIVITY_LEVELS", DEFAULT_LEVELS))


def rank(level: str) -> int:
    """A level's position; -1 for an unknown level (which clears nothing)."""
    try:
        return levels().index(level)
    except ValueError:
        return -1


def levels_up_to(level_rank: int) -> tuple[str, ...]:
    return levels()[: level_rank + 1] if level_rank >= 0 else ()


@dataclass(frozen=True)
class Principal:
    """What access control needs to know about a user, read once per request."""

    user_id: int | None = None
    official_id: int | None = None
    post_id: int | None = None
    #: (post id, role) for roles held at a post.
    post_roles: frozenset[tuple[int, str]] = field(default_factory=frozenset)
    #: Roles held in Washington or system-wide.
    roles: frozenset[str] = field(default_factory=frozenset)
    clearance_rank: int = -1
    compartments: frozenset[str] = field(default_factory=frozenset)

    @property
    def is_official(self) -> bool:
        return self.official_id is not None

    @property
    def is_administrator(self) -> bool:
        return "administrator" in self.roles

    @property
    def is_auditor(self) -> bool:
        return "auditor" in self.roles

    def posts_with(self, *roles: str) -> set[int]:
        return {post for post, role in self.post_roles if role in roles}

    def has_role(self, role: str) -> bool:
        return role in self.roles or any(held == role for _, held in self.post_roles)


ANONYMOUS: Final = Principal()


def principal_for(user: User | AnonymousUser | None) -> Principal:
    """The user's principal, cached on the user object for the rest of the request."""
    if user is None or not user.is_authenticated or not user.is_active:
        return ANONYMOUS
    cached: Principal | None = getattr(user, "_defector_principal", None)
    if cached is not None:
        return cached
    from defector.directory.models import Official

    roles: set[str] = set()
    if user.is_superuser:
        roles.add("administrator")
    official = (
        Official.objects.filter(user_id=user.pk).prefetch_related("roles", "compartments").first()
    )
    if official is None:
        principal = Principal(user_id=user.pk, roles=frozenset(roles))
    else:
        post_roles = set()
        for assignment in official.roles.all():
            if assignment.post_id is None:
                roles.add(assignment.role)
            else:
                post_roles.add((assignment.post_id, assignment.role))
        principal = Principal(
            user_id=user.pk,
            official_id=official.pk,
            post_id=official.post_id,
            post_roles=frozenset(post_roles),
            roles=frozenset(roles),
            clearance_rank=rank(official.clearance),
            compartments=frozenset(c.code for c in official.compartments.all()),
        )
    user._defector_principal = principal  # type: ignore[attr-defined]
    return principal


def forget_principal(user: User | AnonymousUser) -> None:
    """Drop the cached principal (after the user's roles change)."""
    if hasattr(user, "_defector_principal"):
        delattr(user, "_defector_principal")


# --- the rules ------------------------------------------------------------------------------

Rule = Callable[[Principal, Action], Q | None]
NOTHING: Final = None  # a rule's answer for "no rows"
EVERYTHING: Final = Q()

#: Who may do what with case content, at the case's post (post roles) or anywhere (others).
CASE_POST_ROLES: Final[dict[Action, tuple[str, ...]]] = {
    Action.VIEW: ("committee_member", "committee_chair", "senior_representative"),
    Action.CHANGE: ("committee_member", "committee_chair", "senior_representative"),
    Action.REVEAL: ("committee_chair", "senior_representative"),
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
                            f"{prefix}officers": principal.official_id,
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
                            f"{prefix}invited": principal.official_id,
                            f"{prefix}post_id__in": sorted(invited_posts),
                        }
                    )
                )
        if not grants:
            return NOTHING
        who = grants[0]
        for grant in grants[1:]:
            who |= grant
        return who & cleared

    return rule


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


def own_notices(field: str) -> Rule:
    """An official's own notices and visit marker (``6e``): theirs alone (``field`` names the
    official). Administrators and auditors get none: notices speak of case matters."""

    def rule(principal: Principal, action: Action) -> Q | None:
        if principal.is_administrator or principal.is_auditor or not principal.is_official:
            return NOTHING
        if action in (Action.VIEW, Action.CHANGE):
            return Q(**{field: principal.official_id})
        return NOTHING

    return rule


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


def directory(principal: Principal, action: Action) -> Q | None:
    """Posts, agencies, compartments and officials: every official may look them up;
    administrators manage them."""
    if action == Action.VIEW and (principal.is_official or principal.roles):
        return EVERYTHING
    if action in (Action.VIEW, Action.MANAGE, Action.CHANGE) and principal.is_administrator:
        return EVERYTHING
    return NOTHING


def audit_log(principal: Principal, action: Action) -> Q | None:
    """The audit log: auditors read and export it; nobody changes it."""
    if principal.is_auditor and action in (Action.VIEW, Action.EXPORT):
        return EVERYTHING
    return NOTHING


#: The one table of access rules, by model label. A model not listed is denied to everyone.
RULES: Final[dict[str, Rule]] = {
    "cases.case": case_content(),
    "cases.subject": case_content("case__"),
    # A case's assessments, obligations, timeline and notes: exactly the case's own rule.
    "cases.assessment": case_content("case__"),
    "cases.obligation": case_content("case__"),
    "cases.timelineentry": case_content("case__"),
    "cases.casenote": case_content("case__"),
    # Bona fides, the voluntary statement and tasks (6b(3)(b)-(d)): the case's own rule.
    "cases.bonafidescheck": case_content("case__"),
    "cases.bonafidesverdict": case_content("case__"),
    "cases.voluntarystatement": case_content("case__"),
    "cases.casetask": case_content("case__"),
    # The determinations (7a, 6b(2), 2f, 5a(1), 2b): exactly the case's own rule.
    "cases.politicalriskdetermination": case_content("case__"),
    "cases.statusdetermination": case_content("case__"),
    "cases.agencyposition": case_content("determination__case__"),
    "cases.refugeereferral": case_content("case__"),
    "cases.recruitmentconsideration": case_content("case__"),
    "cases.inducementplan": case_content("case__"),
    "cases.inducementact": case_content("case__"),
    "directory.post": directory,
    "directory.agency": directory,
    "directory.compartment": directory,
    "directory.official": directory,
    "directory.roleassignment": directory,
    "core.auditevent": audit_log,
    "core.auditcheckpoint": audit_log,
    "committees.committee": committee_content(
        "post_id", invited_path="meetings__invitations__official"
    ),
    "committees.meeting": committee_content(
        "committee__post_id", invited_path="invitations__official"
    ),
    "committees.meetinginvitation": committee_content(
        "meeting__committee__post_id", invited_path="meeting__invitations__official"
    ),
    "committees.agendaitem": committee_content(
        "meeting__committee__post_id",
        invited_path="meeting__invitations__official",
        case_path="case",
    ),
    "committees.attendance": committee_content(
        "meeting__committee__post_id", invited_path="meeting__invitations__official"
    ),
    # The IDC receives minutes once forwarded; invited representatives read approved ones.
    "committees.minutes": committee_content(
        "meeting__committee__post_id",
        invited_path="meeting__invitations__official",
        washington=Q(forwarded_at__isnull=False),
        invited=Q(approved_at__isnull=False),
    ),
    "committees.proceduresversion": committee_content("committee__post_id"),
    "committees.acknowledgement": committee_content("committee__post_id"),
    "committees.guidancedocument": committee_content("committee__post_id"),
    "committees.guidanceversion": committee_content("document__committee__post_id"),
    "committees.briefedofficial": committee_content("committee__post_id"),
    "committees.briefing": committee_content("person__committee__post_id"),
    "escalations.problem": mutual_problem(),
    "escalations.resolution": mutual_problem("problem__"),
    "escalations.referral": mutual_problem("problem__"),
    "escalations.directcommunication": mutual_problem("referral__problem__"),
    "escalations.urgentsubmission": mutual_problem("problem__"),
    "notifications.notice": own_notices("recipient_id"),
    "notifications.lastvisit": own_notices("official_id"),
}

#: Models whose rows carry compartments, and the path to them.
COMPARTMENTED: Final[dict[str, str]] = {
    "cases.case": "compartments",
    "cases.subject": "case__compartments",
    "cases.assessment": "case__compartments",
    "cases.obligation": "case__compartments",
    "cases.timelineentry": "case__compartments",
    "cases.casenote": "case__compartments",
    "cases.bonafidescheck": "case__compartments",
    "cases.bonafidesverdict": "case__compartments",
    "cases.voluntarystatement": "case__compartments",
    "cases.casetask": "case__compartments",
    "cases.politicalriskdetermination": "case__compartments",
    "cases.statusdetermination": "case__compartments",
    "cases.agencyposition": "determination__case__compartments",
    "cases.refugeereferral": "case__compartments",
    "cases.recruitmentconsideration": "case__compartments",
    "cases.inducementplan": "case__compartments",
    "cases.inducementact": "case__compartments",
    "committees.agendaitem": "case__compartments",
    "escalations.problem": "cases__compartments",
    "escalations.resolution": "problem__cases__compartments",
    "escalations.referral": "problem__cases__compartments",
    "escalations.directcommunication": "referral__problem__cases__compartments",
    "escalations.urgentsubmission": "problem__cases__compartments",
}

_M = TypeVar("_M", bound=models.Model)


def restrict(
    user: User | AnonymousUser | None, action: Action | str, queryset: QuerySet[_M]
) -> QuerySet[_M]:
    """The rows of ``queryset`` that ``user`` may ``action``; none when no rule allows."""
    label = queryset.model._meta.label_lower
    rule = RULES.get(label)
    if rule is None:
        return queryset.none()
    principal = principal_for(user)
    condition = rule(principal, Action(action))
    if condition is None:
        return queryset.none()
    restricted = queryset.filter(condition)
    path = COMPARTMENTED.get(label)
    if path is not None:
        from defector.directory.models import Compartment

        not_held = Compartment.objects.exclude(code__in=sorted(principal.compartments))
        restricted = restricted.exclude(**{f"{path}__in": not_held})
    if condition != EVERYTHING or path is not None:
        restricted = restricted.distinct()
    return restricted


def get_for(
    user: User | AnonymousUser | None,
    action: Action | str,
    queryset: QuerySet[_M],
    pk: Any,
    *,
    what: str | None = None,
) -> _M:
    """One row that ``user`` may ``action``, or :class:`NotFound` (also when it is denied)."""
    found = restrict(user, action, queryset).filter(pk=pk).first()
    if found is None:
        raise NotFound(f"no such {what or queryset.model._meta.verbose_name}")
    return found


def can(user: User | AnonymousUser | None, action: Action | str, obj: models.Model) -> bool:
    """Whether ``user`` may ``action`` this object (the same rule as ``restrict``)."""
    manager = type(obj)._default_manager
    return restrict(user, action, manager.filter(pk=obj.pk)).exists()
