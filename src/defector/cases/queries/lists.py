"""The case list: the cases a user may see, narrowed by its filters (``filters``), and a page
of them as rows (the filters' choices, and the unfiltered count, are ``list_choices``).

The list's reads are prepared (``core.prepared``): for each reader and each set of filters
given, the count and the page are compiled once and run with the filters' values, the clock
and the page's bounds as parameters — the reader's access condition and the filters' shape
make the SQL, their values do not change it."""

from __future__ import annotations

import datetime as dt
import functools
import json
from collections.abc import Mapping
from typing import Any, Final, cast

from django.core.exceptions import EmptyResultSet
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connections, router
from django.db.models import (
    CharField,
    Exists,
    ExpressionWrapper,
    F,
    Field,
    Func,
    IntegerField,
    OuterRef,
    QuerySet,
    TextField,
)
from django.db.models.expressions import Expression
from django.utils import timezone

from defector.cases.access import assigned_written_as
from defector.cases.choices import ObligationStatus
from defector.cases.models import Case, Obligation
from defector.cases.queries.filters import CaseFilters, filter_values
from defector.cases.queries.list_choices import every_post_count
from defector.core.access import (
    RULES,
    Action,
    Principal,
    levels,
    principal_for,
    remembered,
    restrict,
    restricted,
)
from defector.core.pagination import Mapped
from defector.core.prepared import Param, Prepared
from defector.core.unchanged import kept
from defector.core.users import AnyUser
from defector.directory.models import Post


def overdue_obligations(now: dt.datetime | Param) -> QuerySet[Obligation]:
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


def _narrowed_by(
    cases: QuerySet[Case], values: Mapping[str, Any], overdue: bool | None, now: Any
) -> QuerySet[Case]:
    """``cases`` narrowed by the filters' ``values`` (:func:`filter_values`, or a
    :class:`Param` each) and ``overdue`` at ``now``: conditions on the case's own row, and on
    its overdue obligations and its officers as ``EXISTS`` and ``IN`` subqueries (no join, no
    row twice)."""
    if "post" in values:
        cases = cases.filter(post_id=values["post"])
    if "stage" in values:
        cases = cases.filter(stage=values["stage"])
    if "category" in values:
        cases = cases.filter(categories__icontains=values["category"])
    if overdue is not None:
        exists = Exists(overdue_obligations(now).filter(case=OuterRef("pk")))
        cases = cases.filter(exists) if overdue else cases.exclude(exists)
    if "officer" in values:
        cases = cases.filter(
            pk__in=Case.officers.through.objects.filter(official_id=values["officer"]).values(
                "case_id"
            )
        )
    if "kind" in values:
        cases = cases.filter(kind=values["kind"])
    if "q" in values:
        cases = cases.filter(cryptonym__icontains=values["q"])
    return cases


def _narrowed(cases: QuerySet[Case], filters: CaseFilters, now: dt.datetime) -> QuerySet[Case]:
    return _narrowed_by(cases, filter_values(filters), filters.overdue, now)


class OpenObligations(Expression):
    """A case's open obligations (overdue ones only, with ``overdue_at``), counted for each
    row of a page: a correlated subquery the database runs for the rows it returns (the list's
    index gives the order, so only the page's rows). Written out: Django's
    ``Subquery(… Count …)`` costs more to build and compile than the page's SQL takes to run."""

    output_field: Any = IntegerField()
    #: What is read of the obligations found (``{due}``: their due time's column), and how
    #: their due time is compared with ``overdue_at``.
    aggregate = "COUNT(*)"
    comparison = "<"

    def __init__(self, overdue_at: dt.datetime | Param | None = None) -> None:
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
        due = f"{quote(table)}.{quote(column['due_at'])}"
        sql = (
            f"SELECT {self.aggregate.format(due=due)} FROM {quote(table)} WHERE "  # noqa: S608
            f"{quote(table)}.{quote(column['case'])} = {case}.{quote(Case._meta.pk.column)} "
            f"AND {quote(table)}.{quote(column['status'])} = %s"
        )
        params: list[Any] = [ObligationStatus.OPEN.value]
        if isinstance(self.overdue_at, Param):  # a prepared read's: its value given adapted
            moment, moment_params = compiler.compile(self.overdue_at)
            sql += f" AND {due} {self.comparison} {moment}"
            params.extend(moment_params)
        elif self.overdue_at is not None:
            sql += f" AND {due} {self.comparison} %s"
            params.append(connection.ops.adapt_datetimefield_value(self.overdue_at))
        return f"({sql})", params


_OBLIGATION_COLUMNS: Final = ("case", "status", "due_at")  # what ``OpenObligations`` reads


def _with_counts(cases: QuerySet[Case], now: dt.datetime | Param) -> QuerySet[Case]:
    return cases.annotate(
        open_count=OpenObligations(),
        overdue_count=OpenObligations(overdue_at=now),
    )


class NextDue(OpenObligations):
    """When the first of a case's open obligations not yet overdue at ``overdue_at`` falls due
    (``NULL``: none), as its column holds it: until then the case's ``overdue_count`` at any
    later time is the one at ``overdue_at`` (``list_rows``: a page's rows kept that long)."""

    output_field = TextField()
    aggregate = "MIN({due})"
    comparison = ">="


class PostOf(Expression):
    """The case's post, code and name, for each row of a page: one correlated subquery by the
    case's post, written as the code's length, a colon, the code and the name
    (:func:`post_of` reads it back), which the database runs for the page's rows only, after
    the limit. Joined instead, the post was read for every case the reader sees, before the
    sort: on PostgreSQL, which expects a row or two from the access condition, a scan of the
    posts for each of them (the API's page 3.3–3.9 ms of the server's CPU, 1.7 ms with this;
    with a subquery each for the code and the name, 2.2 ms: PostgreSQL scans the posts' three
    pages rather than probe their key, ``docs/benchmarks.md``)."""

    output_field = CharField()

    def as_sql(self, compiler: Any, connection: Any, **extra: Any) -> tuple[str, list[Any]]:
        quote = connection.ops.quote_name
        table = quote(Post._meta.db_table)
        code, name, key = (
            quote(cast("Field[Any, Any]", Post._meta.get_field(field)).column)
            for field in ("code", "name", "id")
        )
        case = compiler.quote_name_unless_alias(compiler.query.base_table)
        post = quote(cast("Field[Any, Any]", Case._meta.get_field("post")).column)
        return (
            f"(SELECT LENGTH(p.{code}) || ':' || p.{code} || p.{name} "  # noqa: S608  (quoted)
            f"FROM {table} p WHERE p.{key} = {case}.{post})"
        ), []


def post_of(value: str) -> tuple[str, str]:
    """The post's code and name in a value of :class:`PostOf`."""
    length, _, rest = value.partition(":")
    return rest[: int(length)], rest[int(length) :]


def cases_for(
    user: AnyUser, filters: CaseFilters | None = None, *, now: dt.datetime | None = None
) -> QuerySet[Case]:
    """The cases ``user`` may see, newest first, narrowed by ``filters``; each with
    ``open_count`` and ``overdue_count`` (its open and overdue obligations at ``now``)."""
    now = now or timezone.now()
    cases = _narrowed(visible_cases(user), filters or CaseFilters(), now)
    return _with_counts(cases.select_related("post"), now).order_by(*NEWEST)


@functools.lru_cache(maxsize=1024)
def categories_of(text: str | None) -> tuple[str, ...]:
    """A case's categories from their column's JSON, as ``JSONField`` reads them (a value
    that is not JSON given as it is): a few lists recur over every case."""
    if text is None:
        return ()
    try:
        value = json.loads(text)
    except json.JSONDecodeError:
        value = text
    return tuple(value or ())


#: The ids a filter may name: beyond them no case matches (the ORM's answer to an integer out
#: of a column's range), and the driver could not send them.
_IDS: Final = range(-(2**63), 2**63)

#: The prepared reads of the lists kept (by reader and filters; a few kB each, per thread).
_READS_CACHE_SIZE: Final = 2048


def _counted(cases: QuerySet[Case]) -> QuerySet[Case, Any]:
    """The number of ``cases`` as a one-row ``.values()`` read (a prepared read's count)."""
    if cases.query.distinct:
        cases = Case.objects.filter(pk__in=cases.values("pk"))
    return cases.order_by().values(count=Func(template="COUNT(*)", output_field=IntegerField()))


@functools.lru_cache(maxsize=_READS_CACHE_SIZE)
def _list_reads(
    principal: Principal,
    rule: Any,
    level_names: tuple[str, ...],
    names: frozenset[str],
    overdue: bool | None,
    fields: tuple[str, ...],
) -> tuple[Prepared, Prepared] | None:
    """The count and the page of the list ``principal`` sees, narrowed by the filters
    ``names`` and ``overdue``, as prepared reads of the columns ``fields``: their SQL compiled
    once, the filters' values and the clock given when they run; ``None`` when no case is
    allowed. Built from the principal alone (``core.access.restricted``), so kept for it, with
    the registry's ``rule`` and the ``level_names`` in the key (a test's settings compile
    anew, as ``core.access`` does for one case's test)."""
    if restricted(principal, Action.VIEW, Case.objects.order_by()) is None:
        return None
    params = {name: Param(name) for name in names}
    now = Param("now")

    def narrowed() -> QuerySet[Case]:
        visible = restricted(principal, Action.VIEW, Case.objects.order_by())
        assert visible is not None  # noqa: S101  (a rule is a function of the principal)
        return _narrowed_by(visible, params, overdue, now)

    count = Prepared(lambda: _counted(narrowed()))

    def page_of() -> QuerySet[Case, Any]:
        # The officer's links probed for each case walked until the page is full (access.py).
        with assigned_written_as("exists"):
            cases = _with_counts(narrowed(), now)
        if "post_of" in fields:
            cases = cases.annotate(post_of=PostOf())
        if "next_due" in fields:
            cases = cases.annotate(next_due=NextDue(overdue_at=now))
        # The categories' JSON and the opening time as the columns hold them, each decoded
        # once per process for each value (:func:`categories_of`, ``moment``), not per row.
        cases = cases.annotate(
            categories_json=ExpressionWrapper(F("categories"), output_field=TextField()),
            opened_raw=ExpressionWrapper(F("opened_at"), output_field=TextField()),
        )
        return cases.order_by(*NEWEST).values(*fields)

    page = Prepared(page_of)
    return count, page


class _ListRead:
    """The list ``user`` sees under ``filters`` at ``now``: its count and its pages, as the
    prepared reads of :func:`_list_reads` (one query each, no compiling after the first)."""

    def __init__(
        self, user: AnyUser, filters: CaseFilters, now: dt.datetime, fields: tuple[str, ...]
    ) -> None:
        self.values, self.user = filter_values(filters), user
        shape = (
            principal_for(user),
            RULES.get(Case._meta.label_lower),
            levels(),
            frozenset(self.values),
            filters.overdue,
            fields,
        )
        self.reads = _list_reads(*shape)
        #: What the read's answers depend on besides the database and the clock.
        self.key = (shape, tuple(sorted(self.values.items())))
        self.alias = router.db_for_read(Case)
        self.at = now
        self.now = connections[self.alias].ops.adapt_datetimefield_value(now)
        self.overdue = filters.overdue
        if any(
            self.values[name] not in _IDS for name in ("post", "officer") if name in self.values
        ):
            self.reads = None

    def count(self) -> int:
        if self.reads is None:
            return 0
        known = every_post_count(self.user) if not self.values and self.overdue is None else None
        if known is not None:  # unfiltered, for a reader of every post's cases
            return known
        if self.overdue is not None:  # counted at the clock's time
            return self._count({"now": self.now})
        # Kept while the database is unchanged (``core.unchanged``): nothing else in it moves.
        return kept(connections[self.alias], ("cases.list_count", self.key), self._count)

    def _count(self, clock: Mapping[str, Any] | None = None) -> int:
        assert self.reads is not None  # noqa: S101  (``count`` has looked)
        try:
            row = self.reads[0].one(using=self.alias, **self.values, **(clock or {}))
        except EmptyResultSet:  # a condition that holds for no row (e.g. no level cleared)
            return 0
        return int(row["count"]) if row else 0

    def slice(self, start: int, stop: int) -> list[dict[str, Any]]:
        if self.reads is None:
            return []
        try:
            return self.reads[1].slice(start, stop, using=self.alias, **self.values, now=self.now)
        except EmptyResultSet:
            return []


_SUMMARY_FIELDS: Final = (
    "id",
    "cryptonym",
    "kind",
    "post_id",
    "post_of",
    "sensitivity",
    "opened_at",
    "received_at",
    "stage",
    "outcome",
    "categories_json",
    "open_count",
    "overdue_count",
    "version",
    "next_due",
)

#: How the API writes a time (``ninja``'s encoder is Django's for them): a page's times
#: written once, when it is read, and kept so.
_JSON: Final = DjangoJSONEncoder()


class CaseSummaries(Mapped[Case]):
    """The list for the API's pages (``core.pagination``): ``count()`` counts the cases
    without their obligations, a page is read as the API's summaries (plain values, no model
    instances; one query each, whatever the number of cases), their times written as JSON
    writes them (:data:`_JSON`: the answer's bytes are the same, and each page kept is not
    written out again).

    A page and its count are kept together (``counted_page``) while the database is unchanged
    (``core.unchanged``: one reading for both) unless the overdue filter is given, and until
    the first of the rows' open obligations not yet overdue falls due, as the web's rows are
    (``list_rows.CaseRows``). The summaries kept are shared by the process's threads: nothing
    changes them (the renderer only writes them)."""

    def __init__(self, read: _ListRead) -> None:
        super().__init__(Case.objects.none(), lambda rows: rows)
        self.read = read

    def count(self) -> int:
        return self.read.count()

    def page(self, start: int, stop: int) -> list[Any]:
        return list(self._summaries(start, stop)[0])

    def counted_page(self, start: int, stop: int) -> tuple[int, list[Any]]:
        read = self.read
        if read.overdue is not None:  # which cases are counted and shown depends on the clock
            return super().counted_page(start, stop)
        count, summaries, _, _ = kept(
            connections[read.alias],
            ("cases.list_summaries", read.key, start, stop),
            lambda: self._counted(start, stop),
            still=lambda kept: kept[2] <= read.now and (kept[3] is None or read.now <= kept[3]),
        )
        return count, list(summaries)

    def _counted(self, start: int, stop: int) -> tuple[int, tuple[dict[str, Any], ...], Any, Any]:
        count = self.count()
        if start >= count:
            return count, (), self.read.now, None
        return (count, *self._summaries(start, stop))

    def _summaries(self, start: int, stop: int) -> tuple[tuple[dict[str, Any], ...], Any, Any]:
        """The page's summaries from ``start`` to ``stop``, the clock they were read at, and
        when the first of their open obligations not yet overdue then falls due (``None``:
        none), both as the database compares them."""
        rows = self.read.slice(start, stop)
        dues = [row["next_due"] for row in rows if row["next_due"] is not None]
        posts = {row["post_of"]: post_of(row["post_of"]) for row in rows}
        written = _JSON.default
        summaries = tuple(
            {
                "id": row["id"],
                "cryptonym": row["cryptonym"],
                "kind": row["kind"],
                "post": {
                    "id": row["post_id"],
                    "code": posts[row["post_of"]][0],
                    "name": posts[row["post_of"]][1],
                },
                "sensitivity": row["sensitivity"],
                "opened_at": written(row["opened_at"]),
                "received_at": written(row["received_at"]),
                "stage": row["stage"],
                "outcome": row["outcome"],
                "categories": list(categories_of(row["categories_json"])),
                "open_count": row["open_count"] or 0,
                "overdue_count": row["overdue_count"] or 0,
                "version": row["version"],
            }
            for row in rows
        )
        return summaries, self.read.now, min(dues, default=None)


def case_summaries(
    user: AnyUser, filters: CaseFilters | None = None, *, now: dt.datetime | None = None
) -> CaseSummaries:
    """The cases of :func:`cases_for` as the API lists them, read only for the page asked."""
    read = _ListRead(user, filters or CaseFilters(), now or timezone.now(), _SUMMARY_FIELDS)
    return CaseSummaries(read)
