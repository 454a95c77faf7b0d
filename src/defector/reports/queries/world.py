"""Washington's worldwide view (``6d``): every post's cases that owe the IDC reports, with
their stage, exploitation, reports received and missing, and proposals awaiting decision —
filterable, with counts per facet, paged, and a constant number of queries per page.

The cases are those on which the ``report_to_idc`` obligation ever arose (the defectors and
the disaffected persons of potential intelligence interest), as the reader may see them
(``cases.access``). Every figure a filter or a facet needs is a correlated subquery on an
indexed foreign key (``reports_report_case_status``, the obligations' and requirements' case
keys), so a filter, a count and a facet are each one query whatever the number of cases; the
page's own rows take their exploitation and proposals from the exploitation and publicity
apps' queries (one or two queries for the whole page).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, replace
from typing import Any, Final

from django.db.models import (
    Case as When_,
)
from django.db.models import (
    CharField,
    Count,
    Exists,
    F,
    IntegerField,
    Max,
    Min,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from defector.cases.choices import ObligationStatus, Stage
from defector.cases.models import Case, Obligation
from defector.core.access import Action, principal_for, restrict
from defector.core.errors import InvalidInput
from defector.core.users import AnyUser
from defector.exploitation.choices import Overall
from defector.exploitation.choices import Status as RequirementStatus
from defector.exploitation.models import CaseRequirement
from defector.exploitation.queries import summaries
from defector.policy.obligations import ObligationId
from defector.publicity.choices import PENDING
from defector.publicity.models import Proposal
from defector.publicity.queries import awaiting_decision
from defector.reports.choices import RECEIVED, WORLD_ROLES, Status
from defector.reports.models import StatusReport

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
#: The annotation of a case's exploitation as a whole.
OVERALL: Final = "x_overall"

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


# --- the figures of each case, in SQL ------------------------------------------------------


def _count(rows: QuerySet[Any]) -> Coalesce:
    return Coalesce(
        Subquery(
            rows.order_by().values("case_id").annotate(n=Count("pk")).values("n")[:1],
            output_field=IntegerField(),
        ),
        Value(0),
    )


def _reports(**where: Any) -> QuerySet[StatusReport]:
    return StatusReport.objects.filter(case=OuterRef("pk"), **where)


def _open_periods() -> QuerySet[Obligation]:
    return Obligation.objects.filter(
        case=OuterRef("pk"),
        identifier=ObligationId.REPORT_TO_IDC,
        status=ObligationStatus.OPEN,
    )


def _requirements(**where: Any) -> QuerySet[CaseRequirement]:
    return CaseRequirement.objects.filter(case=OuterRef("pk"), **where)


def _overall() -> Coalesce:
    """The case's exploitation as a whole (``policy.exploitation.overall``) in one correlated
    subquery over its requirements: none that applies, every one satisfied, none started,
    else in progress."""
    applying = ~Q(status=RequirementStatus.NOT_APPLICABLE)
    per_case = (
        _requirements()
        .order_by()
        .values("case_id")
        .annotate(
            applying=Count("pk", filter=applying),
            satisfied=Count("pk", filter=Q(status=RequirementStatus.SATISFIED)),
            not_started=Count("pk", filter=Q(status=RequirementStatus.NOT_STARTED)),
        )
        .annotate(
            whole=When_(
                When(applying=0, then=Value(Overall.NO_REQUIREMENTS.value)),
                When(satisfied=F("applying"), then=Value(Overall.SATISFIED.value)),
                When(not_started=F("applying"), then=Value(Overall.NOT_STARTED.value)),
                default=Value(Overall.IN_PROGRESS.value),
                output_field=CharField(),
            )
        )
        .values("whole")[:1]
    )
    return Coalesce(
        Subquery(per_case, output_field=CharField()), Value(Overall.NO_REQUIREMENTS.value)
    )


def _with_overall(cases: QuerySet[Case]) -> QuerySet[Case]:
    return cases.annotate(x_overall=_overall())


def cases_owing_reports(user: AnyUser) -> QuerySet[Case]:
    """The cases the reader may see on which the ``6d`` obligation ever arose."""
    owing = Obligation.objects.filter(case=OuterRef("pk"), identifier=ObligationId.REPORT_TO_IDC)
    return restrict(user, Action.VIEW, Case.objects.filter(Exists(owing)))


def _filtered(
    user: AnyUser, filters: Filters, now: dt.datetime, *, only: int | None = None
) -> QuerySet[Case]:
    cases = cases_owing_reports(user)
    if only is not None:
        cases = cases.filter(pk=only)
    if filters.post is not None:
        cases = cases.filter(post_id=filters.post)
    if filters.country:
        cases = cases.filter(post__country=filters.country)
    if filters.stage:
        cases = cases.filter(stage=filters.stage)
    if filters.exploitation:
        cases = _with_overall(cases).filter(Q(x_overall=filters.exploitation))
    if filters.overdue:
        late = Exists(_open_periods().filter(due_at__lt=now))
        cases = cases.filter(late if filters.overdue == "yes" else ~late)
    if filters.proposals:
        pending = Exists(Proposal.objects.filter(case=OuterRef("pk"), status__in=PENDING))
        cases = cases.filter(pending if filters.proposals == "yes" else ~pending)
    return cases


def world_rows(
    user: AnyUser,
    filters: Filters,
    *,
    now: dt.datetime | None = None,
    only: int | None = None,
) -> QuerySet[Case]:
    """The filtered cases, newest first, with each one's report figures (for the page and the
    CSV); counting it costs one query without the figures."""
    moment = now or timezone.now()
    return (
        _filtered(user, filters, moment, only=only)
        .select_related("post")
        .annotate(
            x_received=_count(_reports(status__in=RECEIVED)),
            x_acknowledged=_count(_reports(status=Status.ACKNOWLEDGED)),
            x_drafts=_count(_reports(status=Status.DRAFTED)),
            x_overdue_periods=_count(_open_periods().filter(due_at__lt=moment)),
            x_next_due=Subquery(
                _open_periods()
                .order_by()
                .values("case_id")
                .annotate(due=Min("due_at"))
                .values("due")[:1]
            ),
            x_last_sent=Subquery(
                _reports(status__in=RECEIVED)
                .order_by()
                .values("case_id")
                .annotate(at=Max("sent_at"))
                .values("at")[:1]
            ),
        )
        .order_by("-opened_at", "-id")
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


def rows_of(user: AnyUser, cases: list[Case]) -> list[WorldRow]:
    """The page's cases as rows: their exploitation (the exploitation app's summaries) and
    their proposals awaiting decision (the publicity app's), two reads for the whole page."""
    ids = [case.pk for case in cases]
    exploitation = summaries(user, ids)
    proposals = awaiting_decision(user, ids)
    out: list[WorldRow] = []
    for case in cases:
        found = exploitation.get(case.pk)
        out.append(
            WorldRow(
                case_id=case.pk,
                cryptonym=case.cryptonym,
                post_id=case.post_id,
                post=case.post.code,
                country=case.post.country,
                stage=case.stage,
                stage_label=str(case.get_stage_display()),
                exploitation=found.overall if found is not None else Overall.NO_REQUIREMENTS,
                exploitation_label=(
                    found.overall_label if found is not None else str(Overall.NO_REQUIREMENTS.label)
                ),
                reports_received=case.x_received,  # type: ignore[attr-defined]
                reports_acknowledged=case.x_acknowledged,  # type: ignore[attr-defined]
                drafts=case.x_drafts,  # type: ignore[attr-defined]
                periods_overdue=case.x_overdue_periods,  # type: ignore[attr-defined]
                next_due=case.x_next_due,  # type: ignore[attr-defined]
                last_sent=case.x_last_sent,  # type: ignore[attr-defined]
                proposals_awaiting=proposals.get(case.pk, 0),
            )
        )
    return out


def _utc(moment: dt.datetime | None) -> str:
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M") if moment is not None else ""


def csv_rows(user: AnyUser, cases: QuerySet[Case], *, chunk: int = 500) -> Iterator[list[Any]]:
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
