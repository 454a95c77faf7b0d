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
    "directory.post": directory,
    "directory.agency": directory,
    "directory.compartment": directory,
    "directory.official": directory,
    "directory.roleassignment": directory,
    "core.auditevent": audit_log,
    "core.auditcheckpoint": audit_log,
}

#: Models whose rows carry compartments, and the path to them.
COMPARTMENTED: Final[dict[str, str]] = {
    "cases.case": "compartments",
    "cases.subject": "case__compartments",
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
