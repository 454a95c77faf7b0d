"""Who owns a case's obligations (``OBLIGATION_OWNER_ROLES``), and who of the post's committee
is told of a new case (``6e``): the post's holders of those roles, read once.

An intake reads them before its transaction (:func:`read_holders`, with their principals), so
that the transaction only decides who of them may see the new case (one query) and writes;
within ``core.known.knowing_principals`` the committee with the case's officers is kept for the
case's notices (:func:`keep_committee`), which then read nothing.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Final

from django.db import router

from defector.cases.choices import COMMITTEE_ROLES, OBLIGATION_OWNER_ROLES
from defector.cases.models import Case
from defector.cases.queries import case_row
from defector.core.access import Action, who_can
from defector.core.known import keep_decisions, keep_roster, knowing, read_principals
from defector.core.prepared import Param
from defector.core.prepared import Prepared as PreparedRead
from defector.directory.choices import Role
from defector.directory.models import Official, RoleAssignment

#: The roles :data:`_OWNER_ROLE_HOLDERS` reads: those that own obligations
#: (``OBLIGATION_OWNER_ROLES``) and the committee's, who are told of the case (``6e``).
HOLDER_ROLES: Final = frozenset(OBLIGATION_OWNER_ROLES.values()) | frozenset(COMMITTEE_ROLES)

#: The roles whose holders a new case's notices go to (with its officers): the committee and
#: the senior US representative (``6``, ``6e``; ``notifications.actions.POST_MEMBER_ROLES``).
TOLD_ROLES: Final = frozenset({*COMMITTEE_ROLES, Role.SENIOR_REPRESENTATIVE})

#: The post's active holders of :data:`HOLDER_ROLES`, each with its official and user: a
#: prepared read (``core.prepared``), compiled once.
_OWNER_ROLE_HOLDERS: Final = PreparedRead(
    lambda: (
        RoleAssignment.objects.filter(
            role__in=sorted(HOLDER_ROLES),
            post_id=Param("post"),
            official__user__is_active=True,
        )
        .order_by("pk")
        .values("role", *case_row.official_columns("official__"))
    )
)


@dataclass(frozen=True, slots=True)
class Holders:
    """The active holders of :data:`HOLDER_ROLES` at one post, as (role, official) in the order
    of their assignments, each official made once (with its user)."""

    post_id: int
    assignments: tuple[tuple[str, Official], ...]


def read_holders(post_id: int) -> Holders:
    """Read the post's :class:`Holders` and their principals (one read each; kept within
    ``core.known.knowing_principals``)."""
    alias = router.db_for_read(RoleAssignment)
    made: dict[int, Official] = {}
    assignments = []
    for row in _OWNER_ROLE_HOLDERS.rows(using=alias, post=post_id):
        holder = case_row.official(row, "official__", alias, made)
        if holder is not None:
            assignments.append((str(row["role"]), holder))
    read_principals([official.user for official in made.values()])
    return Holders(post_id, tuple(assignments))


def owners_by_role(
    case: Case, roles: Iterable[str], holders: Holders | None = None
) -> dict[str, Official | None]:
    """For each role, the post's one active official in it who may see the case (or None).
    ``holders``: the post's, read already (:func:`read_holders`), else read now. Within
    ``core.known.knowing_principals`` (an intake), the principals and decisions of the post's
    committee are kept with the owners' (one read, one decision), for the case's notices to
    recall."""
    wanted = sorted(set(roles))
    by_role: dict[str, list[Official]] = {role: [] for role in wanted}
    others: list[Official] = []
    if set(wanted) <= HOLDER_ROLES:
        if holders is None or holders.post_id != case.post_id:
            holders = read_holders(case.post_id)
        for role, holder in holders.assignments:
            if role in by_role:
                by_role[role].append(holder)
            else:
                others.append(holder)
    else:
        assignments = RoleAssignment.objects.filter(
            role__in=wanted, post=case.post, official__user__is_active=True
        ).select_related("official__user")
        for assignment in assignments:
            by_role[assignment.role].append(assignment.official)
    sole = {role: found[0] for role, found in by_role.items() if len(found) == 1}
    if not sole:
        return dict.fromkeys(wanted)
    # Within an intake (``core.known``), the committee's principals and decisions too: its
    # notices recall them.
    asked = [o.user for o in sole.values()]
    if knowing():
        asked += [o.user for found in by_role.values() if len(found) > 1 for o in found]
        asked += [o.user for o in others]
    read_principals(asked)
    seeing = who_can(asked, Action.VIEW, case)
    keep_decisions(asked, Action.VIEW, case, seeing)
    allowed = {user.pk for user in seeing}
    return {
        role: sole[role] if sole.get(role) and sole[role].user_id in allowed else None
        for role in wanted
    }


def default_owner(
    identifier: str, owners: Mapping[str, Official | None], acting: Official | None
) -> Official | None:
    """Who owns a new obligation: the post's one official in the role the obligation belongs
    to (``OBLIGATION_OWNER_ROLES``) when they may see the case; else the acting official."""
    role = OBLIGATION_OWNER_ROLES.get(identifier)
    owner = owners.get(role) if role is not None else None
    return owner if owner is not None else acting


def keep_committee(case: Case, holders: Holders, officers: Sequence[Official]) -> None:
    """Keep (``core.known.keep_roster``) the officials a new case's notices go to — the active
    holders of :data:`TOLD_ROLES` at its post and its assigned officers, each once, in the
    order of their keys, as ``notifications.actions.post_officials`` reads them — from the
    ``holders`` read before the transaction and the ``officers`` just assigned. Nothing is kept
    (the notices read them) unless every officer's user is in hand."""
    if holders.post_id != case.post_id:
        return
    chosen: dict[int, Official] = {}
    for role, official in holders.assignments:
        if role in TOLD_ROLES:
            chosen.setdefault(official.pk, official)
    for officer in officers:
        if officer.pk in chosen:
            continue
        user = Official._meta.get_field("user").get_cached_value(officer, None)
        if user is None:
            return
        if getattr(user, "is_active", False):
            chosen[officer.pk] = officer
    keep_roster(case.post_id, TOLD_ROLES, case.pk, [chosen[pk] for pk in sorted(chosen)])
