"""Creating and changing officials, their compartments and their roles."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any, Final

from django.contrib.auth import get_user_model, password_validation
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction

from defector.accounts.actions import end_all_sessions
from defector.core import access, audit, names
from defector.core import actions as core_actions
from defector.core.actions import username_problems
from defector.core.errors import NotFound
from defector.core.users import AnyUser
from defector.directory.actions.common import (
    OPERATOR,
    WASHINGTON,
    Check,
    RoleSpec,
    managed,
    only_fields,
    record,
    require_administrator,
)
from defector.directory.choices import Role
from defector.directory.models import Agency, Official, Post, RoleAssignment

OFFICIAL_FIELDS: Final = (
    "first_name",
    "last_name",
    "email",
    "title",
    "agency",
    "post",
    "clearance",
    "compartments",
)
USER_FIELDS: Final = ("first_name", "last_name", "email")


def official_state(official: Official) -> dict[str, Any]:
    """What an audit record keeps of an official: the row, the account, and the codes."""
    user = official.user
    return {
        **audit.snapshot(official),
        "username": user.get_username(),
        "first_name": user.first_name,
        "last_name": user.last_name,
        "email": user.email,
        "active": user.is_active,
        "agency_code": official.agency.code,
        "post_code": official.post.code if official.post is not None else None,
        "compartments": sorted(c.code for c in official.compartments.all()),
    }


def role_state(assignment: RoleAssignment) -> dict[str, Any]:
    return {
        **audit.snapshot(assignment),
        "username": assignment.official.user.get_username(),
        "post_code": assignment.post.code if assignment.post is not None else None,
    }


def _official_values(
    check: Check, values: Mapping[str, Any], instance: Official | None
) -> dict[str, Any]:
    user_model = get_user_model()
    first_name = check.text(values, "first_name", user_model, required=False)
    last_name = check.text(values, "last_name", user_model, required=False)
    for field, name in (("first_name", first_name), ("last_name", last_name)):
        if names.name_problem(name):
            check.add(field, names.name_problem(name))
    email = check.text(values, "email", user_model, required=False)
    if email:
        try:
            validate_email(email)
        except ValidationError:
            check.add("email", "is not an e-mail address")
    title = check.text(values, "title", Official, required=False)
    agency = check.reference(
        values.get("agency"),
        "agency",
        Agency,
        current=instance.agency if instance is not None else None,
    )
    post_code = values.get("post")
    post: Post | None = None
    if post_code is not None and str(post_code).strip().upper() not in ("", WASHINGTON):
        post = check.reference(
            post_code, "post", Post, current=instance.post if instance is not None else None
        )
    return {
        "first_name": first_name,
        "last_name": last_name,
        "email": email,
        "title": title,
        "agency": agency,
        "post": post,
        "clearance": check.clearance(values),
        "compartments": check.compartments(values.get("compartments") or []),
    }


def _role_values(
    check: Check, roles: Iterable[RoleSpec], name: str = "roles"
) -> list[tuple[str, Post | None]]:
    found: list[tuple[str, Post | None]] = []
    seen: set[tuple[str, str]] = set()
    for role, post_code in roles:
        value = check.role(role, post_code, name)
        key = (value[0], value[1].code if value[1] is not None else "")
        if key in seen:
            check.add(name, f"{role} is given twice")
        seen.add(key)
        found.append(value)
    return found


def _forget(acting_user: AnyUser | None, official: Official) -> None:
    """Roles changed: drop cached principals, so the next check reads them afresh."""
    access.forget_principal(official.user)
    if acting_user is not None and acting_user.pk == official.user_id:
        access.forget_principal(acting_user)


def _grant(
    acting_user: AnyUser | None, official: Official, role: str, post: Post | None, reason: str = ""
) -> RoleAssignment:
    assignment = RoleAssignment.objects.create(official=official, role=role, post=post)
    record(
        acting_user, "directory.role.grant", assignment, after=role_state(assignment), reason=reason
    )
    return assignment


@transaction.atomic
def create_official(
    *,
    acting_user: AnyUser | None,
    username: str,
    agency: str,
    clearance: str,
    post: str | None = None,
    first_name: str = "",
    last_name: str = "",
    email: str = "",
    title: str = "",
    compartments: Sequence[str] = (),
    roles: Sequence[RoleSpec] = (),
    password: str | None = None,
    link_existing: bool = False,
    reason: str = "",
) -> Official:
    """Put an official in the directory, with a new account (or an existing one).

    ``post`` is a post's code, or ``None`` for Washington. ``roles`` are (role, post code)
    pairs; a post role needs a post, the others none. Without a ``password`` the account
    has none that works until ``defector changepassword USERNAME`` sets one. With
    ``link_existing`` an existing account that is not yet an official is used instead.
    """
    require_administrator(acting_user)
    check = Check()
    user_model = get_user_model()
    username = username.strip() if isinstance(username, str) else ""
    existing: User | None = None
    if not username:
        check.add("username", "is required")
    else:
        existing = user_model.objects.filter(username__iexact=username).first()
        if existing is not None and not link_existing:
            check.add("username", "is already taken")
        elif existing is not None and Official.objects.filter(user=existing).exists():
            check.add("username", f"{existing.get_username()} is already in the directory")
        elif existing is None:
            try:
                user_model._meta.get_field("username").run_validators(username)
            except ValidationError as exc:
                check.errors.extend({"field": "username", "message": m} for m in exc.messages)
            else:
                check.errors.extend(username_problems(username))
    values = _official_values(
        check,
        {
            "first_name": first_name,
            "last_name": last_name,
            "email": email,
            "title": title,
            "agency": agency,
            "post": post,
            "clearance": clearance,
            "compartments": list(compartments),
        },
        None,
    )
    if password is not None and existing is None and username:
        candidate = user_model(
            username=username, first_name=first_name, last_name=last_name, email=email
        )
        try:
            password_validation.validate_password(password, candidate)
        except ValidationError as exc:
            check.errors.extend({"field": "password", "message": m} for m in exc.messages)
    granted = _role_values(check, roles)
    check.raise_if_any()

    if existing is None:
        user = core_actions.create_user(
            acting_user=acting_user if isinstance(acting_user, User) else None,
            username=username,
            password=password,
            email=values["email"],
            first_name=values["first_name"],
            last_name=values["last_name"],
        )
    else:
        user = existing
        for name in USER_FIELDS:
            if values[name]:
                setattr(user, name, values[name])
        user.save(update_fields=list(USER_FIELDS))
    official = Official.objects.create(
        user=user,
        agency=values["agency"],
        post=values["post"],
        title=values["title"],
        clearance=values["clearance"],
    )
    official.compartments.set(values["compartments"])
    record(
        acting_user,
        "directory.official.create",
        official,
        after=official_state(official),
        reason=reason,
    )
    for role, role_post in granted:
        _grant(acting_user, official, role, role_post, reason)
    _forget(acting_user, official)
    return official


def _official_for_change(acting_user: AnyUser | None, official_id: int) -> Official:
    queryset = Official.objects.select_related("user", "agency", "post")
    return managed(acting_user, queryset, official_id, "official")


@transaction.atomic
def update_official(
    *, acting_user: AnyUser | None, official_id: int, changes: Mapping[str, Any]
) -> Official:
    """Change an official's names, e-mail, title, agency, post, clearance or compartments.

    ``post`` is a post's code, or ``None`` (or empty) for Washington.
    """
    official = _official_for_change(acting_user, official_id)
    check = Check()
    only_fields(changes, OFFICIAL_FIELDS, check)
    user = official.user
    current: dict[str, Any] = {
        "first_name": user.first_name,
        "last_name": user.last_name,
        "email": user.email,
        "title": official.title,
        "agency": official.agency.code,
        "post": official.post.code if official.post is not None else None,
        "clearance": official.clearance,
        "compartments": [c.code for c in official.compartments.all()],
    }
    values = _official_values(check, {**current, **changes}, official)
    check.raise_if_any()

    before = official_state(official)
    user_changed = [name for name in USER_FIELDS if getattr(user, name) != values[name]]
    for name in user_changed:
        setattr(user, name, values[name])
    if user_changed:
        user.save(update_fields=user_changed)
    own_changed = [
        name
        for name in ("title", "agency", "post", "clearance")
        if getattr(official, name) != values[name]
    ]
    for name in own_changed:
        setattr(official, name, values[name])
    if own_changed:
        official.save(update_fields=own_changed)
    if {c.pk for c in values["compartments"]} != {c.pk for c in official.compartments.all()}:
        official.compartments.set(values["compartments"])
    after = official_state(official)
    if after != before:
        record(acting_user, "directory.official.update", official, before=before, after=after)
        _forget(acting_user, official)
    return official


@transaction.atomic
def set_compartments(
    *, acting_user: AnyUser | None, official_id: int, compartments: Sequence[str]
) -> Official:
    """Read an official into exactly these compartments (codes), and out of every other."""
    official = _official_for_change(acting_user, official_id)
    check = Check()
    chosen = check.compartments(list(compartments))
    check.raise_if_any()
    before = official_state(official)
    if {c.pk for c in chosen} == {c.pk for c in official.compartments.all()}:
        return official
    official.compartments.set(chosen)
    record(
        acting_user,
        "directory.official.set_compartments",
        official,
        before=before,
        after=official_state(official),
    )
    _forget(acting_user, official)
    return official


@transaction.atomic
def grant_role(
    *, acting_user: AnyUser | None, official_id: int, role: str, post: str | None = None
) -> RoleAssignment:
    """Give an official a role: a post role at the post whose code is ``post``, or another
    role with no post (``6``, ``7``)."""
    official = _official_for_change(acting_user, official_id)
    check = Check()
    if not official.user.is_active:
        check.add("official", "is deactivated; reactivate the official first")
    value, at = check.role(role, post)
    if not check.errors and official.roles.filter(role=value, post=at).exists():
        where = f" at {at.code}" if at is not None else ""
        check.add("role", f"{official} already holds {Role(value).label}{where}")
    check.raise_if_any()
    assignment = _grant(acting_user, official, value, at)
    _forget(acting_user, official)
    return assignment


@transaction.atomic
def revoke_role(*, acting_user: AnyUser | None, official_id: int, role_id: int) -> RoleAssignment:
    """Take a role away from an official. Administrators cannot take their own away."""
    official = _official_for_change(acting_user, official_id)
    assignment = (
        RoleAssignment.objects.select_related("post", "official__user")
        .filter(pk=role_id, official=official)
        .first()
    )
    if assignment is None:
        raise NotFound("no such role of this official")
    check = Check()
    if (
        acting_user is not None
        and acting_user.pk == official.user_id
        and assignment.role == Role.ADMINISTRATOR
    ):
        check.add(
            "role", "you cannot revoke your own administrator role; ask another administrator"
        )
    check.raise_if_any()
    before = role_state(assignment)
    assignment_id = assignment.pk
    assignment.delete()
    audit.record(
        actor=acting_user,
        action="directory.role.revoke",
        object_type=RoleAssignment._meta.label_lower,
        object_id=assignment_id,
        before=before,
        after=None,
        reason=OPERATOR if acting_user is None else "",
    )
    _forget(acting_user, official)
    return assignment


@transaction.atomic
def deactivate_official(
    *, acting_user: AnyUser | None, official_id: int, reason: str = ""
) -> Official:
    """Stop an official from signing in (their account's ``is_active``); the record stays."""
    official = _official_for_change(acting_user, official_id)
    check = Check()
    if acting_user is not None and acting_user.pk == official.user_id:
        check.add("official", "you cannot deactivate yourself")
    check.raise_if_any()
    official = _set_active(acting_user, official, False, "directory.official.deactivate", reason)
    # Every session of the account ends now, not at its next request.
    end_all_sessions(official.user, acting_user=acting_user, reason="account deactivated")
    return official


@transaction.atomic
def reactivate_official(
    *, acting_user: AnyUser | None, official_id: int, reason: str = ""
) -> Official:
    """Let a deactivated official sign in again."""
    official = _official_for_change(acting_user, official_id)
    return _set_active(acting_user, official, True, "directory.official.reactivate", reason)


def _set_active(
    acting_user: AnyUser | None, official: Official, active: bool, action: str, reason: str
) -> Official:
    if official.user.is_active == active:
        return official
    before = official_state(official)
    official.user.is_active = active
    official.user.save(update_fields=["is_active"])
    record(
        acting_user, action, official, before=before, after=official_state(official), reason=reason
    )
    _forget(acting_user, official)
    return official
