"""Creating and changing posts."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

from django.db import transaction
from django.utils import timezone

from defector.core import audit
from defector.core.users import AnyUser
from defector.directory import signals
from defector.directory.actions.common import (
    Check,
    managed,
    only_fields,
    record,
    require_administrator,
    save_changes,
)
from defector.directory.choices import PostKind
from defector.directory.models import Post
from defector.policy import countries

POST_FIELDS: Final = (
    "code",
    "name",
    "kind",
    "country",
    "city",
    "diplomatic_representation",
    "active",
)


def _post_values(check: Check, values: Mapping[str, Any], instance: Post | None) -> dict[str, Any]:
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
    acting_user: AnyUser | None,
    code: str,
    name: str,
    country: str,
    city: str,
    kind: str = PostKind.EMBASSY,
    diplomatic_representation: bool = True,
    active: bool = True,
) -> Post:
    """Add a US post abroad; one with diplomatic representation must have a committee (``6``)."""
    require_administrator(acting_user)
    check = Check()
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
    record(acting_user, "directory.post.create", post, after=audit.snapshot(post))
    signals.post_saved.send(sender=Post, post=post, created=True, acting_user=acting_user)
    return post


@transaction.atomic
def update_post(*, acting_user: AnyUser | None, post_id: int, changes: Mapping[str, Any]) -> Post:
    """Change any of a post's fields (``POST_FIELDS``); the rest stay as they are."""
    post = managed(acting_user, Post.objects.all(), post_id, "post")
    check = Check()
    only_fields(changes, POST_FIELDS, check)
    current = {name: getattr(post, name) for name in POST_FIELDS}
    values = _post_values(check, {**current, **changes}, post)
    check.raise_if_any()
    post = save_changes(acting_user, "directory.post.update", post, values)
    signals.post_saved.send(sender=Post, post=post, created=False, acting_user=acting_user)
    return post
