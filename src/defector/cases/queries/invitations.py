"""Invited representatives of a case (``6``): who is invited, whom the chair may invite, and
whether the user chairs the committee that invites."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from defector import policy
from defector.cases.models import Case
from defector.core.access import principal_for, rank
from defector.core.users import AnyUser
from defector.directory.choices import Role
from defector.directory.models import Official

INVITATION_CLAUSE: Final = policy.cite("6")


@dataclass(frozen=True, slots=True)
class InvitedRef:
    """An invited representative (or one who may be invited): the official and their agency."""

    id: int
    name: str
    agency: str


def _ref(official: Official) -> InvitedRef:
    return InvitedRef(id=official.pk, name=str(official), agency=official.agency.code)


def may_invite(user: AnyUser | None, case: Case) -> bool:
    """Whether ``user`` chairs the committee of the case's post (``6``): from the user's
    principal, read once per request."""
    principal = principal_for(user)
    return principal.official_id is not None and case.post_id in principal.posts_with(
        Role.COMMITTEE_CHAIR
    )


def invited_of(case: Case) -> list[InvitedRef]:
    """The representatives invited to ``case`` (the case already read with access control)."""
    officials = case.invited.select_related("agency").order_by("agency__code", "pk")
    return [_ref(official) for official in officials]


def invitable_for(case: Case) -> list[InvitedRef]:
    """Whom the chair may invite to ``case``: the active invited representatives at its post
    who are not invited yet and would be allowed to see it (cleared, read in)."""
    candidates = (
        Official.objects.filter(
            user__is_active=True,
            roles__role=Role.INVITED_REPRESENTATIVE,
            roles__post_id=case.post_id,
        )
        .exclude(invited_cases=case)
        .select_related("agency", "user")
        .distinct()
        .order_by("agency__code", "pk")
    )
    needed = set(case.compartments.values_list("code", flat=True))
    return [
        _ref(official)
        for official in candidates.prefetch_related("compartments")
        if cleared_for(official, case.sensitivity, needed)
    ]


def cleared_for(official: Official, sensitivity: str, compartments: set[str]) -> bool:
    """Whether ``official`` is cleared at ``sensitivity`` and read into ``compartments``."""
    held = {c.code for c in official.compartments.all()}
    return rank(official.clearance) >= rank(sensitivity) and compartments <= held
