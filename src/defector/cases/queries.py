"""Reads of the cases app for display, with access control applied (``core.access``).

The case list of the web page and of the API are the same query with the same filters
(:class:`CaseFilters`); the case page and ``GET /cases/{id}`` share :func:`describe`. Nothing
here opens a sealed value: a subject's identity is shown only as recorded or not.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Final

from django.contrib.auth.models import AnonymousUser, User
from django.db.models import QuerySet

from defector.cases.choices import IDENTITY_FIELDS, INTAKE_CLAUSE, OPENING_ROLES, IntakeKind
from defector.cases.models import Case, Subject
from defector.core.access import (
    Action,
    Principal,
    can,
    get_for,
    levels_up_to,
    principal_for,
    restrict,
)
from defector.directory.models import Compartment, Official, Post

AnyUser = User | AnonymousUser

#: The longest text filter accepted on cryptonyms.
MAX_QUERY_LENGTH: Final = 40


@dataclass(frozen=True, slots=True)
class CaseFilters:
    """The filters of the case list, shared by the page and the API."""

    post: int | None = None
    #: Text the cryptonym contains (case-insensitive).
    q: str = ""


def cases_for(user: AnyUser, filters: CaseFilters | None = None) -> QuerySet[Case]:
    """The cases ``user`` may see, newest first, narrowed by ``filters``."""
    filters = filters or CaseFilters()
    cases = restrict(user, Action.VIEW, Case.objects.select_related("post"))
    if filters.post is not None:
        cases = cases.filter(post_id=filters.post)
    text = filters.q.strip()[:MAX_QUERY_LENGTH]
    if text:
        cases = cases.filter(cryptonym__icontains=text)
    return cases.order_by("-opened_at", "-pk")


def posts_with_cases(user: AnyUser) -> QuerySet[Post]:
    """The posts of the cases ``user`` may see (the choices of the list's post filter)."""
    return Post.objects.filter(pk__in=cases_for(user).values("post_id")).order_by("name")


def access_case(user: AnyUser, case_id: int | str, action: Action | str) -> Case:
    """The case ``case_id`` if ``user`` may ``action`` it, else
    :class:`~defector.core.errors.NotFound` (for a denied case exactly as for a missing one)."""
    queryset = Case.objects.select_related("post", "opened_by__user").prefetch_related(
        "compartments", "officers__user"
    )
    return get_for(user, action, queryset, case_id, what="case")


def case_detail(user: AnyUser, case_id: int) -> Case:
    """One case ``user`` may see, or :class:`~defector.core.errors.NotFound` (also if denied)."""
    return access_case(user, case_id, Action.VIEW)


def can_reveal(user: AnyUser, case: Case) -> bool:
    """Whether ``user`` may reveal the sealed fields of this case's subject."""
    return can(user, Action.REVEAL, case)


# --- what a user may open a case with ---------------------------------------------------------


def may_open_at(principal: Principal) -> set[int]:
    """The posts where this principal may open cases (``6b(1)``): where they hold one of
    :data:`~defector.cases.choices.OPENING_ROLES`."""
    return principal.posts_with(*OPENING_ROLES)


def posts_for_intake(user: AnyUser) -> QuerySet[Post]:
    """The active posts where ``user`` may open cases (``6b(1)``)."""
    return Post.objects.filter(pk__in=sorted(may_open_at(principal_for(user))), active=True)


def can_open_cases(user: AnyUser) -> bool:
    return posts_for_intake(user).exists()


def sensitivities_for(user: AnyUser) -> tuple[str, ...]:
    """The sensitivity levels ``user`` may give a case: up to their clearance."""
    return levels_up_to(principal_for(user).clearance_rank)


def compartments_held(user: AnyUser) -> QuerySet[Compartment]:
    """The compartments ``user`` is read into (the only ones they may give a case)."""
    return Compartment.objects.filter(code__in=sorted(principal_for(user).compartments))


# --- one case as the page and the API show it -------------------------------------------------


@dataclass(frozen=True, slots=True)
class OfficialRef:
    id: int
    name: str


@dataclass(frozen=True, slots=True)
class IdentityRow:
    """A sealed field of the subject: its name, its label, and whether anything is recorded."""

    field: str
    label: str
    recorded: bool


@dataclass(frozen=True, slots=True)
class CaseView:
    """A case as its page and ``GET /cases/{id}`` show it: cryptonym, never a name."""

    id: int
    cryptonym: str
    kind: str
    kind_label: str
    #: The clause that defines the kind of person taken in (``2e``, ``2c``, ``2d``).
    kind_clause: str
    post: Post
    sensitivity: str
    compartments: list[str]
    officers: list[OfficialRef]
    opened_at: dt.datetime
    opened_by: OfficialRef | None
    version: int
    identity: list[IdentityRow]
    can_reveal: bool

    @property
    def recorded_identity(self) -> list[IdentityRow]:
        return [row for row in self.identity if row.recorded]


def _ref(official: Official) -> OfficialRef:
    return OfficialRef(id=official.pk, name=str(official))


def identity_of(case: Case) -> list[IdentityRow]:
    """The subject's sealed fields, each only as recorded or not."""
    subject = Subject.objects.filter(case=case).first()
    return [
        IdentityRow(
            field=name,
            label=label,
            recorded=subject is not None and getattr(subject, name) is not None,
        )
        for name, label in IDENTITY_FIELDS.items()
    ]


def describe(user: AnyUser, case: Case) -> CaseView:
    """The view of a case (from :func:`case_detail`) for ``user``."""
    return CaseView(
        id=case.pk,
        cryptonym=case.cryptonym,
        kind=case.kind,
        kind_label=IntakeKind(case.kind).label,
        kind_clause=INTAKE_CLAUSE[case.kind],
        post=case.post,
        sensitivity=case.sensitivity,
        compartments=sorted(c.code for c in case.compartments.all()),
        officers=[_ref(official) for official in case.officers.all()],
        opened_at=case.opened_at,
        opened_by=_ref(case.opened_by) if case.opened_by is not None else None,
        version=case.version,
        identity=identity_of(case),
        can_reveal=can_reveal(user, case),
    )
