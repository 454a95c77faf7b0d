"""Who may see the directory, and who a user is: the principal read from their official record.

Posts, agencies, compartments, officials and role assignments: every official may look them
up; administrators manage them.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.contrib.auth.models import User
from django.db.models import Q

from defector.core.access import (
    EVERYTHING,
    NOTHING,
    Action,
    Principal,
    rank,
    register,
    register_principal_source,
    user_only,
)
from defector.directory.models import Official


def principals_of(users: Sequence[User]) -> dict[int, Principal]:
    """Signed-in users' principals, by user id, in one query whatever their number: each
    official's post, roles, clearance and compartments; superusers are administrators."""
    by_user = {user.pk: user for user in users}
    rows = (
        Official.objects.filter(user_id__in=sorted(by_user))
        .order_by()
        .values_list(
            "pk",
            "user_id",
            "post_id",
            "clearance",
            "roles__role",
            "roles__post_id",
            "compartments__code",
        )
    )
    found: dict[int, dict[str, Any]] = {}
    for row in rows:
        official_id, user_id, post_id, clearance = row[0], row[1], row[2], row[3]
        # An official without roles or compartments comes with nulls there (outer joins).
        role: str | None = row[4]
        role_post: int | None = row[5]
        compartment: str | None = row[6]
        held = found.setdefault(
            user_id,
            {
                "official": (official_id, post_id, clearance),
                "roles": set(),
                "posts": set(),
                "compartments": set(),
            },
        )
        if role is not None and role_post is None:
            held["roles"].add(role)
        elif role is not None:
            held["posts"].add((role_post, role))
        if compartment is not None:
            held["compartments"].add(compartment)
    principals = {pk: user_only(user) for pk, user in by_user.items()}
    for user_id, held in found.items():
        official_id, post_id, clearance = held["official"]
        roles = held["roles"] | ({"administrator"} if by_user[user_id].is_superuser else set())
        principals[user_id] = Principal(
            user_id=user_id,
            official_id=official_id,
            post_id=post_id,
            post_roles=frozenset(held["posts"]),
            roles=frozenset(roles),
            clearance_rank=rank(clearance),
            compartments=frozenset(held["compartments"]),
        )
    return principals


def directory(principal: Principal, action: Action) -> Q | None:
    """Posts, agencies, compartments and officials: every official may look them up;
    administrators manage them."""
    if action == Action.VIEW and (principal.is_official or principal.roles):
        return EVERYTHING
    if action in (Action.VIEW, Action.MANAGE, Action.CHANGE) and principal.is_administrator:
        return EVERYTHING
    return NOTHING


register_principal_source(principals_of)
for _label in (
    "directory.post",
    "directory.agency",
    "directory.compartment",
    "directory.official",
    "directory.roleassignment",
):
    register(_label, directory)
