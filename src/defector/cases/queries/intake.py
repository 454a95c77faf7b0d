"""What a user may open a case with: the posts, sensitivities and compartments (6b(1))."""

from __future__ import annotations

from django.db.models import QuerySet

from defector.cases.choices import DEFAULT_SENSITIVITY, OPENING_ROLES
from defector.core.access import Principal, levels_up_to, principal_for
from defector.core.users import AnyUser
from defector.directory.access import acting_row
from defector.directory.models import Compartment, Post


def may_open_at(principal: Principal) -> set[int]:
    """The posts where this principal may open cases (``6b(1)``): where they hold one of
    :data:`~defector.cases.choices.OPENING_ROLES`."""
    return principal.posts_with(*OPENING_ROLES)


def posts_for_intake(user: AnyUser) -> QuerySet[Post]:
    """The active posts where ``user`` may open cases (``6b(1)``)."""
    return Post.objects.filter(pk__in=sorted(may_open_at(principal_for(user))), active=True)


def can_open_cases(user: AnyUser) -> bool:
    return posts_for_intake(user).exists()


def sensitivities_for(user: AnyUser) -> tuple[str, ...]:
    """The sensitivity levels ``user`` may give a case: up to their clearance."""
    return levels_up_to(principal_for(user).clearance_rank)


def compartments_held(user: AnyUser) -> QuerySet[Compartment]:
    """The compartments ``user`` is read into (the only ones they may give a case)."""
    return Compartment.objects.filter(code__in=sorted(principal_for(user).compartments))


def default_post(user: AnyUser) -> Post | None:
    """The post an intake defaults to: the user's own post if they may open cases there,
    else the only post where they may."""
    principal = principal_for(user)
    posts = list(posts_for_intake(user))
    for post in posts:
        if post.pk == principal.post_id:
            return post
    return posts[0] if len(posts) == 1 else None


def default_post_id(user: AnyUser) -> int | None:
    """:func:`default_post`'s key, for an intake that names no post (the API's walk-in), read
    only when it is not the user's own post: most intakes are at the user's own post, and
    whether it is active came with the official's row read with the principal, which is left
    for the action (``directory.access.acting_row``: ``open_case`` takes it, and the post with
    it, as when the post is named), so that the request reads the post once, not twice."""
    principal = principal_for(user)
    own = principal.post_id
    if own is not None and own in may_open_at(principal):
        row = acting_row(user, principal)
        if row is not None and row["post__id"] == own and row["post__active"]:
            return own
    post = default_post(user)
    return post.pk if post is not None else None


def default_sensitivity(user: AnyUser) -> str:
    """``SECRET`` (:data:`~defector.cases.choices.DEFAULT_SENSITIVITY`), or the user's
    clearance when that is lower; empty when they hold none."""
    allowed = sensitivities_for(user)
    if not allowed:
        return ""
    return DEFAULT_SENSITIVITY if DEFAULT_SENSITIVITY in allowed else allowed[-1]
