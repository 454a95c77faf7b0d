"""Committees (``6``) and who sits on them: lookups for other apps (no access check), the
user's seat at a committee, and the helpers every committee query shares."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Final, TypeVar

from django.db.models import Model, QuerySet
from django.utils import timezone

from defector.committees.choices import MEMBER_ROLES
from defector.committees.models import Committee
from defector.core.access import Action, Principal, get_for, principal_for, restrict
from defector.core.errors import NotFound
from defector.core.users import AnyUser
from defector.directory.choices import Role
from defector.directory.models import Official, Post, RoleAssignment

#: The largest id a row may have (a signed 64-bit key); a larger one names nothing.
MAX_ID: Final = 2**63 - 1
_M = TypeVar("_M", bound=Model)


def _get(user: AnyUser, action: Action | str, queryset: QuerySet[_M], pk: Any, what: str) -> _M:
    """``core.access.get_for``, answering :class:`NotFound` for an id no row can have."""
    if isinstance(pk, bool) or not isinstance(pk, int | str):
        raise NotFound(f"no such {what}")
    if isinstance(pk, str):
        if not pk.strip().isdigit():
            raise NotFound(f"no such {what}")
        pk = int(pk)
    if not 0 < pk <= MAX_ID:
        raise NotFound(f"no such {what}")
    return get_for(user, action, queryset, pk, what=what)


def _now(now: dt.datetime | None) -> dt.datetime:
    return now if now is not None else timezone.now()


def day_of(moment: dt.datetime) -> dt.date:
    """The calendar day of a time, in the installation's time zone (UTC by default)."""
    return timezone.localdate(moment)


def committee_for_post(post: Post | int) -> Committee | None:
    """The committee of ``post`` (a post or its id), or ``None``. No access check: a lookup for
    other apps' actions and queries, which apply their own."""
    post_id = post if isinstance(post, int) else post.pk
    return Committee.objects.select_related("post").filter(post_id=post_id).first()


@dataclass(frozen=True, slots=True)
class Member:
    """A committee member as the directory has them: their role at the post and agency."""

    official: Official
    role: str
    agency: str

    @property
    def is_chair(self) -> bool:
        return self.role == Role.COMMITTEE_CHAIR

    @property
    def role_label(self) -> str:
        return Role(self.role).label


def members_of(committee: Committee) -> list[Member]:
    """The committee's members (``6``): the active officials holding ``committee_chair`` or
    ``committee_member`` at its post, chairs first, then by agency and name. Read from the
    directory's roles; never stored twice."""
    assignments = (
        RoleAssignment.objects.filter(
            post_id=committee.post_id, role__in=MEMBER_ROLES, official__user__is_active=True
        )
        .select_related("official__user", "official__agency")
        .order_by("official__agency__code", "official__user__last_name", "official_id")
    )
    best: dict[int, Member] = {}
    for assignment in assignments:
        official = assignment.official
        held = best.get(official.pk)
        if held is None or assignment.role == Role.COMMITTEE_CHAIR:
            best[official.pk] = Member(official, assignment.role, official.agency.code)
    return sorted(best.values(), key=lambda m: (not m.is_chair, m.agency, str(m.official)))


def officials_with_role(committee: Committee, role: str) -> list[Official]:
    """The active officials holding ``role`` at the committee's post."""
    return list(
        Official.objects.filter(
            roles__post_id=committee.post_id, roles__role=role, user__is_active=True
        )
        .select_related("user", "agency")
        .distinct()
    )


def acknowledgers_of(committee: Committee) -> list[Official]:
    """Who must acknowledge the committee's procedures and guidance (``6e``): its members."""
    return [member.official for member in members_of(committee)]


def posts_without_committee() -> QuerySet[Post]:
    """Active posts with diplomatic representation and no committee (``6``): a flag."""
    return Post.objects.filter(
        active=True, diplomatic_representation=True, committee__isnull=True
    ).order_by("code")


def posts_without_committee_codes() -> list[str]:
    return list(posts_without_committee().values_list("code", flat=True))


@dataclass(frozen=True, slots=True)
class Seat:
    """What the user is at one committee: the roles they hold at its post, or the IDC."""

    roles: frozenset[str]
    idc: bool
    official_id: int | None

    @property
    def chair(self) -> bool:
        return Role.COMMITTEE_CHAIR in self.roles

    @property
    def member(self) -> bool:
        return bool(self.roles & set(MEMBER_ROLES))

    @property
    def senior(self) -> bool:
        return Role.SENIOR_REPRESENTATIVE in self.roles

    @property
    def invited_only(self) -> bool:
        return not (self.member or self.senior or self.idc)


def seat_at(user: AnyUser, committee: Committee) -> Seat:
    principal = principal_for(user)
    return seat_of(principal, committee.post_id)


def seat_of(principal: Principal, post_id: int) -> Seat:
    roles = frozenset(role for post, role in principal.post_roles if post == post_id)
    return Seat(roles, Role.IDC_MEMBER in principal.roles, principal.official_id)


def is_idc(user: AnyUser) -> bool:
    principal = principal_for(user)
    return (
        Role.IDC_MEMBER in principal.roles
        and not principal.is_administrator
        and not principal.is_auditor
    )


def committees_for(user: AnyUser) -> QuerySet[Committee]:
    """The committees ``user`` may see: their posts' (members, chair, senior representative),
    those with a meeting they are invited to, or every one (the IDC)."""
    return restrict(user, Action.VIEW, Committee.objects.select_related("post")).order_by(
        "post__name"
    )


def access_committee(user: AnyUser, committee_id: Any, action: Action | str) -> Committee:
    return _get(
        user,
        action,
        Committee.objects.select_related("post"),
        committee_id,
        "committee",
    )


def officials_at_post(committee: Committee) -> list[Official]:
    return list(
        Official.objects.filter(post_id=committee.post_id, user__is_active=True)
        .select_related("user")
        .order_by("user__last_name", "user__first_name")
    )


def official_ids(officials: Iterable[Official]) -> set[int]:
    return {official.pk for official in officials}
