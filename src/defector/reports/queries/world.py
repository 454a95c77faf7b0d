"""Washington's worldwide view (``6d``): every post's cases that owe the IDC reports, with
their stage, exploitation, reports received and missing, and proposals awaiting decision —
filterable, with counts per facet, paged, and a constant number of queries per page.

The cases are those on which the ``report_to_idc`` obligation ever arose (the defectors and
the disaffected persons of potential intelligence interest), as the reader may see them
(``cases.access``). Every figure comes from the case's standing row (``reports.models.Standing``,
written in the transaction of every change that moves it, ``reports.actions.standing``): a
filter is a condition on one indexed table, the facets one grouped query over it
(``queries.view``), whether a report is overdue the stored earliest due time compared with now.
The page's rows add one query: how many periods of each are overdue.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, replace
from typing import Any, Final

from django.db.models import Count, IntegerField, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from defector.cases.choices import ObligationStatus, Stage
from defector.cases.models import Obligation
from defector.core.access import Action, principal_for, restrict
from defector.core.errors import InvalidInput
from defector.core.users import AnyUser
from defector.exploitation.choices import Overall
from defector.policy.obligations import ObligationId
from defector.reports.choices import WORLD_ROLES
from defector.reports.models import Standing

#: The facets of the view, in the order the page shows them, with their headings.
FACETS: Final[dict[str, str]] = {
    "post": "Post",
    "country": "Country",
    "stage": "Stage",
    "exploitation": "Exploitation",
    "overdue": "Report overdue",
    "proposals": "Proposals awaiting decision",
}
YES_NO: Final[dict[str, str]] = {"yes": "Yes", "no": "No"}

CSV_COLUMNS: Final = (
    "cryptonym",
    "post",
    "country",
    "stage",
    "exploitation",
    "reports received",
    "reports acknowledged",
    "drafts not sent",
    "periods overdue",
    "next report due (UTC)",
    "last report sent (UTC)",
    "proposals awaiting decision",
)


@dataclass(frozen=True, slots=True)
class Filters:
    """What the view is narrowed to; empty means every value."""

    post: int | None = None
    country: str = ""
    stage: str = ""
    exploitation: str = ""
    overdue: str = ""
    proposals: str = ""

    def as_query(self) -> dict[str, str]:
        """The filters as the page's query string (set ones only)."""
        out: dict[str, str] = {}
        for key in FACETS:
            value = getattr(self, key)
            if value not in (None, ""):
                out[key] = str(value)
        return out

    def without(self, facet: str) -> Filters:
        if facet == "post":
            return replace(self, post=None)
        return replace(self, **{facet: ""})  # type: ignore[arg-type]


def _choice(errors: list[dict[str, str]], field: str, value: str, allowed: Iterable[str]) -> str:
    if value and value not in allowed:
        errors.append({"field": field, "message": f"must be one of {', '.join(allowed)}"})
        return ""
    return value


def parse_filters(data: Mapping[str, Any]) -> Filters:
    """The filters from a query string or the API's parameters: one parser for both. A value
    that is not one of a facet's is :class:`InvalidInput` naming the field."""
    errors: list[dict[str, str]] = []

    def text(key: str) -> str:
        value = data.get(key)
        return str(value).strip() if value is not None else ""

    post: int | None = None
    if text("post"):
        try:
            post = int(text("post"))
        except ValueError:
            errors.append({"field": "post", "message": "must be a post's number"})
    country = text("country").upper()
    if country and (len(country) > 3 or not country.isalpha()):
        errors.append({"field": "country", "message": "must be a country code"})
        country = ""
    found = Filters(
        post=post,
        country=country,
        stage=_choice(errors, "stage", text("stage"), Stage.values),
        exploitation=_choice(errors, "exploitation", text("exploitation"), Overall.values),
        overdue=_choice(errors, "overdue", text("overdue"), YES_NO),
        proposals=_choice(errors, "proposals", text("proposals"), YES_NO),
    )
    if errors:
        raise InvalidInput(errors)
    return found


def may_see_world(user: AnyUser) -> bool:
    """The IDC and the DCI's delegate (administrators and auditors never)."""
    principal = principal_for(user)
    if not principal.is_official or principal.is_administrator or principal.is_auditor:
        return False
    return any(role in principal.roles for role in WORLD_ROLES)


# --- the standing rows -----------------------------------------------------------------


def standing_of(user: AnyUser, *, only: int | None = None) -> QuerySet[Standing]:
    """The standing rows (``reports.models.Standing``: one per case on which the ``6d``
    obligation ever arose) of the cases the reader may see: ``restrict(user, Action.VIEW)``,
    the case's own rule on the row (``reports.access``)."""
    rows = restrict(user, Action.VIEW, Standing.objects.all())
    return rows if only is None else rows.filter(case_id=only)


def overdue_at(now: dt.datetime) -> Q:
    """A standing row whose earliest open ``6d`` period is past its due time."""
    return Q(next_due__lt=now)


def _filtered(
    user: AnyUser, filters: Filters, now: dt.datetime, *, only: int | None = None
) -> QuerySet[Standing]:
    rows = standing_of(user, only=only)
    if filters.post is not None:
        rows = rows.filter(post_id=filters.post)
    if filters.country:
        rows = rows.filter(post__country=filters.country)
    if filters.stage:
        rows = rows.filter(stage=filters.stage)
    if filters.exploitation:
        rows = rows.filter(exploitation=filters.exploitation)
    if filters.overdue:
        late = overdue_at(now)
        rows = rows.filter(late if filters.overdue == "yes" else ~late | Q(next_due=None))
    if filters.proposals:
        pending = Q(proposals__gt=0)
        rows = rows.filter(pending if filters.proposals == "yes" else ~pending)
    return rows


def world_rows(
    user: AnyUser,
    filters: Filters,
    *,
    now: dt.datetime | None = None,
    only: int | None = None,
) -> QuerySet[Standing]:
    """The filtered cases' standing rows, newest first (for the page, the API and the CSV);
    counting it is one query on the standing table."""
    moment = now or timezone.now()
    return (
        _filtered(user, filters, moment, only=only)
        .select_related("post")
        .order_by("-opened_at", "-case_id")
    )


@dataclass(frozen=True, slots=True)
class WorldRow:
    """One case of the view, as the page, the API and the CSV show it."""

    case_id: int
    cryptonym: str
    post_id: int
    post: str
    country: str
    stage: str
    stage_label: str
    exploitation: str
    exploitation_label: str
    reports_received: int
    reports_acknowledged: int
    drafts: int
    periods_overdue: int
    next_due: dt.datetime | None
    last_sent: dt.datetime | None
    proposals_awaiting: int

    @property
    def overdue(self) -> bool:
        return self.periods_overdue > 0


def _late_periods(now: dt.datetime) -> QuerySet[Obligation]:
    """The open ``6d`` periods past their due time at ``now``."""
    return Obligation.objects.filter(
        identifier=ObligationId.REPORT_TO_IDC, status=ObligationStatus.OPEN, due_at__lt=now
    )


def with_overdue_periods(rows: QuerySet[Standing], now: dt.datetime) -> QuerySet[Standing]:
    """The rows with how many open ``6d`` periods of each are past their due time
    (``x_overdue_periods``): for one case's figures in one query."""
    late = (
        _late_periods(now)
        .filter(case=OuterRef("case_id"))
        .order_by()
        .values("case_id")
        .annotate(n=Count("pk"))
        .values("n")[:1]
    )
    return rows.annotate(
        x_overdue_periods=Coalesce(Subquery(late, output_field=IntegerField()), Value(0))
    )


def _overdue_periods(ids: list[int], now: dt.datetime) -> dict[int, int]:
    """How many open ``6d`` periods of each case are past their due time: one query for the
    page (the standing row keeps only the earliest due time)."""
    if not ids:
        return {}
    late = (
        _late_periods(now)
        .filter(case_id__in=ids)
        .order_by()
        .values("case_id")
        .annotate(n=Count("pk"))
    )
    return {row["case_id"]: row["n"] for row in late}


def rows_of(
    user: AnyUser, rows: list[Standing], *, now: dt.datetime | None = None
) -> list[WorldRow]:
    """The page's standing rows as the view's rows (one more query: the periods overdue)."""
    moment = now or timezone.now()
    late = _overdue_periods([row.case_id for row in rows], moment)
    stages = dict(Stage.choices)
    overall = dict(Overall.choices)
    return [
        WorldRow(
            case_id=row.case_id,
            cryptonym=row.cryptonym,
            post_id=row.post_id,
            post=row.post.code,
            country=row.post.country,
            stage=row.stage,
            stage_label=str(stages.get(row.stage, row.stage)),
            exploitation=row.exploitation,
            exploitation_label=str(overall.get(row.exploitation, row.exploitation)),
            reports_received=row.received,
            reports_acknowledged=row.acknowledged,
            drafts=row.drafts,
            periods_overdue=late.get(row.case_id, 0),
            next_due=row.next_due,
            last_sent=row.last_sent,
            proposals_awaiting=row.proposals,
        )
        for row in rows
    ]


def _utc(moment: dt.datetime | None) -> str:
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M") if moment is not None else ""


def csv_rows(user: AnyUser, cases: QuerySet[Standing], *, chunk: int = 500) -> Iterator[list[Any]]:
    """The CSV's rows, read a chunk at a time (a constant number of queries per chunk)."""
    start = 0
    while True:
        batch = list(cases[start : start + chunk])
        if not batch:
            return
        for row in rows_of(user, batch):
            yield [
                row.cryptonym,
                row.post,
                row.country,
                row.stage_label,
                row.exploitation_label,
                row.reports_received,
                row.reports_acknowledged,
                row.drafts,
                row.periods_overdue,
                _utc(row.next_due),
                _utc(row.last_sent),
                row.proposals_awaiting,
            ]
        start += chunk
