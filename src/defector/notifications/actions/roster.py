"""Who is told: the officials of a post's committee (and a case's officers), and the IDC's
members, each read as prepared reads (``core.prepared``), compiled once per set of roles."""

from __future__ import annotations

import threading
from collections.abc import Sequence
from typing import Any, Final

from django.db import router
from django.db.models import Q, QuerySet

from defector.cases.models import Case
from defector.cases.queries.case_row import official, official_columns
from defector.core.known import recall_principals, roster
from defector.core.prepared import Param, Prepared
from defector.directory.choices import Role
from defector.directory.models import Official, Post, RoleAssignment

#: Who is told of a post's matters by default: its committee (``6``, ``6e``).
POST_MEMBER_ROLES: Final[tuple[str, ...]] = (
    Role.COMMITTEE_MEMBER,
    Role.COMMITTEE_CHAIR,
    Role.SENIOR_REPRESENTATIVE,
)


def _holders(roles: tuple[str, ...], assigned: bool) -> QuerySet[Any]:
    # Each side an indexed list of ids (not joins ORed, which scan every official, then
    # DISTINCT): constant in the number of officials.
    holds = Q(
        pk__in=RoleAssignment.objects.filter(post_id=Param("post"), role__in=list(roles)).values(
            "official_id"
        )
    )
    if assigned:
        holds |= Q(
            pk__in=Case.officers.through.objects.filter(case_id=Param("case")).values("official_id")
        )
    found: QuerySet[Any] = (
        Official.objects.filter(holds, user__is_active=True)
        .order_by("pk")
        .values(*official_columns(""))
    )
    return found


#: The prepared reads of :func:`post_officials`, by roles and whether a case's officers are
#: added (the roles are the code's own constants: a few reads in all).
_READS: dict[tuple[tuple[str, ...], bool], Prepared] = {}
_READS_LOCK: Final = threading.Lock()


def _read(roles: tuple[str, ...], assigned: bool) -> Prepared:
    key = (roles, assigned)
    found = _READS.get(key)
    if found is None:
        with _READS_LOCK:
            found = _READS.setdefault(key, Prepared(lambda: _holders(roles, assigned)))
    return found


#: The code's roles (``Role.values``, listed once).
_ROLES: Final = frozenset(Role.values)


def post_officials(
    post: Post, roles: Sequence[str] = POST_MEMBER_ROLES, *, assigned_to: Case | None = None
) -> list[Official]:
    """The active officials holding one of ``roles`` at ``post`` (with ``assigned_to``, a
    case: and the officers assigned to it), in one read, each with its user; with a case, as
    the action kept them when it read them before its transaction (``core.known.roster``)."""
    wanted = tuple(roles)
    if not wanted or not _ROLES.issuperset(wanted):
        # Not the code's roles: read as asked, without keeping a prepared read for them.
        return list(_officials_queryset(post, wanted, assigned_to))
    if assigned_to is not None:
        # Read already, before the action's transaction (``core.known``: an intake's).
        kept = roster(post.pk, wanted, assigned_to.pk)
        if kept is not None:
            return kept
    read = _read(wanted, assigned_to is not None)
    alias = router.db_for_read(Official)
    values: dict[str, Any] = {"post": post.pk}
    if assigned_to is not None:
        values["case"] = assigned_to.pk
    found = []
    for row in read.rows(using=alias, **values):
        made = official(row, "", alias)
        if made is not None:
            found.append(made)
    # Principals read already in this action (``core.known``: an intake's owners' read) are
    # not read again.
    recall_principals([made.user for made in found])
    return found


def _officials_queryset(
    post: Post, roles: tuple[str, ...], assigned_to: Case | None
) -> QuerySet[Official]:
    holds = Q(
        pk__in=RoleAssignment.objects.filter(post=post, role__in=list(roles)).values("official_id")
    )
    if assigned_to is not None:
        holds |= Q(
            pk__in=Case.officers.through.objects.filter(case=assigned_to).values("official_id")
        )
    return (
        Official.objects.filter(holds, user__is_active=True).select_related("user").order_by("pk")
    )


#: The active members of the IDC (Washington): a prepared read (``core.prepared``), compiled
#: once; each member once (an indexed list of ids, as :func:`_holders`: no join to de-duplicate).
_IDC_MEMBERS: Final = Prepared(
    lambda: (
        Official.objects.filter(
            pk__in=RoleAssignment.objects.filter(role=Role.IDC_MEMBER, post__isnull=True).values(
                "official_id"
            ),
            user__is_active=True,
        )
        .order_by("pk")
        .values(*official_columns(""))
    )
)


def idc_members() -> list[Official]:
    """The active members of the IDC (Washington), in the order of their keys, each with its
    user."""
    alias = router.db_for_read(Official)
    found = []
    for row in _IDC_MEMBERS.rows(using=alias):
        made = official(row, "", alias)
        if made is not None:
            found.append(made)
    recall_principals([made.user for made in found])
    return found
