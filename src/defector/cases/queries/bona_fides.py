"""Bona fides (6b(3)(b)): the gate of a verdict, its clock, and its checks for display."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Final

from django.utils import timezone

from defector import policy
from defector.cases import clocks
from defector.cases.choices import BonaFidesCheckKind, BonaFidesVerdictKind, CheckResult, Stage
from defector.cases.models import BonaFidesCheck, BonaFidesVerdict, Case
from defector.cases.queries.common import (
    OfficialRef,
    _ref_or_none,
    case_rows,
    officials_who_may_see,
)
from defector.core.access import Action, get_for, remember, remembered
from defector.core.users import AnyUser
from defector.policy.obligations import ObligationId

BONA_FIDES_CLAUSE: Final = policy.cite("6b(3)(b)")


def _current_verdict(case: Case) -> BonaFidesVerdict | None:
    return remembered(
        ("cases.current_verdict", case.pk),
        BonaFidesVerdict.objects.filter(case=case, superseded_at__isnull=True).first,
    )


def bona_fides_established(case: Case) -> policy.Decision:
    """Allowed when the case's current (latest) bona fides verdict is "established"."""
    current = _current_verdict(case)
    if current is None:
        return verdict_decision(None, None, None)
    return verdict_decision(current.verdict, current.number, current.recorded_at)


def verdict_decision(
    verdict: str | None, number: int | None, recorded_at: dt.datetime | None
) -> policy.Decision:
    """:func:`bona_fides_established` from the current verdict's kind, number and time (all
    ``None``: no verdict)."""
    clause = BONA_FIDES_CLAUSE
    if verdict is None:
        return policy.Decision.deny(clause, reason="bona fides: no verdict yet")
    if verdict != BonaFidesVerdictKind.ESTABLISHED:
        label = BonaFidesVerdictKind(verdict).label.lower()
        return policy.Decision.deny(clause, reason=f"bona fides: verdict {number} is {label}")
    assert recorded_at is not None  # noqa: S101  (a verdict has its time)
    day = timezone.localtime(recorded_at, dt.UTC).date().isoformat()
    return policy.Decision.allow(
        clause, reason=f"bona fides established by verdict {number} on {day}"
    )


@dataclass(frozen=True, slots=True)
class BonaFidesClock:
    """How long bona fides has taken, against the post's target (``clocks``): from the
    reception of the person until now, or until the verdict that established it."""

    started_at: dt.datetime
    #: The post's target; ``None``: the post sets none.
    target: dt.timedelta | None
    due_at: dt.datetime | None
    #: Day 1 is the day of the reception (the first 24 hours).
    day: int
    stopped_at: dt.datetime | None
    overdue: bool
    source: str

    @property
    def target_days(self) -> int | None:
        return self.target.days if self.target is not None else None

    @property
    def established(self) -> bool:
        return self.stopped_at is not None

    @property
    def text(self) -> str:
        """ "day 12 of 30", "established on day 9 of 30", "day 31 of 30 (overdue)"."""
        of = f" of {self.target_days}" if self.target is not None else ""
        if self.established:
            return f"established on day {self.day}{of}"
        tail = " (overdue)" if self.overdue else ""
        if self.target is None:
            return f"day {self.day} (the post sets no target)"
        return f"day {self.day}{of}{tail}"


def bona_fides_clock(
    case: Case, *, now: dt.datetime | None = None, established_at: dt.datetime | None = None
) -> BonaFidesClock:
    """The clock of ``case``: from its reception (``received_at``, else ``opened_at``) to
    ``now``, or to ``established_at`` (the current verdict, when it established bona fides)."""
    now = now or timezone.now()
    started = case.received_at or case.opened_at
    post_clocks = clocks.clocks_for(case.post)
    identifier = ObligationId.ESTABLISH_BONA_FIDES
    target = post_clocks.limit(identifier)
    due = started + target if target is not None else None
    end = established_at or now
    elapsed = max(end - started, dt.timedelta(0))
    return BonaFidesClock(
        started_at=started,
        target=target,
        due_at=due,
        day=elapsed.days + 1,
        stopped_at=established_at,
        overdue=due is not None and end > due,
        source=post_clocks.sources.get(identifier, "default"),
    )


@dataclass(frozen=True, slots=True)
class CheckView:
    id: int
    kind: str
    kind_label: str
    result: str
    result_label: str
    analyst: OfficialRef | None
    checked_on: dt.date | None
    finding: str
    recorded_at: dt.datetime
    recorded_by: OfficialRef | None
    completed_at: dt.datetime | None

    @property
    def completed(self) -> bool:
        return self.result != CheckResult.PENDING

    @property
    def name(self) -> str:
        """How a verdict or an error names it: "name traces (check 4)"."""
        return f"{self.kind_label.lower()} (check {self.id})"


@dataclass(frozen=True, slots=True)
class VerdictView:
    id: int
    number: int
    verdict: str
    verdict_label: str
    checks: list[CheckView]
    #: The cited checks as they stood when the verdict was recorded.
    basis: list[dict[str, object]]
    rationale: str
    recorded_at: dt.datetime
    recorded_by: OfficialRef | None
    superseded_at: dt.datetime | None

    @property
    def current(self) -> bool:
        return self.superseded_at is None

    @property
    def established(self) -> bool:
        return self.verdict == BonaFidesVerdictKind.ESTABLISHED


@dataclass(frozen=True, slots=True)
class BonaFidesView:
    """Everything the bona fides section and ``GET …/bona-fides`` show."""

    clock: BonaFidesClock
    checks: list[CheckView]
    current: VerdictView | None
    history: list[VerdictView]
    closed: bool

    @property
    def completed_checks(self) -> list[CheckView]:
        return [check for check in self.checks if check.completed]


def check_view(check: BonaFidesCheck) -> CheckView:
    return CheckView(
        id=check.pk,
        kind=check.kind,
        kind_label=BonaFidesCheckKind(check.kind).label,
        result=check.result,
        result_label=CheckResult(check.result).label,
        analyst=_ref_or_none(check.analyst),
        checked_on=check.checked_on,
        finding=check.finding,
        recorded_at=check.recorded_at,
        recorded_by=_ref_or_none(check.recorded_by),
        completed_at=check.completed_at,
    )


def _checks(user: AnyUser, case: Case) -> list[BonaFidesCheck]:
    return list(
        case_rows(
            user,
            Action.VIEW,
            BonaFidesCheck.objects.select_related("analyst__user", "recorded_by__user", "case"),
            case,
        ).order_by("recorded_at", "pk")
    )


def checks_of(user: AnyUser, case: Case) -> list[CheckView]:
    """The case's bona fides checks, oldest first."""
    return [check_view(check) for check in _checks(user, case)]


def check_of(user: AnyUser, case: Case, check_id: int) -> CheckView:
    """One check of the case, or :class:`~defector.core.errors.NotFound`."""
    found = get_for(
        user,
        Action.VIEW,
        BonaFidesCheck.objects.filter(case=case).select_related(
            "analyst__user", "recorded_by__user", "case"
        ),
        check_id,
        what="bona fides check",
    )
    return check_view(found)


def _verdict_view(verdict: BonaFidesVerdict) -> VerdictView:
    cited = sorted(verdict.checks.all(), key=lambda check: check.pk)
    return VerdictView(
        id=verdict.pk,
        number=verdict.number,
        verdict=verdict.verdict,
        verdict_label=BonaFidesVerdictKind(verdict.verdict).label,
        checks=[check_view(check) for check in cited],
        basis=list(verdict.basis or []),
        rationale=verdict.rationale,
        recorded_at=verdict.recorded_at,
        recorded_by=_ref_or_none(verdict.recorded_by),
        superseded_at=verdict.superseded_at,
    )


def verdicts_of(user: AnyUser, case: Case) -> list[VerdictView]:
    """Every bona fides verdict of the case, newest (the current one) first."""
    rows = (
        case_rows(
            user,
            Action.VIEW,
            BonaFidesVerdict.objects.select_related("recorded_by__user"),
            case,
        )
        .prefetch_related("checks__analyst__user", "checks__recorded_by__user", "checks__case")
        .order_by("-number")
    )
    found = list(rows)
    current = next((row for row in found if row.superseded_at is None), None)
    remember(("cases.current_verdict", case.pk), current)  # the gates' read, on this page
    return [_verdict_view(row) for row in found]


def bona_fides_of(user: AnyUser, case: Case, *, now: dt.datetime | None = None) -> BonaFidesView:
    """The case's checks, its verdicts and its clock."""
    history = verdicts_of(user, case)
    current = history[0] if history and history[0].current else None
    established_at = current.recorded_at if current is not None and current.established else None
    return BonaFidesView(
        clock=bona_fides_clock(case, now=now, established_at=established_at),
        checks=checks_of(user, case),
        current=current,
        history=history,
        closed=case.stage == Stage.CLOSED,
    )


def analysts_for(case: Case) -> list[OfficialRef]:
    """Who may make a check: the active officials of the case's post (or assigned to it) who
    may see the case."""
    return [OfficialRef(id=o.pk, name=str(o)) for o in officials_who_may_see(case)]
