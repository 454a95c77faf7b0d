"""Directory writes: agencies, posts, compartments, officials, their roles, and the CSV import.

Every action takes a keyword-only ``acting_user``; ``None`` means an operator at the console
(``defector import_directory``, ``defector demo``), recorded in the audit log as the system.
Only administrators manage the directory (``core.access``: the ``directory`` rule): creating
as anyone else is refused (403), and changing a particular row answers as if it did not
exist (404). Each action validates everything first and raises :class:`InvalidInput` listing
every bad field, so nothing partial is saved; then it makes its change in one transaction
with one audit record (before and after) per change.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Final, TypeVar

from django.contrib.auth import get_user_model, password_validation
from django.contrib.auth.models import AnonymousUser, User
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import models, transaction
from django.db.models import QuerySet
from django.utils import timezone

from defector.accounts.actions import end_all_sessions
from defector.core import access, audit
from defector.core import actions as core_actions
from defector.core.errors import InvalidInput, NotFound, PermissionDenied
from defector.directory import importing, signals
from defector.directory.choices import AgencyKind, PostKind, Role, is_post_role
from defector.directory.models import Agency, Compartment, Official, Post, RoleAssignment
from defector.policy import countries

Actor = User | AnonymousUser | None
Errors = list[dict[str, str]]
RoleSpec = tuple[str, str | None]

#: Codes: capitals, digits, "-" and "_", starting with a capital or a digit.
CODE_RE: Final = re.compile(r"[A-Z0-9][A-Z0-9_-]*")
#: The name officials without a post are listed under; no post may take it as its code.
WASHINGTON: Final = "WASHINGTON"
#: The audit record's reason when an operator acts from the console.
OPERATOR: Final = "by an operator at the console"

_M = TypeVar("_M", bound=models.Model)


# --- access --------------------------------------------------------------------------------


def _require_administrator(acting_user: Actor) -> None:
    """Creating in the directory: administrators (and operators at the console) only."""
    if acting_user is None:
        return
    if not access.principal_for(acting_user).is_administrator:
        raise PermissionDenied("only administrators manage the directory")


def _managed(acting_user: Actor, queryset: QuerySet[_M], pk: Any, what: str) -> _M:
    """The row to change, locked; :class:`NotFound` when missing or not the user's to manage."""
    queryset = queryset.select_for_update(of=("self",))
    if acting_user is None:
        found = queryset.filter(pk=pk).first()
        if found is None:
            raise NotFound(f"no such {what}")
        return found
    return access.get_for(acting_user, access.Action.MANAGE, queryset, pk, what=what)


def _record(
    acting_user: Actor,
    action: str,
    obj: models.Model,
    *,
    before: Mapping[str, Any] | None = None,
    after: Mapping[str, Any] | None = None,
    reason: str = "",
) -> None:
    audit.record(
        actor=acting_user,
        action=action,
        obj=obj,
        before=before,
        after=after,
        reason=reason or (OPERATOR if acting_user is None else ""),
    )


# --- validation ------------------------------------------------------------------------------


class _Check:
    """Collects every field error of one input, then raises them together."""

    def __init__(self) -> None:
        self.errors: Errors = []

    def add(self, field_name: str, message: str) -> None:
        self.errors.append({"field": field_name, "message": message})

    def raise_if_any(self) -> None:
        if self.errors:
            raise InvalidInput(self.errors)

    def text(
        self,
        values: Mapping[str, Any],
        name: str,
        model: type[models.Model],
        *,
        required: bool = True,
    ) -> str:
        value = values.get(name)
        if value is None:
            value = ""
        if not isinstance(value, str):
            self.add(name, "must be text")
            return ""
        value = value.strip()
        model_field = model._meta.get_field(name)
        limit = getattr(model_field, "max_length", None)
        if required and not value:
            self.add(name, "is required")
        elif limit is not None and len(value) > limit:
            self.add(name, f"must be at most {limit} characters")
        return value

    def flag(self, values: Mapping[str, Any], name: str, default: bool) -> bool:
        value = values.get(name, default)
        if not isinstance(value, bool):
            self.add(name, "must be true or false")
            return default
        return value

    def choice(self, values: Mapping[str, Any], name: str, choices: Sequence[str]) -> str:
        value = values.get(name)
        text = str(value).strip().lower() if value is not None else ""
        if text not in choices:
            self.add(name, f"must be one of {', '.join(choices)}")
        return text

    def code(
        self,
        values: Mapping[str, Any],
        model: type[Agency | Post | Compartment],
        *,
        instance: models.Model | None,
    ) -> str:
        code = self.text(values, "code", model).upper()
        if not code:
            return code
        if not CODE_RE.fullmatch(code):
            self.add("code", "may hold only letters, digits, - and _ (no spaces)")
            return code
        if model is Post and code == WASHINGTON:
            self.add("code", f"{WASHINGTON} stands for officials without a post; choose another")
        taken = model._default_manager.filter(code__iexact=code)
        if instance is not None:
            taken = taken.exclude(pk=instance.pk)
        if taken.exists():
            self.add("code", f"{code} is already taken")
        return code

    def reference(
        self,
        value: Any,
        name: str,
        model: type[Agency | Post],
        *,
        current: Agency | Post | None = None,
    ) -> Any:
        """The agency or post whose code is ``value``; an inactive one only if unchanged."""
        if not isinstance(value, str):
            self.add(name, "must be a code")
            return None
        code = value.strip().upper()
        found = model._default_manager.filter(code__iexact=code).first() if code else None
        what = model._meta.verbose_name
        if found is None:
            self.add(name, f"no {what} has the code {code!r}" if code else "is required")
        elif not found.active and found != current:
            self.add(name, f"{found.code} is inactive")
        return found

    def compartments(self, value: Any, name: str = "compartments") -> list[Compartment]:
        if isinstance(value, str):
            value = value.split()
        if not isinstance(value, list | tuple | set | frozenset):
            self.add(name, "must be a list of compartment codes")
            return []
        codes = sorted({str(code).strip().upper() for code in value if str(code).strip()})
        found = {c.code: c for c in Compartment.objects.filter(code__in=codes)}
        missing = [code for code in codes if code not in found]
        if missing:
            self.add(name, f"no compartment has the code {', '.join(missing)}")
        return [found[code] for code in codes if code in found]

    def clearance(self, values: Mapping[str, Any], name: str = "clearance") -> str:
        value = values.get(name)
        levels = access.levels()
        text = " ".join(str(value).split()).upper() if value is not None else ""
        if not text:
            self.add(name, "is required")
        elif text not in levels:
            self.add(name, f"must be one of {', '.join(levels)}")
        return text

    def role(self, role: Any, post_code: Any, name: str = "role") -> tuple[str, Post | None]:
        """A role and, for a post role, its post (``6``, ``7``)."""
        text = str(role).strip().lower() if role is not None else ""
        if text not in Role.values:
            self.add(
                name, f"{text or 'an empty role'} is not a role; one of {', '.join(Role.values)}"
            )
            return text, None
        code = str(post_code).strip() if post_code is not None else ""
        label = Role(text).label
        if is_post_role(text):
            if not code:
                self.add(name, f"{text}: a {label.lower()} is held at a post; name the post")
                return text, None
            post = Post.objects.filter(code__iexact=code).first()
            if post is None:
                self.add(name, f"{text}@{code}: no post has the code {code.upper()!r}")
            elif not post.active:
                self.add(name, f"{text}@{post.code}: {post.code} is inactive")
            return text, post
        if code:
            self.add(name, f"{text}: a {label} is held without a post (Washington or system-wide)")
        return text, None


def _only_fields(changes: Mapping[str, Any], allowed: Iterable[str], check: _Check) -> None:
    for key in changes:
        if key not in allowed:
            check.add(key, "cannot be changed here")


# --- agencies --------------------------------------------------------------------------------

AGENCY_FIELDS: Final = ("code", "name", "kind", "active")


def _agency_values(
    check: _Check, values: Mapping[str, Any], instance: Agency | None
) -> dict[str, Any]:
    return {
        "code": check.code(values, Agency, instance=instance),
        "name": check.text(values, "name", Agency),
        "kind": check.choice(values, "kind", AgencyKind.values),
        "active": check.flag(values, "active", True),
    }


@transaction.atomic
def create_agency(
    *,
    acting_user: Actor,
    code: str,
    name: str,
    kind: str = AgencyKind.AGENCY,
    active: bool = True,
) -> Agency:
    """Add a participating department, agency or military command to the managed list."""
    _require_administrator(acting_user)
    check = _Check()
    values = _agency_values(
        check, {"code": code, "name": name, "kind": kind, "active": active}, None
    )
    check.raise_if_any()
    agency = Agency.objects.create(**values)
    _record(acting_user, "directory.agency.create", agency, after=audit.snapshot(agency))
    return agency


@transaction.atomic
def update_agency(*, acting_user: Actor, agency_id: int, changes: Mapping[str, Any]) -> Agency:
    """Change an agency's ``code``, ``name``, ``kind`` or ``active``."""
    agency = _managed(acting_user, Agency.objects.all(), agency_id, "agency")
    check = _Check()
    _only_fields(changes, AGENCY_FIELDS, check)
    current = {name: getattr(agency, name) for name in AGENCY_FIELDS}
    values = _agency_values(check, {**current, **changes}, agency)
    check.raise_if_any()
    return _save_changes(acting_user, "directory.agency.update", agency, values)


def _save_changes(acting_user: Actor, action: str, obj: _M, values: Mapping[str, Any]) -> _M:
    before = audit.snapshot(obj)
    changed = [name for name, value in values.items() if getattr(obj, name) != value]
    if not changed:
        return obj
    for name in changed:
        setattr(obj, name, values[name])
    obj.save(update_fields=changed)
    _record(acting_user, action, obj, before=before, after=audit.snapshot(obj))
    return obj


# --- compartments ----------------------------------------------------------------------------


@transaction.atomic
def create_compartment(*, acting_user: Actor, code: str, name: str) -> Compartment:
    """Add a need-to-know compartment that cases and officials can be placed in."""
    _require_administrator(acting_user)
    check = _Check()
    values = {
        "code": check.code({"code": code}, Compartment, instance=None),
        "name": check.text({"name": name}, "name", Compartment),
    }
    check.raise_if_any()
    compartment = Compartment.objects.create(**values)
    _record(
        acting_user, "directory.compartment.create", compartment, after=audit.snapshot(compartment)
    )
    return compartment


@transaction.atomic
def update_compartment(
    *, acting_user: Actor, compartment_id: int, changes: Mapping[str, Any]
) -> Compartment:
    """Rename a compartment (its ``code`` or ``name``)."""
    compartment = _managed(acting_user, Compartment.objects.all(), compartment_id, "compartment")
    check = _Check()
    _only_fields(changes, ("code", "name"), check)
    merged = {"code": compartment.code, "name": compartment.name, **changes}
    values = {
        "code": check.code(merged, Compartment, instance=compartment),
        "name": check.text(merged, "name", Compartment),
    }
    check.raise_if_any()
    return _save_changes(acting_user, "directory.compartment.update", compartment, values)


# --- posts -----------------------------------------------------------------------------------

POST_FIELDS: Final = (
    "code",
    "name",
    "kind",
    "country",
    "city",
    "diplomatic_representation",
    "active",
)


def _post_values(check: _Check, values: Mapping[str, Any], instance: Post | None) -> dict[str, Any]:
    code = check.code(values, Post, instance=instance)
    name = check.text(values, "name", Post)
    kind = check.choice(values, "kind", PostKind.values)
    country = check.text(values, "country", Post).upper()
    if country and not countries.is_known(country):
        check.add("country", f"{country} is not a known country code (ISO 3166-1 alpha-2)")
    elif country and countries.is_us(country, timezone.localdate()):
        check.add(
            "country",
            f"a post is abroad; {countries.name_of(country)} ({country}) is the United States "
            "or one of its territories (1)",
        )
    return {
        "code": code,
        "name": name,
        "kind": kind,
        "country": country,
        "city": check.text(values, "city", Post),
        "diplomatic_representation": check.flag(values, "diplomatic_representation", True),
        "active": check.flag(values, "active", True),
    }


@transaction.atomic
def create_post(
    *,
    acting_user: Actor,
    code: str,
    name: str,
    country: str,
    city: str,
    kind: str = PostKind.EMBASSY,
    diplomatic_representation: bool = True,
    active: bool = True,
) -> Post:
    """Add a US post abroad; one with diplomatic representation must have a committee (``6``)."""
    _require_administrator(acting_user)
    check = _Check()
    values = _post_values(
        check,
        {
            "code": code,
            "name": name,
            "kind": kind,
            "country": country,
            "city": city,
            "diplomatic_representation": diplomatic_representation,
            "active": active,
        },
        None,
    )
    check.raise_if_any()
    post = Post.objects.create(**values)
    _record(acting_user, "directory.post.create", post, after=audit.snapshot(post))
    signals.post_saved.send(sender=Post, post=post, created=True, acting_user=acting_user)
    return post


@transaction.atomic
def update_post(*, acting_user: Actor, post_id: int, changes: Mapping[str, Any]) -> Post:
    """Change any of a post's fields (``POST_FIELDS``); the rest stay as they are."""
    post = _managed(acting_user, Post.objects.all(), post_id, "post")
    check = _Check()
    _only_fields(changes, POST_FIELDS, check)
    current = {name: getattr(post, name) for name in POST_FIELDS}
    values = _post_values(check, {**current, **changes}, post)
    check.raise_if_any()
    post = _save_changes(acting_user, "directory.post.update", post, values)
    signals.post_saved.send(sender=Post, post=post, created=False, acting_user=acting_user)
    return post


# --- officials -------------------------------------------------------------------------------

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
    check: _Check, values: Mapping[str, Any], instance: Official | None
) -> dict[str, Any]:
    user_model = get_user_model()
    first_name = check.text(values, "first_name", user_model, required=False)
    last_name = check.text(values, "last_name", user_model, required=False)
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
    check: _Check, roles: Iterable[RoleSpec], name: str = "roles"
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


def _forget(acting_user: Actor, official: Official) -> None:
    """Roles changed: drop cached principals, so the next check reads them afresh."""
    access.forget_principal(official.user)
    if acting_user is not None and acting_user.pk == official.user_id:
        access.forget_principal(acting_user)


def _grant(
    acting_user: Actor, official: Official, role: str, post: Post | None, reason: str = ""
) -> RoleAssignment:
    assignment = RoleAssignment.objects.create(official=official, role=role, post=post)
    _record(
        acting_user, "directory.role.grant", assignment, after=role_state(assignment), reason=reason
    )
    return assignment


@transaction.atomic
def create_official(
    *,
    acting_user: Actor,
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
    _require_administrator(acting_user)
    check = _Check()
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
    _record(
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


def _official_for_change(acting_user: Actor, official_id: int) -> Official:
    queryset = Official.objects.select_related("user", "agency", "post")
    return _managed(acting_user, queryset, official_id, "official")


@transaction.atomic
def update_official(
    *, acting_user: Actor, official_id: int, changes: Mapping[str, Any]
) -> Official:
    """Change an official's names, e-mail, title, agency, post, clearance or compartments.

    ``post`` is a post's code, or ``None`` (or empty) for Washington.
    """
    official = _official_for_change(acting_user, official_id)
    check = _Check()
    _only_fields(changes, OFFICIAL_FIELDS, check)
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
        _record(acting_user, "directory.official.update", official, before=before, after=after)
        _forget(acting_user, official)
    return official


@transaction.atomic
def set_compartments(
    *, acting_user: Actor, official_id: int, compartments: Sequence[str]
) -> Official:
    """Read an official into exactly these compartments (codes), and out of every other."""
    official = _official_for_change(acting_user, official_id)
    check = _Check()
    chosen = check.compartments(list(compartments))
    check.raise_if_any()
    before = official_state(official)
    if {c.pk for c in chosen} == {c.pk for c in official.compartments.all()}:
        return official
    official.compartments.set(chosen)
    _record(
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
    *, acting_user: Actor, official_id: int, role: str, post: str | None = None
) -> RoleAssignment:
    """Give an official a role: a post role at the post whose code is ``post``, or another
    role with no post (``6``, ``7``)."""
    official = _official_for_change(acting_user, official_id)
    check = _Check()
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
def revoke_role(*, acting_user: Actor, official_id: int, role_id: int) -> RoleAssignment:
    """Take a role away from an official. Administrators cannot take their own away."""
    official = _official_for_change(acting_user, official_id)
    assignment = (
        RoleAssignment.objects.select_related("post", "official__user")
        .filter(pk=role_id, official=official)
        .first()
    )
    if assignment is None:
        raise NotFound("no such role of this official")
    check = _Check()
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
def deactivate_official(*, acting_user: Actor, official_id: int, reason: str = "") -> Official:
    """Stop an official from signing in (their account's ``is_active``); the record stays."""
    official = _official_for_change(acting_user, official_id)
    check = _Check()
    if acting_user is not None and acting_user.pk == official.user_id:
        check.add("official", "you cannot deactivate yourself")
    check.raise_if_any()
    official = _set_active(acting_user, official, False, "directory.official.deactivate", reason)
    # Every session of the account ends now, not at its next request (accounts, issue 6).
    end_all_sessions(official.user, acting_user=acting_user, reason="account deactivated")
    return official


@transaction.atomic
def reactivate_official(*, acting_user: Actor, official_id: int, reason: str = "") -> Official:
    """Let a deactivated official sign in again."""
    official = _official_for_change(acting_user, official_id)
    return _set_active(acting_user, official, True, "directory.official.reactivate", reason)


def _set_active(
    acting_user: Actor, official: Official, active: bool, action: str, reason: str
) -> Official:
    if official.user.is_active == active:
        return official
    before = official_state(official)
    official.user.is_active = active
    official.user.save(update_fields=["is_active"])
    _record(
        acting_user, action, official, before=before, after=official_state(official), reason=reason
    )
    _forget(acting_user, official)
    return official


# --- the CSV import --------------------------------------------------------------------------


@dataclass
class ImportSummary:
    """What an import added, by kind, and the accounts that still need a password."""

    source: str = ""
    agencies: int = 0
    compartments: int = 0
    posts: int = 0
    officials: int = 0
    roles: int = 0
    linked: list[str] = field(default_factory=list)
    without_password: list[str] = field(default_factory=list)

    def describe(self) -> str:
        """``1 agency, 2 posts, 3 officials, 4 roles`` (kinds with none left out)."""
        singular = {
            "agencies": "agency",
            "compartments": "compartment",
            "posts": "post",
            "officials": "official",
            "roles": "role",
        }
        parts = [
            f"{number} {name if number != 1 else singular[name]}"
            for name, number in self.counts().items()
            if number
        ]
        return ", ".join(parts) or "nothing"

    def counts(self) -> dict[str, int]:
        return {
            "agencies": self.agencies,
            "compartments": self.compartments,
            "posts": self.posts,
            "officials": self.officials,
            "roles": self.roles,
        }


def _import_row(
    acting_user: Actor, row: importing.Row, summary: ImportSummary, reason: str
) -> None:
    values = dict(row.values)
    if row.kind == "agency":
        create_agency(
            acting_user=acting_user,
            code=values.get("code", ""),
            name=values.get("name", ""),
            kind=values.get("agency_kind", AgencyKind.AGENCY),
        )
        summary.agencies += 1
    elif row.kind == "compartment":
        create_compartment(
            acting_user=acting_user, code=values.get("code", ""), name=values.get("name", "")
        )
        summary.compartments += 1
    elif row.kind == "post":
        representation = importing.flag(values.get("diplomatic_representation", "yes"))
        if representation is None:
            raise InvalidInput(
                [{"field": "diplomatic_representation", "message": "must be yes or no"}]
            )
        create_post(
            acting_user=acting_user,
            code=values.get("code", ""),
            name=values.get("name", ""),
            kind=values.get("post_kind", PostKind.EMBASSY),
            country=values.get("country", ""),
            city=values.get("city", ""),
            diplomatic_representation=representation,
        )
        summary.posts += 1
    else:
        username = values.get("username", "")
        roles = importing.roles(values.get("roles", ""), values.get("post", ""))
        existed = get_user_model().objects.filter(username__iexact=username).exists()
        official = create_official(
            acting_user=acting_user,
            username=username,
            first_name=values.get("first_name", ""),
            last_name=values.get("last_name", ""),
            email=values.get("email", ""),
            title=values.get("title", ""),
            agency=values.get("agency", ""),
            post=values.get("post") or None,
            clearance=values.get("clearance", ""),
            compartments=values.get("compartments", "").split(),
            roles=roles,
            link_existing=True,
            reason=reason,
        )
        summary.officials += 1
        summary.roles += len(roles)
        if existed:
            summary.linked.append(official.user.get_username())
        if not official.user.has_usable_password():
            summary.without_password.append(official.user.get_username())


@transaction.atomic
def import_directory(*, acting_user: Actor, text: str, source: str = "") -> ImportSummary:
    """Import agencies, compartments, posts and officials from one CSV file (``importing``).

    Every row is checked, through the same actions as the pages and the API, in one
    transaction; if any row is bad, every error is raised together — each as
    ``row N: column`` — and nothing is imported.
    """
    _require_administrator(acting_user)
    parsed = importing.parse(text)
    errors = list(parsed.errors)
    bad_lines = {error.line for error in errors}
    summary = ImportSummary(source=source)
    reason = f"imported from {source}" if source else "imported from a directory file"
    for row in parsed.rows:
        if row.line in bad_lines:
            continue
        try:
            with transaction.atomic():
                _import_row(acting_user, row, summary, reason)
        except InvalidInput as exc:
            errors.extend(
                importing.RowError(row.line, row.column(e["field"]), e["message"])
                for e in exc.errors
            )
    if errors:
        errors.sort(key=lambda error: error.line)
        raise InvalidInput(
            [error.as_error() for error in errors],
            message=f"nothing was imported: {len(errors)} error(s)",
        )
    audit.record(
        actor=acting_user,
        action="directory.directory.import",
        object_type="directory.import",
        object_id=source[:64],
        after={**summary.counts(), "source": source},
        reason=reason if acting_user is not None else f"{reason}, {OPERATOR}",
    )
    return summary
