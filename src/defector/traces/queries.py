"""The readers of the traces app for display (``6b(3)(b)``), with access control applied here.

A trace and its hits are seen by those who see the case; a hit on another case's subject only
by those who may also see that case — the others see how many Washington was told of. Watch
lists are seen by the IDC. The blind index is never read for display.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.db.models import Q
from django.urls import reverse

from defector.cases.models import Case
from defector.core.access import Action, can, get_for, principal_for, restrict
from defector.core.users import AnyUser
from defector.traces.access import watchlists
from defector.traces.choices import HitKind, HitMark, TraceKind
from defector.traces.models import Hit, Trace, WatchlistEntry, WatchlistSource

#: Entries shown on a watch list's page.
ENTRIES_SHOWN = 100


def may_trace(user: AnyUser, case: Case) -> bool:
    """Whether ``user`` does the case's bona fides work (may change it), so runs its traces."""
    return can(user, Action.CHANGE, case)


def visible_hits(user: AnyUser | None, trace: Trace) -> list[Hit]:
    """The hits of ``trace`` that ``user`` may see, best first: never one on a hidden case."""
    hits = restrict(user, Action.VIEW, Hit.objects.filter(trace=trace))
    seen = restrict(user, Action.VIEW, Case.objects.all()).values("pk")
    return list(
        hits.filter(Q(subject_case__isnull=True) | Q(subject_case__in=seen))
        .select_related("subject_case", "subject_case__post", "marked_by__user")
        .order_by("rank")
    )


@dataclass(frozen=True, slots=True)
class HitView:
    id: int
    rank: int
    kind: str
    kind_label: str
    score: float
    reasons: list[str]
    source: str
    reference: str
    name: str
    matched: str
    case_id: int | None
    cryptonym: str
    post: str
    mark: str
    mark_label: str
    marked_at: dt.datetime | None
    marked_by: str


@dataclass(frozen=True, slots=True)
class TraceView:
    id: int
    case_id: int
    cryptonym: str
    kind: str
    kind_label: str
    run_at: dt.datetime
    run_by: str
    nationality: str
    concluded_at: dt.datetime | None
    check_id: int | None
    hits: list[HitView]
    #: Hits on cases the viewer may not see, of which Washington was told.
    told: int
    pending: int
    url: str


def _hit(hit: Hit) -> HitView:
    other = hit.subject_case
    return HitView(
        id=hit.pk,
        rank=hit.rank,
        kind=hit.kind,
        kind_label=HitKind(hit.kind).label,
        score=hit.score,
        reasons=[str(reason) for reason in hit.reasons],
        source=hit.source_name,
        reference=hit.reference,
        name=hit.entry_name,
        matched=hit.matched,
        case_id=other.pk if other is not None else None,
        cryptonym=other.cryptonym if other is not None else "",
        post=other.post.code if other is not None else "",
        mark=hit.mark,
        mark_label=HitMark(hit.mark).label,
        marked_at=hit.marked_at,
        marked_by=str(hit.marked_by) if hit.marked_by is not None else "",
    )


def describe(user: AnyUser, trace: Trace) -> TraceView:
    hits = visible_hits(user, trace)
    total = Hit.objects.filter(trace=trace).count()
    return TraceView(
        id=trace.pk,
        case_id=trace.case_id,
        cryptonym=trace.case.cryptonym,
        kind=trace.kind,
        kind_label=TraceKind(trace.kind).label,
        run_at=trace.run_at,
        run_by=str(trace.run_by) if trace.run_by is not None else "intake (automatic)",
        nationality=trace.query_nationality,
        concluded_at=trace.concluded_at,
        check_id=trace.check_record_id,
        hits=[_hit(hit) for hit in hits],
        told=total - len(hits),
        pending=sum(1 for hit in hits if hit.mark == HitMark.PENDING),
        url=reverse("traces:trace", args=[trace.case_id, trace.pk]),
    )


def traces_of(user: AnyUser, case: Case) -> list[TraceView]:
    """The traces of a case the user sees, newest first."""
    found = restrict(user, Action.VIEW, Trace.objects.filter(case=case)).select_related(
        "case", "run_by__user"
    )
    return [describe(user, trace) for trace in found.order_by("-run_at", "-pk")]


def trace_detail(user: AnyUser, case: Case, trace_id: int) -> TraceView:
    trace = get_for(
        user,
        Action.VIEW,
        Trace.objects.filter(case=case).select_related("case", "run_by__user"),
        trace_id,
        what="trace",
    )
    return describe(user, trace)


def section_data(user: AnyUser, case: Case) -> Mapping[str, Any]:
    """The case page's "Name traces" section: the latest traces and where to run one."""
    found = traces_of(user, case)
    return {
        "traces": found[:5],
        "count": len(found),
        "url": reverse("traces:case", args=[case.pk]),
    }


# --- watch lists ------------------------------------------------------------------------------


def sources_for(user: AnyUser) -> list[WatchlistSource]:
    return list(
        restrict(user, Action.VIEW, WatchlistSource.objects.all())
        .select_related("imported_by__user")
        .order_by("name")
    )


def may_manage_watchlists(user: AnyUser) -> bool:
    """Whether ``user`` manages watch lists (the IDC)."""
    return watchlists(principal_for(user), Action.MANAGE) is not None


def source_detail(user: AnyUser, source_id: int) -> WatchlistSource:
    return get_for(
        user,
        Action.VIEW,
        WatchlistSource.objects.select_related("imported_by__user"),
        source_id,
        what="watch list",
    )


def entries_of(source: WatchlistSource, limit: int = ENTRIES_SHOWN) -> list[WatchlistEntry]:
    return list(source.entries.order_by("reference")[:limit])


def find_case_for(user: AnyUser, case_id: int) -> Case:
    """The case, if ``user`` may see it (else :class:`NotFound`)."""
    number = int(case_id)
    return get_for(user, Action.VIEW, Case.objects.select_related("post"), number, what="case")


__all__ = [
    "ENTRIES_SHOWN",
    "HitView",
    "TraceView",
    "describe",
    "entries_of",
    "find_case_for",
    "may_manage_watchlists",
    "may_trace",
    "section_data",
    "source_detail",
    "sources_for",
    "trace_detail",
    "traces_of",
    "visible_hits",
]
