"""The case list's page as rows (:class:`CaseRow`, for the web's list): the cases a reader sees,
narrowed by its filters, read for the page shown (``lists``: the prepared reads), the rows'
posts named from the filters' choices (``list_choices``).

A page's rows are kept while the database is unchanged (``core.unchanged``) unless the list
is narrowed by the overdue filter: nothing in them reads the clock but each row's number of
overdue obligations, which stays the same until the first of the rows' open obligations not
yet overdue falls due (read with them), and the rows are read again from then."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any, Final, NamedTuple, cast

from django.db import connections
from django.utils import timezone

from defector.cases.choices import CaseOutcome, IntakeKind, Stage
from defector.cases.queries.filters import CaseFilters
from defector.cases.queries.list_choices import ListChoices, list_choices, moment
from defector.cases.queries.lists import _ListRead, categories_of
from defector.core.unchanged import kept
from defector.core.users import AnyUser
from defector.directory.models import Post


class CaseRow(NamedTuple):
    """A case as a row of the list shows it: what the case's own row holds, its post's name,
    and its open and overdue obligations (a tuple: fifty made for each page)."""

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
        return _KINDS.get(self.kind, self.kind)

    @property
    def stage_label(self) -> str:
        return _STAGES.get(self.stage, self.stage)

    @property
    def outcome_label(self) -> str:
        return _OUTCOMES.get(self.outcome, self.outcome) if self.outcome else ""


def _labels(choices: Any) -> dict[str, str]:
    """Each value of ``choices`` and its label (a value without one is shown as it is)."""
    return {str(choice.value): str(choice.label) for choice in choices}


_KINDS: Final = _labels(IntakeKind)
_STAGES: Final = _labels(Stage)
_OUTCOMES: Final = _labels(CaseOutcome)


_ROW_FIELDS: Final = (
    "id",
    "cryptonym",
    "kind",
    "post_id",
    "stage",
    "outcome",
    "categories_json",
    "open_count",
    "overdue_count",
    "sensitivity",
    "opened_raw",
    "next_due",
)


class CaseRows:
    """The list for a paginator (``django.core.paginator.Paginator``): ``count()`` counts the
    cases without their obligations, a slice reads one page as :class:`CaseRow` (one query
    each, whatever the number of cases). Unfiltered, the count is the filters' choices' own
    (``list_choices``: read with them, once within a page's reading), and so are the names of
    the rows' posts (every case the reader sees is at one of those posts): the page's read
    joins no post (on PostgreSQL, a join the planner, expecting a row or two, ran once for
    each case the reader sees)."""

    def __init__(
        self,
        read: _ListRead,
        choices: Callable[[], ListChoices],
        counted: Callable[[], int] | None = None,
    ) -> None:
        self.read = read
        self.choices = choices
        self.counted = counted

    def count(self) -> int:
        return self.counted() if self.counted is not None else self.read.count()

    def __getitem__(self, page: slice) -> list[CaseRow]:
        start, stop = page.start or 0, page.stop
        read = self.read
        if read.overdue is not None:  # which cases are shown depends on the clock
            return list(self._rows(start, stop)[0])
        # Kept while the database is unchanged (``core.unchanged``) and until the first of
        # the rows' open obligations not yet overdue falls due: their ``overdue_count``, all
        # the clock changes, is the same at any time from the read's to then (compared as the
        # database compares them, on the values it compares).
        rows, _, _ = kept(
            connections[read.alias],
            ("cases.list_rows", read.key, start, stop),
            lambda: self._rows(start, stop),
            still=lambda kept: kept[1] <= read.now and (kept[2] is None or read.now <= kept[2]),
        )
        return list(rows)

    def _rows(self, start: int, stop: int) -> tuple[tuple[CaseRow, ...], Any, Any]:
        """The page's rows from ``start`` to ``stop``, the clock they were read at, and when the
        first of their open obligations not yet overdue then falls due (``None``: none), both
        as the database compares them."""
        rows = self.read.slice(start, stop)
        dues = [row["next_due"] for row in rows if row["next_due"] is not None]
        at, until = self.read.now, min(dues, default=None)
        if not rows:
            return (), at, until
        names = dict(self.choices().posts)
        missing = {row["post_id"] for row in rows} - names.keys()
        if missing:  # a case moved to another post since the choices were read
            names.update(_post_names(missing))
        made = tuple(
            CaseRow(
                row["id"],
                row["cryptonym"],
                row["kind"],
                names[row["post_id"]],
                row["stage"],
                row["outcome"],
                categories_of(row["categories_json"]),
                row["open_count"] or 0,
                row["overdue_count"] or 0,
                row["sensitivity"],
                cast("dt.datetime", moment(self.read.alias, row["opened_raw"])),
            )
            for row in rows
        )
        return made, at, until


def _post_names(ids: set[int]) -> dict[int, str]:  # the names of the posts ``ids``
    return dict(Post.objects.filter(pk__in=sorted(ids)).values_list("id", "name"))


def case_rows(
    user: AnyUser, filters: CaseFilters | None = None, *, now: dt.datetime | None = None
) -> CaseRows:
    """The list's page as rows (:class:`CaseRows`): the cases of :func:`cases_for`, read
    only for the page shown."""
    filters = filters or CaseFilters()
    read = _ListRead(user, filters, now or timezone.now(), _ROW_FIELDS)

    def choices() -> ListChoices:
        return list_choices(user)

    if filters.active:
        return CaseRows(read, choices)
    return CaseRows(read, choices, lambda: choices().count)
