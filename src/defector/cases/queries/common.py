"""What every query of a case shares: finding a case the user may see, and official refs."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TypeVar

from django.core.exceptions import ImproperlyConfigured
from django.db.models import (
    BooleanField,
    Exists,
    ExpressionWrapper,
    Model,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
)

from defector.cases.access import CASE_CONTENT
from defector.cases.choices import HANDLING_ROLES, WAIVING_ROLES
from defector.cases.models import Case
from defector.cases.queries.case_row import page_case
from defector.core.access import (
    Action,
    can,
    decided,
    get_for,
    principal_for,
    remembered,
    restrict,
    who_can,
)
from defector.core.users import AnyUser
from defector.directory.choices import WASHINGTON_ROLES
from defector.directory.models import Official, RoleAssignment


def access_case(user: AnyUser, case_id: int | str, action: Action | str) -> Case:
    """The case ``case_id`` if ``user`` may ``action`` it, else
    :class:`~defector.core.errors.NotFound` (for a denied case exactly as for a missing one)."""
    queryset = Case.objects.select_related("post", "opened_by__user", "changed_by__user")
    queryset = queryset.prefetch_related(
        "compartments", Prefetch("officers", Official.objects.select_related("user"))
    )
    return get_for(user, action, queryset, case_id, what="case")


_M = TypeVar("_M", bound=Model)


def case_rows(user: AnyUser, action: Action, queryset: QuerySet[_M], case: Case) -> QuerySet[_M]:
    """The rows of ``queryset`` that belong to ``case`` and that ``user`` may ``action``:
    ``restrict(user, action, queryset.filter(case=case))``, without asking the rule again when
    ``user``'s ``action`` on the case itself is already decided for this read
    (``core.access.decided``: the case was read by :func:`access_case`, or asked by ``can``
    or ``may``). The model must be case content reached by ``case``
    (``cases.access.CASE_CONTENT``): its rule is exactly the case's own (``6``, ``6d``, ``7``),
    the same grants and the same compartments, so its rows of an allowed case are all allowed
    and those of a denied case none."""
    label = queryset.model._meta.label_lower
    if CASE_CONTENT.get(label, ("", ""))[0] != "case__":
        raise ImproperlyConfigured(f"{label} is not case content reached by its case")
    rows = queryset.filter(case=case)
    answer = decided(user, action, case)
    if answer is True:
        return rows
    if answer is False:
        return rows.none()
    return restrict(user, action, rows)


def officials_who_may_see(case: Case) -> list[Official]:
    """The active officials of the case's post (or assigned to it) who may see the case, by
    name: decided for all at once (``who_can``), and read once per page."""
    return [official for official, local in officials_seeing(case) if local]


def officials_seeing(case: Case) -> list[tuple[Official, bool]]:
    """The active officials who may see the case, by name, among those who might: its post's
    (or assigned to it: ``local``), the representatives invited to it, and Washington's. One
    read of the candidates and one decision for all of them (``who_can``), once per page:
    the officials an obligation, a check or a task may go to, and the agencies a task may go
    to, come from it."""

    def read() -> list[tuple[Official, bool]]:
        at_post = RoleAssignment.objects.filter(official=OuterRef("pk"), post_id=case.post_id)
        assigned = Case.officers.through.objects.filter(official_id=OuterRef("pk"), case_id=case.pk)
        invited = Case.invited.through.objects.filter(official_id=OuterRef("pk"), case_id=case.pk)
        washington = RoleAssignment.objects.filter(
            official=OuterRef("pk"), role__in=sorted(WASHINGTON_ROLES)
        )
        local = Q(Exists(at_post)) | Q(Exists(assigned))
        candidates = list(
            Official.objects.filter(user__is_active=True)
            .annotate(local=ExpressionWrapper(local, output_field=BooleanField()))
            .filter(local | Q(Exists(invited)) | Q(Exists(washington)))
            .select_related("user")
        )
        allowed = {user.pk for user in who_can([o.user for o in candidates], Action.VIEW, case)}
        found = [(o, bool(o.local)) for o in candidates if o.user_id in allowed]
        return sorted(found, key=lambda pair: str(pair[0]))

    return remembered(("cases.officials_seeing", case.pk), read)


def case_detail(user: AnyUser, case_id: int) -> Case:
    """One case ``user`` may see, or :class:`~defector.core.errors.NotFound` (also if denied)."""
    return access_case(user, case_id, Action.VIEW)


def case_page(user: AnyUser, case_id: int) -> Case:
    """:func:`case_detail` for the case page: with its subject's (sealed) record and whether
    the user may change it and reveal its subject, from prepared reads (``case_row``)."""
    return page_case(user, case_id)


def can_reveal(user: AnyUser, case: Case) -> bool:
    """Whether ``user`` may reveal the sealed fields of this case's subject."""
    return can(user, Action.REVEAL, case)


def can_change(user: AnyUser, case: Case) -> bool:
    """Whether ``user`` may change this case (facts, stage, obligations, notes)."""
    return can(user, Action.CHANGE, case)


def handles_case(user: AnyUser, case: Case) -> bool:
    """Whether ``user`` handles the case (``6b(3)``: bona fides, tasks, its stage): may change
    it and holds a handling role at its post (its committee, or an assigned case officer),
    not only the senior US representative's."""
    return case.post_id in principal_for(user).posts_with(*HANDLING_ROLES) and can_change(
        user, case
    )


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
