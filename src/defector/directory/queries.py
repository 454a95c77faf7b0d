"""Directory reads for the pages and the API: lists with their filters, and single rows.

Everything goes through ``core.access.restrict``: every official (and every administrator)
may look the directory up; only administrators may manage it. The pages and the API build
the same filter (``PostFilter``, ``AgencyFilter``, ``OfficialFilter``) from their input and
get the same queryset back.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Final

from django.contrib.auth.models import User
from django.db import router
from django.db.models import Prefetch, Q, QuerySet

from defector.core import access
from defector.core.access import Action
from defector.core.prepared import Param, Prepared, instance
from defector.core.users import AnyUser
from defector.directory.access import ACTING_COLUMNS, take_acting_row
from defector.directory.choices import Role
from defector.directory.models import Agency, Compartment, Official, Post, RoleAssignment

#: The filter value that stands for officials without a post.
WASHINGTON = "WASHINGTON"


def acting_official(user: AnyUser | None) -> Official | None:
    """The official record ``user`` acts as (with agency, post and user), or ``None`` for a
    user who is no official (an administrator, an auditor, an anonymous visitor).

    The one lookup behind every action's "which official is acting". The first call after the
    user's principal was read alone (a request's own) makes the official from that read's row
    (``directory.access.take_acting_row``): one read of both; later calls read it again."""
    principal = access.principal_for(user)
    official_id = principal.official_id
    if official_id is None:
        return None
    # Read with the principal (the request's own: one read for both), the first time.
    taken = take_acting_row(user, principal)
    row: dict[str, Any] | None
    if taken is not None:
        alias, row = taken
    else:
        alias = router.db_for_read(Official)
        row = _ACTING.one(using=alias, official=official_id)
    if row is None:  # as ``get`` would: the principal names an official that is gone
        raise Official.DoesNotExist("Official matching query does not exist.")
    found: Official = instance(Official, row, "", alias)
    fields = Official._meta
    fields.get_field("agency").set_cached_value(found, instance(Agency, row, "agency__", alias))
    fields.get_field("post").set_cached_value(found, instance(Post, row, "post__", alias))
    fields.get_field("user").set_cached_value(found, instance(User, row, "user__", alias))
    return found


#: The official a user acts as, with its agency, post and user: a prepared read
#: (``core.prepared``), compiled once; the first time after the principal was read, its row
#: comes with the principal's read (``directory.access.take_acting_row``).
_ACTING: Final = Prepared(
    lambda: Official.objects.filter(pk=Param("official")).values(*ACTING_COLUMNS)
)


def can_view(user: AnyUser | None) -> bool:
    """Whether ``user`` may look the directory up (officials and administrators)."""
    principal = access.principal_for(user)
    return principal.is_official or bool(principal.roles)


def can_manage(user: AnyUser | None) -> bool:
    """Whether ``user`` may manage the directory (administrators)."""
    return access.principal_for(user).is_administrator


def shows_details(user: AnyUser | None, official: Official) -> bool:
    """Whether ``user`` may see ``official``'s clearance and compartments (need to know:
    administrators, and the official themself)."""
    principal = access.principal_for(user)
    return principal.is_administrator or principal.official_id == official.pk


# --- posts -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class PostFilter:
    """Which posts to list; an empty value does not filter."""

    kind: str = ""
    country: str = ""
    representation: bool | None = None
    active: bool | None = None
    q: str = ""


def posts(user: AnyUser | None, filters: PostFilter | None = None) -> QuerySet[Post]:
    """The posts ``user`` may see that match ``filters``, by name."""
    filters = filters or PostFilter()
    found = access.restrict(user, Action.VIEW, Post.objects.all())
    if filters.kind:
        found = found.filter(kind=filters.kind)
    if filters.country:
        found = found.filter(country__iexact=filters.country.strip())
    if filters.representation is not None:
        found = found.filter(diplomatic_representation=filters.representation)
    if filters.active is not None:
        found = found.filter(active=filters.active)
    text = filters.q.strip()
    if text:
        found = found.filter(
            Q(code__icontains=text) | Q(name__icontains=text) | Q(city__icontains=text)
        )
    return found.order_by("name")


def access_post(user: AnyUser | None, pk: Any, action: Action | str) -> Post:
    """The post ``pk`` if ``user`` may ``action`` it, else :class:`NotFound`."""
    return access.get_for(user, action, Post.objects.all(), pk, what="post")


def post(user: AnyUser | None, pk: Any) -> Post:
    return access_post(user, pk, Action.VIEW)


def post_to_manage(user: AnyUser | None, pk: Any) -> Post:
    """A post ``user`` may manage, or :class:`NotFound` (also for non-administrators)."""
    return access_post(user, pk, Action.MANAGE)


def post_choices(user: AnyUser | None, *, include_inactive: bool = False) -> list[tuple[str, str]]:
    """(code, "Name (CODE)") of the posts ``user`` may see, for pickers."""
    found = posts(user, PostFilter(active=None if include_inactive else True))
    return [(p.code, f"{p.name} ({p.code})") for p in found]


def officials_at(user: AnyUser | None, post: Post) -> QuerySet[Official]:
    """The officials serving at ``post`` or holding a role there."""
    return _officials(user).filter(Q(post=post) | Q(roles__post=post)).distinct()


# --- agencies --------------------------------------------------------------------------------


@dataclass(frozen=True)
class AgencyFilter:
    kind: str = ""
    active: bool | None = None
    q: str = ""


def agencies(user: AnyUser | None, filters: AgencyFilter | None = None) -> QuerySet[Agency]:
    filters = filters or AgencyFilter()
    found = access.restrict(user, Action.VIEW, Agency.objects.all())
    if filters.kind:
        found = found.filter(kind=filters.kind)
    if filters.active is not None:
        found = found.filter(active=filters.active)
    text = filters.q.strip()
    if text:
        found = found.filter(Q(code__icontains=text) | Q(name__icontains=text))
    return found.order_by("code")


def access_agency(user: AnyUser | None, pk: Any, action: Action | str) -> Agency:
    """The agency ``pk`` if ``user`` may ``action`` it, else :class:`NotFound`."""
    return access.get_for(user, action, Agency.objects.all(), pk, what="agency")


def agency(user: AnyUser | None, pk: Any) -> Agency:
    return access_agency(user, pk, Action.VIEW)


def agency_to_manage(user: AnyUser | None, pk: Any) -> Agency:
    return access_agency(user, pk, Action.MANAGE)


def agency_choices(
    user: AnyUser | None, *, include_inactive: bool = False
) -> list[tuple[str, str]]:
    found = agencies(user, AgencyFilter(active=None if include_inactive else True))
    return [(a.code, f"{a.code} — {a.name}") for a in found]


# --- compartments ----------------------------------------------------------------------------


def compartments(user: AnyUser | None) -> QuerySet[Compartment]:
    return access.restrict(user, Action.VIEW, Compartment.objects.all()).order_by("code")


def access_compartment(user: AnyUser | None, pk: Any, action: Action | str) -> Compartment:
    """The compartment ``pk`` if ``user`` may ``action`` it, else :class:`NotFound`."""
    return access.get_for(user, action, Compartment.objects.all(), pk, what="compartment")


def compartment_to_manage(user: AnyUser | None, pk: Any) -> Compartment:
    return access_compartment(user, pk, Action.MANAGE)


def compartment_choices(user: AnyUser | None) -> list[tuple[str, str]]:
    return [(c.code, f"{c.code} — {c.name}") for c in compartments(user)]


# --- officials -------------------------------------------------------------------------------


@dataclass(frozen=True)
class OfficialFilter:
    """Which officials to list. ``post`` is a post's code, or ``WASHINGTON`` for those
    without a post; ``role`` matches a role held anywhere."""

    post: str = ""
    agency: str = ""
    role: str = ""
    active: bool | None = None
    q: str = ""


def _officials(user: AnyUser | None) -> QuerySet[Official]:
    roles = RoleAssignment.objects.select_related("post").order_by("role", "post__code")
    return (
        access.restrict(user, Action.VIEW, Official.objects.all())
        .select_related("user", "agency", "post")
        .prefetch_related(Prefetch("roles", queryset=roles), "compartments")
    )


def officials(user: AnyUser | None, filters: OfficialFilter | None = None) -> QuerySet[Official]:
    """The officials ``user`` may see that match ``filters``, by family name."""
    filters = filters or OfficialFilter()
    found = _officials(user)
    where = filters.post.strip()
    if where.upper() == WASHINGTON:
        found = found.filter(post__isnull=True)
    elif where:
        found = found.filter(post__code__iexact=where)
    if filters.agency:
        found = found.filter(agency__code__iexact=filters.agency.strip())
    if filters.role:
        found = found.filter(roles__role=filters.role).distinct()
    if filters.active is not None:
        found = found.filter(user__is_active=filters.active)
    text = filters.q.strip()
    if text:
        found = found.filter(
            Q(user__username__icontains=text)
            | Q(user__first_name__icontains=text)
            | Q(user__last_name__icontains=text)
            | Q(user__email__icontains=text)
            | Q(title__icontains=text)
        )
    return found.order_by("user__last_name", "user__first_name", "user__username")


def access_official(user: AnyUser | None, pk: Any, action: Action | str) -> Official:
    """The official ``pk`` if ``user`` may ``action`` them, else :class:`NotFound`."""
    return access.get_for(user, action, _officials(user), pk, what="official")


def official(user: AnyUser | None, pk: Any) -> Official:
    return access_official(user, pk, Action.VIEW)


def official_to_manage(user: AnyUser | None, pk: Any) -> Official:
    return access_official(user, pk, Action.MANAGE)


def role_choices() -> list[tuple[str, str]]:
    return [(str(value), str(label)) for value, label in Role.choices]


def clearance_choices() -> list[tuple[str, str]]:
    return [(level, level) for level in access.levels()]


def me(user: User) -> dict[str, object]:
    """The signed-in user as the API's ``GET /me`` shows them: name and roles."""
    principal = access.principal_for(user)
    codes = dict(
        Post.objects.filter(pk__in=[post for post, _ in principal.post_roles]).values_list(
            "pk", "code"
        )
    )
    roles = [{"role": role, "post": None} for role in sorted(principal.roles)]
    roles += [
        {"role": role, "post": codes.get(post)} for post, role in sorted(principal.post_roles)
    ]
    return {
        "username": user.get_username(),
        "name": user.get_full_name() or user.get_username(),
        "official": principal.is_official,
        "roles": roles,
    }
