"""Who may see the directory, and who a user is: the principal read from their official record.

Posts, agencies, compartments, officials and role assignments: every official may look them
up; administrators manage them.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from typing import Any, Final

from django.contrib.auth.models import User
from django.db import router
from django.db.models import Q, QuerySet

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
from defector.core.prepared import Param, Prepared, columns
from defector.directory.models import Agency, Official, Post

#: What a principal is read from: an official's row, with one row for each of its roles and
#: compartments (outer joins: nulls where it has none).
_COLUMNS: Final = (
    "pk",
    "user_id",
    "post_id",
    "clearance",
    "roles__role",
    "roles__post_id",
    "compartments__code",
)
#: The users of one prepared read of principals (``core.prepared``): a list of users is asked
#: in the smallest of these that holds it (its last repeated: ``IN`` is a set). One user is
#: every request's own; more, the officials a case's obligations and notices go to.
USER_BUCKETS: Final = (1, 2, 4, 8, 16, 32, 64)


def _principals_read(size: int) -> QuerySet[Any]:
    rows: QuerySet[Any] = (
        Official.objects.filter(user__id__in=[Param(f"u{i}") for i in range(size)])
        .order_by()
        .values(*_COLUMNS)
    )
    return rows


#: The principals' reads, by number of users.
_PRINCIPALS: Final[dict[int, Prepared]] = {
    size: Prepared(functools.partial(_principals_read, size)) for size in USER_BUCKETS
}

#: The columns of the official a user acts as, with its agency, post and user: what
#: ``directory.queries.acting_official`` makes it from (:data:`ACTING_COLUMNS`, read there).
ACTING_COLUMNS: Final = (
    *columns(Official),
    *columns(Agency, "agency__"),
    *columns(Post, "post__"),
    *columns(User, "user__"),
)
#: :data:`_COLUMNS` as one user's read names them (the official's own columns by their names).
_ONE_COLUMNS: Final = ("id", "user_id", "post_id", "clearance", *_COLUMNS[4:])

#: One user's principal with the official it acts as (its agency, post and user): a prepared
#: read (``core.prepared``), compiled once. Each row is :data:`_COLUMNS`'s, with the
#: official's columns besides; a request's own principal is read so, and its official made
#: from the first row (:func:`take_acting_row`), not read again.
_ONE_PRINCIPAL: Final = Prepared(
    lambda: (
        Official.objects.filter(user__id=Param("u0"))
        .order_by()
        .values(*ACTING_COLUMNS, *_COLUMNS[4:])
    )
)
#: Where one user's read leaves its official's row on the user object: (the principal it was
#: read with, the database, the row).
_ACTING_ROW: Final = "_defector_acting_row"


def _official_rows(users: dict[int, User]) -> list[tuple[Any, ...]]:
    """The rows (:data:`_COLUMNS`) of the officials of ``users`` (by id), from the prepared
    read of their number (the ORM's past the largest); for one user, with its official's
    row (:data:`_ONE_PRINCIPAL`), left on the user object for :func:`take_acting_row`."""
    user_ids = sorted(users)
    if len(user_ids) == 1:
        alias = router.db_for_read(Official)
        found = _ONE_PRINCIPAL.rows(using=alias, u0=user_ids[0])
        users[user_ids[0]].__dict__.pop(_ACTING_ROW, None)
        if found:
            users[user_ids[0]].__dict__[_ACTING_ROW] = (None, alias, found[0])
        return [tuple(row[name] for name in _ONE_COLUMNS) for row in found]
    size = next((size for size in USER_BUCKETS if size >= len(user_ids)), None)
    if size is None:
        return list(Official.objects.filter(user_id__in=user_ids).order_by().values_list(*_COLUMNS))
    padded = user_ids + [user_ids[-1]] * (size - len(user_ids))
    values: dict[str, Any] = {f"u{i}": pk for i, pk in enumerate(padded)}
    return [tuple(row[name] for name in _COLUMNS) for row in _PRINCIPALS[size].rows(**values)]


def take_acting_row(user: Any, principal: Principal) -> tuple[str, dict[str, Any]] | None:
    """The database and row (:data:`ACTING_COLUMNS`) of the official ``user`` acts as, as
    read with ``principal`` (the request's own principal: one user's read), or ``None``;
    given once: a later call reads the official again, as before. ``principal`` must be the
    one cached on ``user`` now (a principal forgotten and read again in a batch has none)."""
    kept = user.__dict__.pop(_ACTING_ROW, None) if user is not None else None
    if kept is None or kept[0] is not principal:
        return None
    alias, row = kept[1], kept[2]
    if row["id"] != principal.official_id:
        return None
    return alias, row


def acting_row(user: Any, principal: Principal) -> dict[str, Any] | None:
    """The row :func:`take_acting_row` would give now (:data:`ACTING_COLUMNS`), left in place
    for it: for a read of the request that comes before its action's, which then takes the
    row as before (``cases.queries.default_post_id``: whether the official's post is
    active)."""
    kept = user.__dict__.get(_ACTING_ROW) if user is not None else None
    if kept is None or kept[0] is not principal or kept[2]["id"] != principal.official_id:
        return None
    row: dict[str, Any] = kept[2]
    return row


def principals_of(users: Sequence[User]) -> dict[int, Principal]:
    """Signed-in users' principals, by user id, in one query whatever their number (a prepared
    read up to 64 users, ``core.prepared``): each official's post, roles, clearance and
    compartments; superusers are administrators. One user's read (a request's own principal)
    carries the official it acts as too, given once to ``directory.queries.acting_official``
    (:func:`take_acting_row`)."""
    by_user = {user.pk: user for user in users}
    rows = _official_rows(by_user) if by_user else []
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
    for user_id, user in by_user.items():
        kept = user.__dict__.get(_ACTING_ROW)
        if kept is not None and kept[0] is None:  # read just now: tied to its principal
            user.__dict__[_ACTING_ROW] = (principals[user_id], *kept[1:])
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
