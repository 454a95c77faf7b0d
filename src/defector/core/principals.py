"""Who a user is, as access control sees them (:class:`Principal`), the actions it decides
(:class:`Action`) and the sensitivity levels: read once per request by the registered
principal source (the directory's: the user's official record, roles, clearance and
compartments); without one a user is only themselves, an administrator when a superuser.
``core.access`` applies the rules to them and re-exports these names.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Final

from django.conf import settings
from django.contrib.auth.models import AnonymousUser, User

from defector.core.users import AnyUser

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


def user_only(user: User) -> Principal:
    """A principal from the user alone: superusers are administrators."""
    return Principal(
        user_id=user.pk, roles=frozenset({"administrator"} if user.is_superuser else ())
    )


def _users_only(users: Sequence[User]) -> dict[int, Principal]:
    return {user.pk: user_only(user) for user in users}


#: Signed-in, active users in; their principals out, by user id, read in one batch.
PrincipalSource = Callable[[Sequence[User]], dict[int, Principal]]
#: The one principal source: ``[source]``, replaced by :func:`register_principal_source`.
_PRINCIPAL_SOURCE: Final[list[PrincipalSource]] = [_users_only]


def register_principal_source(source: PrincipalSource) -> None:
    """Read principals with ``source`` (signed-in, active users in, their principals out by
    user id; a user it leaves out is only themselves)."""
    _PRINCIPAL_SOURCE[:] = [source]


def _signed_in(user: AnyUser | None) -> User | None:
    if user is None or isinstance(user, AnonymousUser):
        return None
    if not user.is_authenticated or not user.is_active:
        return None
    return user


def principals_for(users: Iterable[AnyUser | None]) -> list[Principal]:
    """Each user's principal, in order; those not yet known are read in one batch and cached
    on their user objects for the rest of the request."""
    users = list(users)
    unknown: dict[int, User] = {}
    for user in users:
        found = _signed_in(user)
        if found is not None and getattr(found, "_defector_principal", None) is None:
            unknown.setdefault(found.pk, found)
    if unknown:
        read = _PRINCIPAL_SOURCE[0](list(unknown.values()))
        for user in users:
            found = _signed_in(user)
            if found is not None and found.pk in unknown:
                principal = read.get(found.pk) or user_only(found)
                found._defector_principal = principal  # type: ignore[attr-defined]
    return [principal_for(user) for user in users]


def principal_for(user: AnyUser | None) -> Principal:
    """The user's principal, cached on the user object for the rest of the request."""
    found = _signed_in(user)
    if found is None:
        return ANONYMOUS
    cached: Principal | None = getattr(found, "_defector_principal", None)
    if cached is not None:
        return cached
    principal = _PRINCIPAL_SOURCE[0]([found]).get(found.pk) or user_only(found)
    found._defector_principal = principal  # type: ignore[attr-defined]
    return principal


def forget_principal(user: AnyUser) -> None:
    """Drop the cached principal (after the user's roles change)."""
    if hasattr(user, "_defector_principal"):
        delattr(user, "_defector_principal")
