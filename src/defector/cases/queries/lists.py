"""The case list: its filters, the cases a user may see, and the choices of the filters."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Final

from django.db.models import Count, Exists, IntegerField, OuterRef, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from defector.cases.choices import IntakeKind, ObligationStatus, Stage
from defector.cases.models import Case, Obligation
from defector.core.access import Action, restrict
from defector.core.errors import InvalidInput
from defector.core.users import AnyUser
from defector.directory.models import Official, Post
from defector.policy.definitions import Category

#: The longest text filter accepted on cryptonyms, and on a note search.
MAX_QUERY_LENGTH: Final = 40


MAX_SEARCH_LENGTH: Final = 200


YES: Final = frozenset({"1", "true", "yes", "on"})


NO: Final = frozenset({"0", "false", "no", "off"})


@dataclass(frozen=True, slots=True)
class CaseFilters:
    """The filters of the case list, shared by the page and the API."""

    post: int | None = None
    stage: str = ""
    #: A category of the latest assessment (``defector``, ``walk_in``, …).
    category: str = ""
    #: Only cases with (True) or without (False) an overdue obligation; None: either.
    overdue: bool | None = None
    #: Only cases this official (id) is assigned to.
    officer: int | None = None
    kind: str = ""
    #: Text the cryptonym contains (case-insensitive).
    q: str = ""

    @property
    def active(self) -> bool:
        return self != CaseFilters()


def _as_int(value: object) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().isdigit():
        return int(value.strip())
    return None


def parse_case_filters(data: Mapping[str, Any]) -> CaseFilters:
    """The filters in ``data`` (a page's query string or the API's), or :class:`InvalidInput`
    naming every bad one. Empty values mean "any"."""
    errors: list[dict[str, str]] = []

    def text(name: str) -> str:
        value = data.get(name)
        if value is None:
            return ""
        if isinstance(value, bool | int):
            return str(value).lower()
        return str(value).strip()

    post = None
    if text("post"):
        post = _as_int(text("post"))
        if post is None:
            errors.append({"field": "post", "message": "must be a post's id"})
    stage = text("stage")
    if stage and stage not in Stage.values:
        errors.append({"field": "stage", "message": f"must be one of {', '.join(Stage.values)}"})
    category = text("category")
    if category and category not in {c.value for c in Category}:
        known = ", ".join(c.value for c in Category)
        errors.append({"field": "category", "message": f"must be one of {known}"})
    overdue: bool | None = None
    raw = text("overdue").lower()
    if raw in YES:
        overdue = True
    elif raw in NO:
        overdue = False
    elif raw:
        errors.append({"field": "overdue", "message": "must be true or false"})
    officer = None
    if text("officer"):
        officer = _as_int(text("officer"))
        if officer is None:
            errors.append({"field": "officer", "message": "must be an official's id"})
    kind = text("kind")
    if kind and kind not in IntakeKind.values:
        errors.append(
            {"field": "kind", "message": f"must be one of {', '.join(IntakeKind.values)}"}
        )
    q = text("q")
    if len(q) > MAX_QUERY_LENGTH:
        errors.append({"field": "q", "message": f"must be at most {MAX_QUERY_LENGTH} characters"})
    if errors:
        raise InvalidInput(errors)
    return CaseFilters(
        post=post,
        stage=stage,
        category=category,
        overdue=overdue,
        officer=officer,
        kind=kind,
        q=q,
    )


def overdue_obligations(now: dt.datetime) -> QuerySet[Obligation]:
    return Obligation.objects.filter(status=ObligationStatus.OPEN, due_at__lt=now)


def _count(queryset: QuerySet[Obligation]) -> Coalesce:
    counted = (
        queryset.filter(case=OuterRef("pk"))
        .order_by()
        .values("case")
        .annotate(number=Count("pk"))
        .values("number")
    )
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


def cases_for(
    user: AnyUser, filters: CaseFilters | None = None, *, now: dt.datetime | None = None
) -> QuerySet[Case]:
    """The cases ``user`` may see, newest first, narrowed by ``filters``; each with
    ``open_count`` and ``overdue_count`` (its open and overdue obligations at ``now``)."""
    filters = filters or CaseFilters()
    now = now or timezone.now()
    cases = restrict(user, Action.VIEW, Case.objects.select_related("post"))
    if filters.post is not None:
        cases = cases.filter(post_id=filters.post)
    if filters.stage:
        cases = cases.filter(stage=filters.stage)
    if filters.category:
        # The JSON list's text holds each category in quotes: "defector" never matches
        # "potential_defector". Works the same on SQLite and PostgreSQL.
        cases = cases.filter(categories__icontains=f'"{filters.category}"')
    overdue = overdue_obligations(now)
    if filters.overdue is True:
        cases = cases.filter(Exists(overdue.filter(case=OuterRef("pk"))))
    elif filters.overdue is False:
        cases = cases.exclude(Exists(overdue.filter(case=OuterRef("pk"))))
    if filters.officer is not None:
        cases = cases.filter(
            pk__in=Case.officers.through.objects.filter(official_id=filters.officer).values(
                "case_id"
            )
        )
    if filters.kind:
        cases = cases.filter(kind=filters.kind)
    text = filters.q.strip()[:MAX_QUERY_LENGTH]
    if text:
        cases = cases.filter(cryptonym__icontains=text)
    return cases.annotate(
        open_count=_count(Obligation.objects.filter(status=ObligationStatus.OPEN)),
        overdue_count=_count(overdue),
    ).order_by("-opened_at", "-pk")


def posts_with_cases(user: AnyUser) -> QuerySet[Post]:
    """The posts of the cases ``user`` may see (the choices of the list's post filter)."""
    return Post.objects.filter(pk__in=cases_for(user).values("post_id")).order_by("name")


def officers_with_cases(user: AnyUser) -> QuerySet[Official]:
    """The officers assigned to cases ``user`` may see (the list's officer filter)."""
    visible = cases_for(user).values("pk")
    return (
        Official.objects.filter(assigned_cases__in=visible)
        .select_related("user")
        .distinct()
        .order_by("user__last_name", "user__first_name", "user__username")
    )
