"""A post's threat distribution: who receives its reports, as its committee and the IDC see it."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet

from defector.core.access import principal_for
from defector.core.users import AnyUser
from defector.directory.choices import Role
from defector.directory.models import Official, Post
from defector.dissemination.access import DISTRIBUTION_CHANGE_ROLES, DISTRIBUTION_VIEW_ROLES
from defector.dissemination.choices import Seat
from defector.dissemination.models import Distribution
from defector.dissemination.queries.common import row_id
from defector.notifications.actions import idc_members, post_officials

# --- a post's distribution --------------------------------------------------------------------


def _role_seats(distribution: Distribution | None) -> list[tuple[str, str]]:
    """The roles on the distribution, with their seats (the default: all three)."""
    seats: list[tuple[str, str]] = []
    if distribution is None or distribution.senior_representative:
        seats.append((Role.SENIOR_REPRESENTATIVE, Seat.SENIOR_REPRESENTATIVE))
    if distribution is None or distribution.committee_chair:
        seats.append((Role.COMMITTEE_CHAIR, Seat.COMMITTEE_CHAIR))
    return seats


def distribution_of(post: Post) -> list[tuple[Official, str]]:
    """Who receives the post's threat reports, each once, with the seat they hold: the named
    officials (security officer, agencies' representatives), then the senior US
    representative, the committee chair and the IDC as the distribution says. A post without
    one: its senior US representative, its committee chair and the IDC."""
    distribution = Distribution.objects.filter(post=post).first()
    chosen: dict[int, tuple[Official, str]] = {}
    if distribution is not None:
        for member in distribution.members.select_related("official__user").order_by("pk"):
            if member.official.user.is_active:
                chosen.setdefault(member.official_id, (member.official, member.seat))
    for role, seat in _role_seats(distribution):
        for official in post_officials(post, [role]):
            chosen.setdefault(official.pk, (official, seat))
    if distribution is None or distribution.idc:
        for official in idc_members():
            chosen.setdefault(official.pk, (official, Seat.IDC))
    return list(chosen.values())


def may_see_distribution(user: AnyUser, post_id: int) -> bool:
    principal = principal_for(user)
    if principal.is_administrator or principal.is_auditor or not principal.is_official:
        return False
    return post_id in principal.posts_with(*DISTRIBUTION_VIEW_ROLES) or (
        "idc_member" in principal.roles
    )


@dataclass(frozen=True, slots=True)
class RecipientView:
    official_id: int
    name: str
    station: str
    seat: str
    seat_label: str


@dataclass(frozen=True, slots=True)
class DistributionView:
    post_id: int
    post: str
    post_name: str
    configured: bool
    senior_representative: bool
    committee_chair: bool
    idc: bool
    members: list[dict[str, Any]]
    recipients: list[RecipientView]
    updated_at: dt.datetime | None
    updated_by: str
    can_change: bool


def distribution_view(user: AnyUser, post_id: int) -> DistributionView | None:
    """The post's distribution as its committee and the IDC see it; ``None`` when hidden."""
    number = row_id(post_id)
    post = Post.objects.filter(pk=number).first() if number is not None else None
    if post is None or not may_see_distribution(user, post.pk):
        return None
    distribution = Distribution.objects.filter(post=post).select_related("updated_by__user").first()
    members = (
        [
            {
                "official_id": member.official_id,
                "name": str(member.official),
                "seat": member.seat,
                "seat_label": Seat(member.seat).label,
                "label": member.label,
            }
            for member in distribution.members.select_related("official__user").order_by("pk")
        ]
        if distribution is not None
        else []
    )
    return DistributionView(
        post_id=post.pk,
        post=post.code,
        post_name=post.name,
        configured=distribution is not None,
        senior_representative=distribution is None or distribution.senior_representative,
        committee_chair=distribution is None or distribution.committee_chair,
        idc=distribution is None or distribution.idc,
        members=members,
        recipients=[
            RecipientView(o.pk, str(o), o.station, seat, str(Seat(seat).label))
            for o, seat in distribution_of(post)
        ],
        updated_at=distribution.updated_at if distribution is not None else None,
        updated_by=str(distribution.updated_by or "") if distribution is not None else "",
        can_change=post.pk in principal_for(user).posts_with(*DISTRIBUTION_CHANGE_ROLES),
    )


def distribution_candidates(post_id: int) -> QuerySet[Official]:
    """The officials a chair may name on the post's distribution: the active officials
    serving at the post."""
    return (
        Official.objects.filter(post_id=post_id, user__is_active=True)
        .select_related("user", "agency", "post")
        .order_by("user__last_name", "user__first_name", "pk")
    )
