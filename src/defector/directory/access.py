"""Who may see the directory, and who a user is: the principal read from their official record.

Posts, agencies, compartments, officials and role assignments: every official may look them
up; administrators manage them.
"""

from __future__ import annotations

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
)
from defector.directory.models import Official


def principal_of(user: User) -> Principal:
    """A signed-in user's principal: their official's post, roles, clearance and compartments;
    superusers are administrators."""
    roles: set[str] = set()
    if user.is_superuser:
        roles.add("administrator")
    official = (
        Official.objects.filter(user_id=user.pk).prefetch_related("roles", "compartments").first()
    )
    if official is None:
        return Principal(user_id=user.pk, roles=frozenset(roles))
    post_roles = set()
    for assignment in official.roles.all():
        if assignment.post_id is None:
            roles.add(assignment.role)
        else:
            post_roles.add((assignment.post_id, assignment.role))
    return Principal(
        user_id=user.pk,
        official_id=official.pk,
        post_id=official.post_id,
        post_roles=frozenset(post_roles),
        roles=frozenset(roles),
        clearance_rank=rank(official.clearance),
        compartments=frozenset(c.code for c in official.compartments.all()),
    )


def directory(principal: Principal, action: Action) -> Q | None:
    """Posts, agencies, compartments and officials: every official may look them up;
    administrators manage them."""
    if action == Action.VIEW and (principal.is_official or principal.roles):
        return EVERYTHING
    if action in (Action.VIEW, Action.MANAGE, Action.CHANGE) and principal.is_administrator:
        return EVERYTHING
    return NOTHING


register_principal_source(principal_of)
for _label in (
    "directory.post",
    "directory.agency",
    "directory.compartment",
    "directory.official",
    "directory.roleassignment",
):
    register(_label, directory)
