"""Committees (``6``): one for each post with diplomatic representation; and the helpers
every committee action shares (input checks, access, seats, signals after the commit)."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from typing import Any, Final, TypeVar

from django.db import models, transaction
from django.utils import timezone

from defector.committees import queries
from defector.committees.choices import MEMBER_ROLES
from defector.committees.models import Committee
from defector.core import audit
from defector.core.access import Action, get_for, principal_for
from defector.core.errors import NotFound, PermissionDenied, PolicyRefusal
from defector.core.users import AnyUser
from defector.directory.choices import Role
from defector.directory.models import Official, Post
from defector.directory.queries import acting_official

Errors = list[dict[str, str]]

#: Control characters other than tab, line feed and carriage return.
CONTROL: Final = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
TITLE_MAX: Final = 300
TEXT_MAX: Final = 50_000
OPERATOR: Final = "by an operator at the console"
_M = TypeVar("_M", bound=models.Model)


def _error(errors: Errors, field: str, message: str) -> None:
    errors.append({"field": field, "message": message})


def _as_id(value: object) -> int | None:
    """A row id from an int or digits; ``None`` for anything else, or an id no row can have."""
    number: int | None = None
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        number = value
    elif isinstance(value, str) and value.strip().isdigit():
        number = int(value.strip())
    if number is None or not 0 < number <= queries.MAX_ID:
        return None
    return number


def _text(errors: Errors, field: str, value: object, *, limit: int, required: bool = True) -> str:
    if value is None:
        value = ""
    if not isinstance(value, str):
        _error(errors, field, "must be text")
        return ""
    value = value.strip()
    if required and not value:
        _error(errors, field, "is required")
    elif len(value) > limit:
        _error(errors, field, f"must be at most {limit} characters")
    elif CONTROL.search(value):
        _error(errors, field, "contains control characters")
    return value


def _moment(errors: Errors, field: str, value: object) -> dt.datetime | None:
    if not isinstance(value, dt.datetime):
        _error(errors, field, "is required: a date and time")
        return None
    if timezone.is_naive(value):
        _error(errors, field, "must include a time zone (for example 2026-03-05T09:30:00Z)")
        return None
    return value


def _visible(
    acting_user: AnyUser | None,
    queryset: models.QuerySet[_M],
    pk: object,
    what: str,
    *,
    lock: bool = False,
) -> _M:
    """The row if ``acting_user`` may see it (:class:`NotFound` otherwise), locked for the
    rest of the transaction with ``lock`` (fetched again: a restricted query may be
    ``DISTINCT``, which cannot be locked)."""
    number = _as_id(pk)
    if number is None:
        raise NotFound(f"no such {what}")
    found = get_for(acting_user, Action.VIEW, queryset, number, what=what)
    if lock:
        return queryset.select_for_update(of=("self",)).get(pk=found.pk)
    return found


def _require(
    acting_user: AnyUser | None, committee: Committee, roles: Iterable[str], clause: str, who: str
) -> Official:
    """The acting official if they hold one of ``roles`` at the committee's post."""
    seat = queries.seat_at(acting_user, committee) if acting_user is not None else None
    if seat is None or not (seat.roles & set(roles)):
        raise PermissionDenied(f"only {who} may do this", clauses=(clause,))
    official = acting_official(acting_user)
    assert official is not None  # noqa: S101 - a role at a post needs an official
    return official


def _require_chair(
    acting_user: AnyUser | None, committee: Committee, clause: str = "6a"
) -> Official:
    return _require(
        acting_user, committee, (Role.COMMITTEE_CHAIR,), clause, "the committee's chair"
    )


def _require_member(
    acting_user: AnyUser | None, committee: Committee, clause: str = "6a"
) -> Official:
    return _require(acting_user, committee, MEMBER_ROLES, clause, "the committee's members")


def _require_senior(acting_user: AnyUser | None, committee: Committee, clause: str) -> Official:
    return _require(
        acting_user,
        committee,
        (Role.SENIOR_REPRESENTATIVE,),
        clause,
        "the post's senior US representative",
    )


def _after_commit(signal: Any, **kwargs: Any) -> None:
    transaction.on_commit(lambda: signal.send(**kwargs))


def ensure_committee(post: Post, *, acting_user: AnyUser | None = None) -> tuple[Committee, bool]:
    """The committee of ``post``, created if it has none (``6``): ``(committee, created)``.

    Only a post with diplomatic representation gets one (:class:`PolicyRefusal` otherwise).
    Operators at the console (``acting_user=None``) and administrators may create one.
    """
    with transaction.atomic():
        if acting_user is not None and not principal_for(acting_user).is_administrator:
            raise PermissionDenied("only administrators create committees", clauses=("6",))
        post = Post.objects.select_for_update().get(pk=post.pk)
        existing = Committee.objects.filter(post=post).first()
        if existing is not None:
            return existing, False
        if not post.diplomatic_representation:
            raise PolicyRefusal(
                f"{post.code} has no diplomatic representation: a committee is established "
                "wherever the US has diplomatic representation",
                clauses=("6",),
            )
        committee = Committee.objects.create(post=post, established_on=timezone.localdate())
        audit.record(
            actor=acting_user,
            action="committees.committee.create",
            obj=committee,
            after=audit.snapshot(committee),
            reason=OPERATOR if acting_user is None else "",
        )
    return committee, True


def ensure_committees(*, acting_user: AnyUser | None = None) -> list[Committee]:
    """Create the committee of every active post with diplomatic representation that has none
    (``6``); the committees created."""
    created: list[Committee] = []
    with transaction.atomic():
        for post in list(queries.posts_without_committee()):
            committee, new = ensure_committee(post, acting_user=acting_user)
            if new:
                created.append(committee)
    return created
