"""What every directory action shares: who may manage, the audit record, and the checks
that collect every field error of one input.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, Final, TypeVar

from django.db import models
from django.db.models import QuerySet

from defector.core import access, audit
from defector.core.errors import InvalidInput, NotFound, PermissionDenied
from defector.core.users import AnyUser
from defector.directory.choices import Role, is_post_role
from defector.directory.models import Agency, Compartment, Post

Errors = list[dict[str, str]]
RoleSpec = tuple[str, str | None]

#: Codes: capitals, digits, "-" and "_", starting with a capital or a digit.
CODE_RE: Final = re.compile(r"[A-Z0-9][A-Z0-9_-]*")
#: The name officials without a post are listed under; no post may take it as its code.
WASHINGTON: Final = "WASHINGTON"
#: The audit record's reason when an operator acts from the console.
OPERATOR: Final = "by an operator at the console"

ModelT = TypeVar("ModelT", bound=models.Model)


# --- access --------------------------------------------------------------------------------


def require_administrator(acting_user: AnyUser | None) -> None:
    """Creating in the directory: administrators (and operators at the console) only."""
    if acting_user is None:
        return
    if not access.principal_for(acting_user).is_administrator:
        raise PermissionDenied("only administrators manage the directory")


def managed(acting_user: AnyUser | None, queryset: QuerySet[ModelT], pk: Any, what: str) -> ModelT:
    """The row to change, locked; :class:`NotFound` when missing or not the user's to manage."""
    queryset = queryset.select_for_update(of=("self",))
    if acting_user is None:
        found = queryset.filter(pk=pk).first()
        if found is None:
            raise NotFound(f"no such {what}")
        return found
    return access.get_for(acting_user, access.Action.MANAGE, queryset, pk, what=what)


def record(
    acting_user: AnyUser | None,
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


class Check:
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


def only_fields(changes: Mapping[str, Any], allowed: Iterable[str], check: Check) -> None:
    for key in changes:
        if key not in allowed:
            check.add(key, "cannot be changed here")


def save_changes(
    acting_user: AnyUser | None, action: str, obj: ModelT, values: Mapping[str, Any]
) -> ModelT:
    before = audit.snapshot(obj)
    changed = [name for name, value in values.items() if getattr(obj, name) != value]
    if not changed:
        return obj
    for name in changed:
        setattr(obj, name, values[name])
    obj.save(update_fields=changed)
    record(acting_user, action, obj, before=before, after=audit.snapshot(obj))
    return obj
