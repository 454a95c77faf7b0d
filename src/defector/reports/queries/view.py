"""The page of Washington's worldwide view (``6d``): its facets, with their counts under
the other filters, its total, and its page of cases.

The facets and the total come from **one grouped query** over the visible cases' standing
rows (:func:`_combinations`, ``reports.models.Standing``): how many share each combination of
the facets' values, the counts summed in Python per facet under the other filters. The page of
rows comes from ``world.world_rows``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, Final

from django.db.models import Case as When_
from django.db.models import Count, IntegerField, Q, Value, When
from django.utils import timezone

from defector.cases.choices import Stage
from defector.core.errors import NotFound
from defector.core.users import AnyUser
from defector.exploitation.choices import Overall
from defector.reports.queries.world import (
    FACETS,
    YES_NO,
    Filters,
    WorldRow,
    may_see_world,
    overdue_at,
    rows_of,
    standing_of,
    world_rows,
)

#: The columns the facets are counted by.
FACET_COLUMNS: Final = (
    "post_id",
    "post__code",
    "post__country",
    "stage",
    "exploitation",
    "x_overdue",
    "x_proposals",
)


@dataclass(frozen=True, slots=True)
class FacetValue:
    value: str
    label: str
    count: int
    selected: bool


def _flag(condition: Q) -> When_:
    return When_(When(condition, then=Value(1)), default=Value(0), output_field=IntegerField())


def _combinations(
    user: AnyUser, now: dt.datetime, *, only: int | None = None
) -> list[dict[str, Any]]:
    """How many visible cases owing reports share each combination of the facets' values:
    one grouped query over their standing rows, whatever the filters (at most posts x stages
    x 4 x 2 x 2 rows)."""
    grouped = (
        standing_of(user, only=only)
        .annotate(x_overdue=_flag(overdue_at(now)), x_proposals=_flag(Q(proposals__gt=0)))
        .values(*FACET_COLUMNS)
        .annotate(n=Count("pk"))
        .order_by()
    )
    return list(grouped)


def _value_of(row: dict[str, Any], facet: str) -> str:
    if facet == "post":
        return str(row["post_id"])
    if facet == "country":
        return str(row["post__country"])
    if facet in ("overdue", "proposals"):
        return "yes" if row["x_overdue" if facet == "overdue" else "x_proposals"] else "no"
    return str(row[facet])


def _label_of(row: dict[str, Any], facet: str, value: str) -> str:
    if facet == "post":
        return str(row["post__code"])
    if facet == "stage":
        return str(dict(Stage.choices).get(value, value))
    if facet == "exploitation":
        return str(dict(Overall.choices).get(value, value))
    if facet in ("overdue", "proposals"):
        return YES_NO[value]
    return value


def _matches(row: dict[str, Any], filters: Filters, but: str = "") -> bool:
    """Whether a combination passes every filter (but ``but``'s)."""
    for facet in FACETS:
        wanted = getattr(filters, facet)
        if facet == but or wanted in (None, ""):
            continue
        if _value_of(row, facet) != str(wanted):
            return False
    return True


def facets_and_count(
    user: AnyUser,
    filters: Filters,
    *,
    now: dt.datetime | None = None,
    only: int | None = None,
) -> tuple[dict[str, list[FacetValue]], int]:
    """Each facet's values with how many cases each holds under every other filter, and how
    many cases pass every filter: one query (:func:`_combinations`)."""
    rows = _combinations(user, now or timezone.now(), only=only)
    out: dict[str, list[FacetValue]] = {}
    for facet in FACETS:
        chosen = str(getattr(filters, facet) or "")
        counts: dict[str, int] = {}
        labels: dict[str, str] = {}
        for row in rows:
            if not _matches(row, filters, but=facet):
                continue
            value = _value_of(row, facet)
            counts[value] = counts.get(value, 0) + row["n"]
            labels[value] = _label_of(row, facet, value)
        out[facet] = sorted(
            (FacetValue(v, labels[v], n, v == chosen) for v, n in counts.items()),
            key=lambda f: (f.label != "Yes", f.label),
        )
    return out, sum(row["n"] for row in rows if _matches(row, filters))


def facets(
    user: AnyUser,
    filters: Filters,
    *,
    now: dt.datetime | None = None,
    only: int | None = None,
) -> dict[str, list[FacetValue]]:
    """Each facet's values with their counts under every other filter (one query)."""
    return facets_and_count(user, filters, now=now, only=only)[0]


@dataclass(frozen=True, slots=True)
class WorldView:
    """One page of the worldwide view."""

    filters: Filters
    facets: dict[str, list[FacetValue]]
    rows: list[WorldRow]
    count: int
    page: int
    page_size: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.count // self.page_size))

    @property
    def has_next(self) -> bool:
        return self.page < self.pages

    @property
    def has_previous(self) -> bool:
        return self.page > 1


def world_view(
    user: AnyUser,
    filters: Filters,
    *,
    page: int = 1,
    page_size: int = 50,
    now: dt.datetime | None = None,
) -> WorldView:
    """A page of the worldwide view, with its facets; :class:`NotFound` for anyone but the
    IDC and the DCI's delegate."""
    if not may_see_world(user):
        raise NotFound("no worldwide view for you")
    moment = now or timezone.now()
    cases = world_rows(user, filters, now=moment)
    found, count = facets_and_count(user, filters, now=moment)
    page = max(1, page)
    start = (page - 1) * page_size
    return WorldView(
        filters=filters,
        facets=found,
        rows=rows_of(user, list(cases[start : start + page_size]), now=moment),
        count=count,
        page=page,
        page_size=page_size,
    )
