"""The case list: its filters, the cases a user may see, a page of them as rows, and the
choices of the filters."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Final, cast

from django.db.models import Exists, Field, IntegerField, OuterRef, QuerySet
from django.db.models.expressions import Expression
from django.utils import timezone

from defector.cases.choices import CaseOutcome, IntakeKind, ObligationStatus, Stage
from defector.cases.models import Case, Obligation
from defector.core.access import Action, remembered, restrict
from defector.core.errors import InvalidInput
from defector.core.pagination import Mapped
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


#: The list's order, newest first (the ``cases_case_post_newest`` and ``cases_case_newest``
#: indexes read it in order, so a page stops after its rows).
NEWEST: Final = ("-opened_at", "-pk")


def visible_cases(user: AnyUser) -> QuerySet[Case]:
    """The cases ``user`` may see, unordered and without annotations: the base of the list, of
    its count and of its filters' choices, built once within a page's reading."""
    return remembered(
        ("cases.visible_cases", getattr(user, "pk", None)),
        lambda: restrict(user, Action.VIEW, Case.objects.order_by()),
    )


def _narrowed(cases: QuerySet[Case], filters: CaseFilters, now: dt.datetime) -> QuerySet[Case]:
    """``cases`` narrowed by ``filters``: conditions on the case's own row, and on its overdue
    obligations and its officers as ``EXISTS`` and ``IN`` subqueries (no join, no row twice)."""
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
    return cases


class OpenObligations(Expression):
    """A case's open obligations (overdue ones only, with ``overdue_at``), counted for each
    row of a page: a correlated subquery the database runs for the rows it returns (the list's
    index gives the order, so only the page's rows). Written out: Django's
    ``Subquery(… Count …)`` costs more to build and compile than the page's SQL takes to run."""

    output_field = IntegerField()

    def __init__(self, overdue_at: dt.datetime | None = None) -> None:
        super().__init__()
        self.overdue_at = overdue_at

    def as_sql(self, compiler: Any, connection: Any, **extra: Any) -> tuple[str, list[Any]]:
        quote = connection.ops.quote_name
        table = Obligation._meta.db_table
        column = {
            name: cast("Field[Any, Any]", Obligation._meta.get_field(name)).column
            for name in _OBLIGATION_COLUMNS
        }
        # The case's row: the query's base table (whatever alias it has as a subquery).
        case = compiler.quote_name_unless_alias(compiler.query.base_table)
        sql = (
            f"SELECT COUNT(*) FROM {quote(table)} WHERE "  # noqa: S608  (quoted names)
            f"{quote(table)}.{quote(column['case'])} = {case}.{quote(Case._meta.pk.column)} "
            f"AND {quote(table)}.{quote(column['status'])} = %s"
        )
        params: list[Any] = [ObligationStatus.OPEN.value]
        if self.overdue_at is not None:
            sql += f" AND {quote(table)}.{quote(column['due_at'])} < %s"
            params.append(connection.ops.adapt_datetimefield_value(self.overdue_at))
        return f"({sql})", params


#: The obligation's columns :class:`OpenObligations` reads.
_OBLIGATION_COLUMNS: Final = ("case", "status", "due_at")


def _with_counts(cases: QuerySet[Case], now: dt.datetime) -> QuerySet[Case]:
    return cases.annotate(
        open_count=OpenObligations(),
        overdue_count=OpenObligations(overdue_at=now),
    )


def cases_for(
    user: AnyUser, filters: CaseFilters | None = None, *, now: dt.datetime | None = None
) -> QuerySet[Case]:
    """The cases ``user`` may see, newest first, narrowed by ``filters``; each with
    ``open_count`` and ``overdue_count`` (its open and overdue obligations at ``now``)."""
    now = now or timezone.now()
    cases = _narrowed(visible_cases(user), filters or CaseFilters(), now)
    return _with_counts(cases.select_related("post"), now).order_by(*NEWEST)


@dataclass(frozen=True, slots=True)
class CaseRow:
    """A case as a row of the list shows it: what the case's own row holds, its post's name,
    and its open and overdue obligations."""

    id: int
    cryptonym: str
    kind: str
    post: str
    stage: str
    outcome: str
    categories: tuple[str, ...]
    open_count: int
    overdue_count: int
    sensitivity: str
    opened_at: dt.datetime

    @property
    def kind_label(self) -> str:
        return _label(IntakeKind, self.kind)

    @property
    def stage_label(self) -> str:
        return _label(Stage, self.stage)

    @property
    def outcome_label(self) -> str:
        return _label(CaseOutcome, self.outcome) if self.outcome else ""


def _label(choices: Any, value: str) -> str:
    try:
        return str(choices(value).label)
    except ValueError:
        return value


_ROW_FIELDS: Final = (
    "id",
    "cryptonym",
    "kind",
    "post__name",
    "stage",
    "outcome",
    "categories",
    "open_count",
    "overdue_count",
    "sensitivity",
    "opened_at",
)


class CaseRows:
    """The list for a paginator (``django.core.paginator.Paginator``): ``count()`` counts the
    cases without their obligations, a slice reads one page as :class:`CaseRow` (one query
    each, whatever the number of cases)."""

    def __init__(self, cases: QuerySet[Case], now: dt.datetime) -> None:
        self.cases = cases
        self.now = now

    def count(self) -> int:
        return self.cases.count()

    def __getitem__(self, page: slice) -> list[CaseRow]:
        rows = _with_counts(self.cases, self.now).order_by(*NEWEST).values_list(*_ROW_FIELDS)
        return [
            CaseRow(
                id=pk,
                cryptonym=cryptonym,
                kind=kind,
                post=post,
                stage=stage,
                outcome=outcome,
                categories=tuple(categories or ()),
                open_count=open_count or 0,
                overdue_count=overdue_count or 0,
                sensitivity=sensitivity,
                opened_at=opened_at,
            )
            for (
                pk,
                cryptonym,
                kind,
                post,
                stage,
                outcome,
                categories,
                open_count,
                overdue_count,
                sensitivity,
                opened_at,
            ) in rows[page]
        ]


_SUMMARY_FIELDS: Final = (
    "id",
    "cryptonym",
    "kind",
    "post_id",
    "post__code",
    "post__name",
    "sensitivity",
    "opened_at",
    "received_at",
    "stage",
    "outcome",
    "categories",
    "open_count",
    "overdue_count",
    "version",
)


class CaseSummaries(Mapped[Case]):
    """The list for the API's pages (``core.pagination``): ``count()`` counts the cases
    without their obligations, a page is read as the API's summaries (plain values, no model
    instances; one query each, whatever the number of cases)."""

    def __init__(self, cases: QuerySet[Case], now: dt.datetime) -> None:
        super().__init__(cases, lambda rows: rows)
        self.now = now

    def count(self) -> int:
        return self.rows.count()

    def page(self, start: int, stop: int) -> list[Any]:
        rows = _with_counts(self.rows, self.now).order_by(*NEWEST).values_list(*_SUMMARY_FIELDS)
        return [
            {
                "id": row[0],
                "cryptonym": row[1],
                "kind": row[2],
                "post": {"id": row[3], "code": row[4], "name": row[5]},
                "sensitivity": row[6],
                "opened_at": row[7],
                "received_at": row[8],
                "stage": row[9],
                "outcome": row[10],
                "categories": list(row[11] or ()),
                "open_count": row[12] or 0,
                "overdue_count": row[13] or 0,
                "version": row[14],
            }
            for row in rows[start:stop]
        ]


def case_summaries(
    user: AnyUser, filters: CaseFilters | None = None, *, now: dt.datetime | None = None
) -> CaseSummaries:
    """The cases of :func:`cases_for` as the API lists them, read only for the page asked."""
    now = now or timezone.now()
    return CaseSummaries(_narrowed(visible_cases(user), filters or CaseFilters(), now), now)


def case_rows(
    user: AnyUser, filters: CaseFilters | None = None, *, now: dt.datetime | None = None
) -> CaseRows:
    """The list's page as rows (:class:`CaseRows`): the cases of :func:`cases_for`, read
    only for the page shown."""
    now = now or timezone.now()
    return CaseRows(_narrowed(visible_cases(user), filters or CaseFilters(), now), now)


def post_choices(user: AnyUser) -> list[tuple[int, str]]:
    """The posts of the cases ``user`` may see, by name (the choices of the list's post
    filter): their id and name."""
    posts = Post.objects.filter(pk__in=visible_cases(user).values("post_id"))
    return list(posts.order_by("name").values_list("pk", "name"))


def officer_choices(user: AnyUser) -> list[tuple[int, str]]:
    """The officers assigned to cases ``user`` may see (the list's officer filter): their id
    and name, by last name."""
    assigned = Case.officers.through.objects.filter(
        case_id__in=visible_cases(user).values("pk")
    ).values("official_id")
    officials = (
        Official.objects.filter(pk__in=assigned)
        .order_by("user__last_name", "user__first_name", "user__username")
        .values_list("pk", "user__first_name", "user__last_name", "user__username")
    )
    return [(pk, f"{first} {last}".strip() or username) for pk, first, last, username in officials]
