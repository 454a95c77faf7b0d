"""Traces on a case (``6b(3)(b)``): running one, marking its hits, concluding it on the bona
fides checklist, and the trace every intake runs by itself.

A hit on the subject of a case the user may not see is kept (for those who may see both
cases) but never shown to that user: the IDC is told instead, by cryptonyms only, and the user
learns only that Washington has been told. At intake every hit on another case's subject is a
possible earlier appearance, and the IDC is told of each.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Final

from django.db import DatabaseError, transaction
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.debug import sensitive_variables

from defector.cases.actions import add_bona_fides_check, find_case, record_event
from defector.cases.choices import BonaFidesCheckKind, CheckResult
from defector.cases.models import Case, Subject
from defector.cases.validation import moment_of
from defector.core import audit
from defector.core.access import Action, can, restrict
from defector.core.errors import Conflict, DomainError, InvalidInput, NotFound, PermissionDenied
from defector.core.inserts import Insert, new
from defector.core.sealing import open_sealed
from defector.core.users import AnyUser
from defector.directory.queries import acting_official
from defector.notifications.actions import Decided, Tidings, decide_idc_each, write_decided
from defector.notifications.choices import NoticeKind
from defector.traces import search
from defector.traces.choices import MAX_HITS, TRACES_CLAUSE, HitKind, HitMark, TraceKind
from defector.traces.matching import Identity
from defector.traces.models import Hit, Trace
from defector.traces.queries import visible_hits
from defector.traces.validation import check_query, query_identity

logger = logging.getLogger(__name__)

#: The results a concluded trace may record on the checklist (not "pending").
CONCLUSIONS: Final = tuple(value for value in CheckResult.values if value != CheckResult.PENDING)
HIT_AUDIT_FIELDS: Final = ["rank", "kind", "score", "mark", "marked_at", "marked_by"]


@dataclass(frozen=True, slots=True)
class Told:
    """A hit on a case the tracer may not see (or, at intake, on any other case)."""

    case: Case
    score: float


@sensitive_variables("names", "dob")
def subject_identity(
    case: Case, subject: Subject | None = None, nationality: str | None = None
) -> Identity | None:
    """The subject's own names, date of birth and nationality, opened in memory (``subject``:
    the case's subject, in hand already; default read; ``nationality``: the first of the
    case's latest assessment, known already — ``""`` when it has none; default read)."""
    if subject is None:
        subject = Subject.objects.filter(case=case).first()
    if subject is None:
        return None
    names = search.subject_names(subject)
    if not names:
        return None
    dob = open_sealed(subject, "birth_date") or None
    if nationality is None:
        nationality = search.nationality_of(case.pk)
    return Identity(names=names, dob=dob, nationality=nationality or None)


def run_trace(
    *,
    acting_user: AnyUser,
    case_id: int | str,
    name: str = "",
    dob: str = "",
    nationality: str = "",
    at: dt.datetime | None = None,
) -> Trace:
    """Trace a name on a case against the watch lists and every case's subject: the name given
    (with a date of birth and a country, both optional), or else the subject's own names.
    Those who may change the case (who do its bona fides work) may run one."""
    moment = moment_of(at)
    with transaction.atomic():
        case = find_case(acting_user, case_id, Action.CHANGE)
        name = (name or "").strip()
        dob = (dob or "").strip()
        nationality = (nationality or "").strip()
        if name:
            problems = check_query(name, dob, nationality)
            if problems:
                raise InvalidInput([{"field": p.field, "message": p.message} for p in problems])
            identity = query_identity([name], dob, nationality)
        else:
            found = subject_identity(case)
            if found is None:
                raise InvalidInput(
                    [{"field": "name", "message": "is required: the subject has no name sealed"}]
                )
            identity = found
        return do_trace(
            case, identity, kind=TraceKind.MANUAL, acting_user=acting_user, moment=moment
        )


@sensitive_variables("identity")
def do_trace(
    case: Case,
    identity: Identity,
    *,
    kind: TraceKind,
    acting_user: AnyUser | None,
    moment: dt.datetime,
) -> Trace:
    """Search, keep the hits, record the trace and tell the IDC (in the caller's
    transaction)."""
    return keep_trace(
        case,
        identity,
        find(case, identity),
        kind=kind,
        acting_user=acting_user,
        moment=moment,
    )


@sensitive_variables("identity")
def find(case: Case, identity: Identity, subject: Subject | None = None) -> list[search.Found]:
    """The best hits of ``identity`` on the watch lists and every other case's subject (reads
    only: a trace at intake searches before its transaction begins; ``subject``: the case's
    own, when in hand)."""
    digests = search.query_digests(identity.names, subject)  # once for both searches
    found = search.search_watchlists(
        identity, limit=MAX_HITS, digests=digests
    ) + search.search_subjects(
        identity,
        limit=MAX_HITS,
        exclude_case_id=case.pk,
        exclude_subject_id=subject.pk if subject is not None else None,
        digests=digests,
    )
    found.sort(key=lambda hit: -hit.score.score)
    return found[:MAX_HITS]


@sensitive_variables("identity")
def keep_trace(
    case: Case,
    identity: Identity,
    found: list[search.Found],
    *,
    kind: TraceKind,
    acting_user: AnyUser | None,
    moment: dt.datetime,
    decided: Decided | None = None,
    events: list[audit.Event] | None = None,
) -> Trace:
    """Keep the hits ``found``, record the trace and tell the IDC (in the caller's
    transaction; ``decided``: whom the IDC's notices go to, decided before it; ``events``: an
    intake's trace with no one to tell, whose audit record is handed back there, for the
    intake to append after its own, instead of appended here)."""
    trace = trace_row(case, identity, kind=kind, acting_user=acting_user, moment=moment)
    _TRACES.one(trace)
    _HITS.save(
        [
            new(
                Hit,
                trace=trace,
                rank=rank,
                kind=hit.kind,
                score=round(hit.score.score, 4),
                reasons=list(hit.score.reasons),
                entry=hit.entry,
                source_name=hit.entry.source.name if hit.entry is not None else "",
                reference=hit.entry.reference if hit.entry is not None else "",
                entry_name=hit.entry.name if hit.entry is not None else "",
                matched=hit.score.matched if hit.entry is not None else "",
                subject_case=hit.case,
            )
            for rank, hit in enumerate(found, start=1)
        ]
    )
    told = _to_tell(found, acting_user, kind)
    watchlist_hits = sum(1 for hit in found if hit.kind == HitKind.WATCHLIST)
    summary = (
        f"Name trace {'run at intake' if kind == TraceKind.INTAKE else 'run'} on "
        f"{case.cryptonym}: {len(found)} hit(s), {watchlist_hits} on watch lists"
    )
    if told:
        summary += f"; Washington told of {len(told)} possible match(es) at other cases"
    after = trace_after(kind, len(found), watchlist_hits, told)
    if kind == TraceKind.MANUAL:
        record_event(
            case, acting_user=acting_user, action="traces.trace.run", summary=summary,
            at=moment, obj=trace, after=after,
        )  # fmt: skip
    else:
        event = audit.Event(
            actor=acting_user,
            action="traces.trace.run",
            obj=trace,
            cryptonym=case.cryptonym,
            after=after,
        )
        if events is not None and not told:
            events.append(event)
        else:
            audit.record_many([event])
    if told:
        _tell_idc(case, told, kind, acting_user, decided)
    return trace


@sensitive_variables("identity")
def trace_row(
    case: Case,
    identity: Identity,
    *,
    kind: TraceKind,
    acting_user: AnyUser | None,
    moment: dt.datetime,
) -> Trace:
    return new(
        Trace,
        case=case,
        kind=kind,
        query_names="\n".join(identity.names),
        query_dob=identity.dob or "",
        query_nationality=identity.nationality or "",
        run_at=moment,
        run_by=acting_official(acting_user) if kind == TraceKind.MANUAL else None,
    )


def trace_after(
    kind: TraceKind, hits: int, watchlist_hits: int, told: Sequence[Told]
) -> dict[str, Any]:
    """A trace's audit record's ``after``."""
    return {
        "kind": kind,
        "hits": hits,
        "watchlist_hits": watchlist_hits,
        "subject_hits": hits - watchlist_hits,
        "idc_told_of": sorted(item.case.cryptonym for item in told),
    }


#: A trace's inserts, built once (``core.inserts``): the rows ``create`` and ``bulk_create``
#: write.
_TRACES: Final = Insert(Trace)
_HITS: Final = Insert(Hit)


def _to_tell(
    found: Sequence[search.Found], acting_user: AnyUser | None, kind: TraceKind
) -> list[Told]:
    """The subject hits the IDC is told of: at intake all, otherwise those on cases the user
    may not see."""
    cases = {hit.case.pk: hit for hit in found if hit.case is not None}
    if not cases:
        return []
    if kind == TraceKind.INTAKE:
        hidden = set(cases)
    else:
        visible = restrict(acting_user, Action.VIEW, Case.objects.filter(pk__in=list(cases)))
        hidden = set(cases) - set(visible.values_list("pk", flat=True))
    return [
        Told(hit.case, hit.score.score)
        for pk, hit in cases.items()
        if pk in hidden and hit.case is not None
    ]


def _tidings(case: Case, told: Sequence[Told], kind: TraceKind) -> list[Tidings]:
    where = "at intake " if kind == TraceKind.INTAKE else ""
    return [
        Tidings(
            f"A name trace {where}at {case.post.code} on {case.cryptonym} matched a subject at "
            f"{item.case.post.code} ({item.case.cryptonym}): a possible earlier appearance "
            f"(score {item.score:.2f}, {TRACES_CLAUSE}).",
            reverse("cases:detail", args=[item.case.pk]),
            (item.case,),
        )
        for item in told
    ]


def _tell_idc(
    case: Case,
    told: Sequence[Told],
    kind: TraceKind,
    actor: AnyUser | None,
    decided: Decided | None = None,
) -> None:
    """Tell the IDC of each case the trace matched, in the trace's own transaction (so that it
    takes the audit chain's head once): one notice per member and one audit record per case
    matched, written together (``decided``: whom each goes to, decided before the transaction;
    default decided here). Written in a savepoint: notices that cannot be written are rolled
    back alone and logged, and the trace stands."""
    try:
        with transaction.atomic():
            if decided is None:
                decided = decide_idc_each(NoticeKind.TRACE, _tidings(case, told, kind))
            write_decided(NoticeKind.TRACE, decided, post=case.post, acting_user=actor)
    except (DomainError, DatabaseError):
        logger.exception("could not tell the IDC of the name trace on %s", case.cryptonym)


def _decide(case: Case, told: Sequence[Told]) -> Decided:
    """Whom the IDC's notices of an intake's trace go to (reads only); none if that cannot be
    decided (logged: the trace stands)."""
    if not told:
        return []
    try:
        return decide_idc_each(NoticeKind.TRACE, _tidings(case, told, TraceKind.INTAKE))
    except (DomainError, DatabaseError):
        logger.exception("could not tell the IDC of the name trace on %s", case.cryptonym)
        return []


def trace_at_intake(
    *,
    case_id: int,
    acting_user: AnyUser | None,
    case: Case | None = None,
    subject: Subject | None = None,
    nationality: str | None = None,
) -> Trace | None:
    """The trace intake runs by itself after the commit (``6b(3)(b)``). A failure is logged,
    never raised: the case is open whatever happens here. ``case`` (with its post) and
    ``subject``: those the intake wrote, as it committed them (default read again);
    ``nationality``: the case's first, as its first assessment has it (default read)."""
    try:
        # The reads (the subject, the searches) come before the transaction, which on SQLite
        # holds the database's write lock from its start: it only writes. A subject named
        # meanwhile by another intake is found by that intake's own trace, which runs after it.
        if case is None or case.pk != case_id:
            case = Case.objects.select_related("post").filter(pk=case_id).first()
            subject, nationality = None, None
        identity = subject_identity(case, subject, nationality) if case is not None else None
        if case is None or identity is None:
            return None
        found = find(case, identity, subject)
        return keep_at_intake(case, identity, found, acting_user)
    except Exception:  # the case is committed; a trace that fails must not undo the answer
        logger.exception("the name trace at intake failed for case %s", case_id)
        return None


@sensitive_variables("identity")
def keep_at_intake(
    case: Case, identity: Identity, found: list[search.Found], acting_user: AnyUser | None
) -> Trace:
    """Keep an intake's trace of what its search ``found`` in a transaction of its own, after
    the intake's commit, the IDC's recipients decided before it (it only writes)."""
    decided = _decide(case, _to_tell(found, acting_user, TraceKind.INTAKE))
    with transaction.atomic():
        return keep_trace(
            case,
            identity,
            found,
            kind=TraceKind.INTAKE,
            acting_user=acting_user,
            moment=timezone.now(),
            decided=decided,
        )


def _find_trace(acting_user: AnyUser, case: Case, trace_id: int | str) -> Trace:
    found = restrict(acting_user, Action.VIEW, Trace.objects.filter(case=case)).filter(pk=trace_id)
    trace = found.select_related("case", "case__post").first()
    if trace is None:
        raise NotFound("no such trace on this case")
    return trace


def mark_hit(
    *,
    acting_user: AnyUser,
    case_id: int | str,
    trace_id: int | str,
    hit_id: int | str,
    mark: str,
    at: dt.datetime | None = None,
) -> Hit:
    """Mark a hit a match or no match (or back to unmarked) until the trace is concluded."""
    moment = moment_of(at)
    with transaction.atomic():
        case = find_case(acting_user, case_id, Action.VIEW)
        trace = _find_trace(acting_user, case, trace_id)
        hit = next((h for h in visible_hits(acting_user, trace) if str(h.pk) == str(hit_id)), None)
        if hit is None:
            raise NotFound("no such hit on this trace")
        if not can(acting_user, Action.CHANGE, case):
            raise PermissionDenied(
                "only those who do the case's bona fides work may mark hits",
                clauses=(TRACES_CLAUSE,),
            )
        if mark not in HitMark.values:
            raise InvalidInput(
                [{"field": "mark", "message": f"must be one of {', '.join(HitMark.values)}"}]
            )
        if trace.concluded_at is not None:
            raise Conflict("the trace is concluded: run a new trace to trace again")
        hit = Hit.objects.select_for_update().get(pk=hit.pk)
        before = audit.snapshot(hit, HIT_AUDIT_FIELDS)
        hit.mark = mark
        hit.marked_at = moment if mark != HitMark.PENDING else None
        hit.marked_by = acting_official(acting_user) if mark != HitMark.PENDING else None
        hit.save(update_fields=["mark", "marked_at", "marked_by"])
        audit.record(
            actor=acting_user,
            action="traces.hit.mark",
            obj=hit,
            cryptonym=case.cryptonym,
            before=before,
            after=audit.snapshot(hit, HIT_AUDIT_FIELDS),
        )
    return hit


def _finding(trace: Trace, hits: Sequence[Hit], told: int) -> str:
    """The check's finding: what the trace found, by lists, references and cryptonyms."""
    matches = [hit for hit in hits if hit.mark == HitMark.MATCH]
    named = [
        f"{hit.source_name} {hit.reference}"
        if hit.kind == HitKind.WATCHLIST
        else f"case {hit.subject_case.cryptonym if hit.subject_case else '?'}"
        for hit in matches
    ]
    text = f"Name trace {trace.pk}: {len(hits)} hit(s) shown"
    text += f", {len(matches)} marked a match" + (f" ({'; '.join(named)})" if named else "")
    text += f", {len(hits) - len(matches)} no match."
    if told:
        text += f" Washington was told of {told} possible match(es) at cases not shown."
    return text


def conclude_trace(
    *,
    acting_user: AnyUser,
    case_id: int | str,
    trace_id: int | str,
    expected_version: int | str | None,
    result: str,
    at: dt.datetime | None = None,
) -> Trace:
    """Conclude a trace whose hits are all marked: it records a completed "name traces" check
    on the case's bona fides checklist, with ``result`` and a finding that names lists,
    references and cryptonyms only."""
    moment = moment_of(at)
    with transaction.atomic():
        case = find_case(acting_user, case_id, Action.CHANGE)
        trace = _find_trace(acting_user, case, trace_id)
        if result not in CONCLUSIONS:
            raise InvalidInput(
                [{"field": "result", "message": f"must be one of {', '.join(CONCLUSIONS)}"}]
            )
        if trace.concluded_at is not None:
            raise Conflict("the trace is concluded already")
        hits = visible_hits(acting_user, trace)
        if any(hit.mark == HitMark.PENDING for hit in hits):
            raise InvalidInput(
                [{"field": "result", "message": "mark every hit a match or no match first"}]
            )
        told = Hit.objects.filter(trace=trace, kind=HitKind.SUBJECT).count() - sum(
            1 for hit in hits if hit.kind == HitKind.SUBJECT
        )
        official = acting_official(acting_user)
        if official is None:
            raise PermissionDenied("you are not an official", clauses=(TRACES_CLAUSE,))
        check = add_bona_fides_check(
            acting_user=acting_user,
            case_id=case.pk,
            expected_version=expected_version,
            kind=BonaFidesCheckKind.NAME_TRACES,
            analyst_id=official.pk,
            result=result,
            checked_on=timezone.localdate(moment),
            finding=_finding(trace, hits, told),
            at=moment,
        )
        trace.concluded_at = moment
        trace.check_record = check
        trace.save(update_fields=["concluded_at", "check_record"])
        audit.record(
            actor=acting_user,
            action="traces.trace.conclude",
            obj=trace,
            cryptonym=case.cryptonym,
            after={"result": result, "check": check.pk},
        )
    return trace
