"""A post's threat distribution, kept by its committee chair (``6b(3)(a)``, ``6b``)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db import transaction
from django.utils import timezone

from defector.cases.validation import Errors
from defector.cases.validation import error as add_error
from defector.core import audit
from defector.core.access import principal_for
from defector.core.errors import InvalidInput, NotFound, PermissionDenied
from defector.core.users import AnyUser
from defector.directory.models import Official, Post
from defector.directory.queries import acting_official
from defector.dissemination.access import DISTRIBUTION_CHANGE_ROLES
from defector.dissemination.choices import LABEL_MAX_LENGTH, NAMED_SEATS
from defector.dissemination.models import Distribution, DistributionMember
from defector.dissemination.queries import may_see_distribution, row_id
from defector.policy.gates import dissemination as gate


def _snapshot(distribution: Distribution) -> dict[str, Any]:
    return {
        "senior_representative": distribution.senior_representative,
        "committee_chair": distribution.committee_chair,
        "idc": distribution.idc,
        "members": [
            {"official": member.official_id, "seat": member.seat, "label": member.label}
            for member in distribution.members.order_by("pk")
        ],
    }


def _check_members(members: Sequence[dict[str, Any]]) -> list[tuple[Official, str, str]]:
    errors: Errors = []
    checked: list[tuple[Official, str, str]] = []
    seen: set[int] = set()
    seats = [seat.value for seat in NAMED_SEATS]
    for index, member in enumerate(members):
        field = f"members[{index}]"
        number = row_id(member.get("official_id"))
        official = (
            Official.objects.filter(pk=number, user__is_active=True).first()
            if number is not None
            else None
        )
        if official is None:
            add_error(errors, f"{field}.official_id", "is not an active official")
            continue
        if official.pk in seen:
            add_error(errors, f"{field}.official_id", "is on the distribution already")
            continue
        seen.add(official.pk)
        seat = member.get("seat") or "other"
        if seat not in seats:
            add_error(errors, f"{field}.seat", f"must be one of {', '.join(seats)}")
            continue
        label = " ".join(str(member.get("label") or "").split())
        if len(label) > LABEL_MAX_LENGTH:
            add_error(errors, f"{field}.label", f"must be at most {LABEL_MAX_LENGTH} characters")
            continue
        checked.append((official, seat, label))
    if errors:
        raise InvalidInput(errors)
    return checked


def set_distribution(
    *,
    acting_user: AnyUser,
    post_id: int | str,
    senior_representative: bool,
    committee_chair: bool,
    idc: bool,
    members: Sequence[dict[str, Any]] = (),
) -> Distribution:
    """Set who receives the post's threat reports: its senior US representative, its
    committee chair, the IDC, and named officials (``members``: ``official_id``, ``seat``,
    ``label``). Only the post's committee chair may; audited with before and after."""
    number = row_id(post_id)
    post = Post.objects.filter(pk=number).first() if number is not None else None
    if post is None:
        raise NotFound("no such post")
    principal = principal_for(acting_user)
    if post.pk not in principal.posts_with(*DISTRIBUTION_CHANGE_ROLES):
        if not may_see_distribution(acting_user, post.pk):
            raise NotFound("no such post")
        raise PermissionDenied(
            "only the post's committee chair keeps its threat distribution",
            clauses=(gate.CLAUSE, "6b"),
        )
    checked = _check_members(members)
    with transaction.atomic():
        distribution, created = Distribution.objects.select_for_update().get_or_create(post=post)
        before = None if created else _snapshot(distribution)
        distribution.senior_representative = bool(senior_representative)
        distribution.committee_chair = bool(committee_chair)
        distribution.idc = bool(idc)
        distribution.updated_by = acting_official(acting_user)
        distribution.updated_at = timezone.now()
        distribution.save()
        distribution.members.all().delete()
        DistributionMember.objects.bulk_create(
            [
                DistributionMember(
                    distribution=distribution, official=official, seat=seat, label=label
                )
                for official, seat, label in checked
            ]
        )
        audit.record(
            actor=acting_user,
            action="dissemination.distribution.set",
            obj=distribution,
            before=before,
            after=_snapshot(distribution),
        )
    return distribution
