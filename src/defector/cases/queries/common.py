"""What every query of a case shares: finding a case the user may see, and official refs."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Prefetch, Q

from defector.cases.choices import WAIVING_ROLES
from defector.cases.models import Case
from defector.core.access import Action, can, get_for, principal_for, remembered, who_can
from defector.core.users import AnyUser
from defector.directory.models import Official


def access_case(user: AnyUser, case_id: int | str, action: Action | str) -> Case:
    """The case ``case_id`` if ``user`` may ``action`` it, else
    :class:`~defector.core.errors.NotFound` (for a denied case exactly as for a missing one)."""
    queryset = Case.objects.select_related(
        "post", "opened_by__user", "changed_by__user"
    ).prefetch_related(
        "compartments", Prefetch("officers", Official.objects.select_related("user"))
    )
    return get_for(user, action, queryset, case_id, what="case")


def officials_who_may_see(case: Case) -> list[Official]:
    """The active officials of the case's post (or assigned to it) who may see the case, by
    name: decided for all at once (``who_can``), and read once per page."""

    def read() -> list[Official]:
        candidates = list(
            Official.objects.filter(Q(roles__post=case.post_id) | Q(assigned_cases=case))
            .filter(user__is_active=True)
            .select_related("user")
            .distinct()
        )
        allowed = {user.pk for user in who_can([o.user for o in candidates], Action.VIEW, case)}
        return sorted((o for o in candidates if o.user_id in allowed), key=str)

    return remembered(("cases.officials_who_may_see", case.pk), read)


def case_detail(user: AnyUser, case_id: int) -> Case:
    """One case ``user`` may see, or :class:`~defector.core.errors.NotFound` (also if denied)."""
    return access_case(user, case_id, Action.VIEW)


def can_reveal(user: AnyUser, case: Case) -> bool:
    """Whether ``user`` may reveal the sealed fields of this case's subject."""
    return can(user, Action.REVEAL, case)


def can_change(user: AnyUser, case: Case) -> bool:
    """Whether ``user`` may change this case (facts, stage, obligations, notes)."""
    return can(user, Action.CHANGE, case)


def can_waive(user: AnyUser, case: Case) -> bool:
    return case.post_id in principal_for(user).posts_with(*WAIVING_ROLES) and can_change(user, case)


@dataclass(frozen=True, slots=True)
class OfficialRef:
    id: int
    name: str


def _ref(official: Official) -> OfficialRef:
    return OfficialRef(id=official.pk, name=str(official))


def _ref_or_none(official: Official | None) -> OfficialRef | None:
    return OfficialRef(id=official.pk, name=str(official)) if official is not None else None
