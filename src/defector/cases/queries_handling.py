"""Reads of the handling of a case, for display and for the gates of other actions: bona fides
(``6b(3)(b)``), the voluntary statement (``6b(3)(c)``) and tasks to the participating
organizations (``6b(3)(d)``). Access control is applied here (``core.access``); the pages and
the API share these functions.

Also here, because actions and pages both need them: the rule a bona fides verdict must
satisfy (:func:`verdict_rule`, pure), the bona fides clock (:func:`bona_fides_clock`), who may
witness a statement (:func:`witness_problem`) and who may answer a task (:func:`is_assignee`).

The gates other parts of the case system call (the status determination, ``6b(2)``):
:func:`bona_fides_established` and :func:`signed_statement_on_file`. They read the case's
records without a user: the action that calls them has checked access already, and they
return a :class:`~defector.policy.Decision`, never content.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

from django.contrib.auth.models import AnonymousUser, User
from django.db.models import Q
from django.utils import timezone

from defector import policy
from defector.cases import clocks
from defector.cases.choices import (
    OPEN_TASK_STATUSES,
    BonaFidesCheckKind,
    BonaFidesVerdictKind,
    CheckResult,
    SignatureMethod,
    Stage,
    TaskStatus,
)
from defector.cases.models import (
    BonaFidesCheck,
    BonaFidesVerdict,
    Case,
    CaseTask,
    VoluntaryStatement,
)
from defector.cases.queries import OfficialRef
from defector.core.access import Action, can, get_for, principal_for, restrict
from defector.directory.models import Agency, Official
from defector.policy.obligations import ObligationId

AnyUser = User | AnonymousUser

BONA_FIDES_CLAUSE: Final = policy.cite("6b(3)(b)")
STATEMENT_CLAUSE: Final = policy.cite("6b(3)(c)")
TASKS_CLAUSE: Final = policy.cite("6b(3)(d)")


def _ref(official: Official | None) -> OfficialRef | None:
    return OfficialRef(id=official.pk, name=str(official)) if official is not None else None


# --- the rule of a verdict (pure) ---------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class CitedCheck:
    """A check a verdict cites, as the rule sees it: how to name it, and its result."""

    name: str
    result: str


def verdict_rule(verdict: str, cited: Sequence[CitedCheck]) -> policy.Decision:
    """Whether a bona fides verdict may rest on the ``cited`` checks (``6b(3)(b)``).

    Every verdict rests on at least one check, and only on completed ones (a pending check
    has found nothing yet); "established" further needs that none of the checks it cites
    found the person's account inconsistent. A pure function of its input."""
    clause = BONA_FIDES_CLAUSE
    if verdict not in BonaFidesVerdictKind.values:
        return policy.Decision.deny(
            clause, reason=f"the verdict must be one of {', '.join(BonaFidesVerdictKind.values)}"
        )
    if not cited:
        return policy.Decision.deny(
            clause, reason="a verdict must cite at least one completed check"
        )
    pending = [check.name for check in cited if check.result == CheckResult.PENDING]
    if pending:
        return policy.Decision.deny(
            clause,
            reason=f"a verdict rests on completed checks only; still pending: {', '.join(pending)}",
        )
    inconsistent = [check.name for check in cited if check.result == CheckResult.INCONSISTENT]
    if verdict == BonaFidesVerdictKind.ESTABLISHED and inconsistent:
        return policy.Decision.deny(
            clause,
            reason="bona fides cannot be established on checks that found inconsistencies: "
            + ", ".join(inconsistent),
        )
    return policy.Decision.allow(
        clause,
        reason=f"{BonaFidesVerdictKind(verdict).label.lower()} on {len(cited)} completed "
        f"check{'s' if len(cited) != 1 else ''}",
    )


# --- the gates of the status determination ------------------------------------------------------


def _current_verdict(case: Case) -> BonaFidesVerdict | None:
    return BonaFidesVerdict.objects.filter(case=case, superseded_at__isnull=True).first()


def bona_fides_established(case: Case) -> policy.Decision:
    """Allowed when the case's current (latest) bona fides verdict is "established"."""
    clause = BONA_FIDES_CLAUSE
    current = _current_verdict(case)
    if current is None:
        return policy.Decision.deny(clause, reason="bona fides: no verdict yet")
    if current.verdict != BonaFidesVerdictKind.ESTABLISHED:
        label = BonaFidesVerdictKind(current.verdict).label.lower()
        return policy.Decision.deny(
            clause, reason=f"bona fides: verdict {current.number} is {label}"
        )
    day = timezone.localtime(current.recorded_at, dt.UTC).date().isoformat()
    return policy.Decision.allow(
        clause, reason=f"bona fides established by verdict {current.number} on {day}"
    )


def _counting_statements(case: Case) -> Q:
    return Q(case=case, witnessed_at__isnull=False, withdrawn_at__isnull=True) & ~Q(sha256="")


def signed_statement_on_file(case: Case) -> policy.Decision:
    """Allowed when a signed, witnessed and not withdrawn voluntary statement is on file."""
    clause = STATEMENT_CLAUSE
    found = VoluntaryStatement.objects.filter(_counting_statements(case)).order_by("-pk").first()
    if found is not None:
        return policy.Decision.allow(
            clause, reason=f"voluntary statement {found.pk} is signed and witnessed"
        )
    statements = VoluntaryStatement.objects.filter(case=case)
    if not statements.exists():
        reason = "no signed voluntary statement is on file"
    elif statements.filter(withdrawn_at__isnull=True).exists():
        reason = "the voluntary statement is not witnessed yet"
    else:
        reason = "the voluntary statement was withdrawn"
    return policy.Decision.deny(clause, reason=reason)


# --- the bona fides clock -----------------------------------------------------------------------


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


# --- bona fides for display ---------------------------------------------------------------------


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
        analyst=_ref(check.analyst),
        checked_on=check.checked_on,
        finding=check.finding,
        recorded_at=check.recorded_at,
        recorded_by=_ref(check.recorded_by),
        completed_at=check.completed_at,
    )


def _checks(user: AnyUser, case: Case) -> list[BonaFidesCheck]:
    return list(
        restrict(
            user,
            Action.VIEW,
            BonaFidesCheck.objects.filter(case=case).select_related(
                "analyst__user", "recorded_by__user", "case"
            ),
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
        recorded_by=_ref(verdict.recorded_by),
        superseded_at=verdict.superseded_at,
    )


def verdicts_of(user: AnyUser, case: Case) -> list[VerdictView]:
    """Every bona fides verdict of the case, newest (the current one) first."""
    rows = (
        restrict(
            user,
            Action.VIEW,
            BonaFidesVerdict.objects.filter(case=case).select_related("recorded_by__user"),
        )
        .prefetch_related("checks__analyst__user", "checks__recorded_by__user", "checks__case")
        .order_by("-number")
    )
    return [_verdict_view(row) for row in rows]


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
    candidates = (
        Official.objects.filter(Q(roles__post=case.post) | Q(assigned_cases=case))
        .filter(user__is_active=True)
        .select_related("user")
        .distinct()
    )
    return [
        OfficialRef(id=o.pk, name=str(o))
        for o in sorted(candidates, key=str)
        if can(o.user, Action.VIEW, case)
    ]


# --- the voluntary statement --------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class StatementView:
    id: int
    case_id: int
    language_code: str
    language_name: str
    text_original: str
    text_english: str
    signature_method: str
    signature_method_label: str
    content_type: str
    size: int
    sha256: str
    signed_at: dt.datetime
    recorded_at: dt.datetime
    recorded_by: OfficialRef | None
    witness: OfficialRef | None
    witnessed_at: dt.datetime | None
    withdrawn_at: dt.datetime | None
    withdrawn_by: OfficialRef | None
    withdrawal_reason: str

    @property
    def witnessed(self) -> bool:
        return self.witnessed_at is not None

    @property
    def withdrawn(self) -> bool:
        return self.withdrawn_at is not None

    @property
    def counts(self) -> bool:
        return self.witnessed and not self.withdrawn and bool(self.sha256)

    @property
    def status(self) -> str:
        if self.withdrawn:
            return "withdrawn"
        return "witnessed" if self.witnessed else "awaiting a witness"

    @property
    def is_image(self) -> bool:
        return self.content_type.startswith("image/")

    @property
    def drawn(self) -> bool:
        return self.signature_method == SignatureMethod.DRAWN


def statement_view(statement: VoluntaryStatement) -> StatementView:
    return StatementView(
        id=statement.pk,
        case_id=statement.case_id,
        language_code=statement.language_code,
        language_name=statement.language_name,
        text_original=statement.text_original,
        text_english=statement.text_english,
        signature_method=statement.signature_method,
        signature_method_label=SignatureMethod(statement.signature_method).label,
        content_type=statement.content_type,
        size=statement.size,
        sha256=statement.sha256,
        signed_at=statement.signed_at,
        recorded_at=statement.recorded_at,
        recorded_by=_ref(statement.recorded_by),
        witness=_ref(statement.witness),
        witnessed_at=statement.witnessed_at,
        withdrawn_at=statement.withdrawn_at,
        withdrawn_by=_ref(statement.withdrawn_by),
        withdrawal_reason=statement.withdrawal_reason,
    )


def _statements(user: AnyUser, case: Case) -> list[VoluntaryStatement]:
    return list(
        restrict(
            user,
            Action.VIEW,
            VoluntaryStatement.objects.filter(case=case).select_related(
                "recorded_by__user", "witness__user", "withdrawn_by__user"
            ),
        ).order_by("-recorded_at", "-pk")
    )


def statements_of(user: AnyUser, case: Case) -> list[StatementView]:
    """The case's voluntary statements, newest first."""
    return [statement_view(row) for row in _statements(user, case)]


def statement_of(user: AnyUser, case: Case, statement_id: int) -> StatementView:
    """One statement of the case, or :class:`~defector.core.errors.NotFound`."""
    found = get_for(
        user,
        Action.VIEW,
        VoluntaryStatement.objects.filter(case=case).select_related(
            "recorded_by__user", "witness__user", "withdrawn_by__user"
        ),
        statement_id,
        what="statement",
    )
    return statement_view(found)


def witness_problem(user: AnyUser, case: Case, *, recorded_by_id: int | None) -> str:
    """Why ``user`` may not witness a statement of ``case`` (``""``: they may).

    The rule: the witness attests in person, so the witness is the official who signs in and
    records the witnessing; they must be an official of the case's post (hold a role there:
    present when the person signs) who may see the case, and not the official who recorded
    the statement — a second pair of eyes."""
    principal = principal_for(user)
    if principal.official_id is None:
        return "only an official may witness a statement"
    if not can(user, Action.VIEW, case):
        return "you may not see this case"
    if case.post_id not in {post for post, _ in principal.post_roles}:
        return "the witness must be an official of the case's post, present when the person signs"
    if recorded_by_id is not None and recorded_by_id == principal.official_id:
        return "you recorded this statement: another official of the post must witness it"
    return ""


def may_witness(user: AnyUser, case: Case, statement: StatementView) -> bool:
    if statement.witnessed or statement.withdrawn or case.stage == Stage.CLOSED:
        return False
    recorder = statement.recorded_by.id if statement.recorded_by else None
    return not witness_problem(user, case, recorded_by_id=recorder)


# --- tasks (6b(3)(d)) ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class AgencyRef:
    id: int
    code: str
    name: str


@dataclass(frozen=True, slots=True)
class TaskView:
    id: int
    case_id: int
    title: str
    details: str
    agency: AgencyRef | None
    official: OfficialRef | None
    due_on: dt.date
    status: str
    status_label: str
    overdue: bool
    created_at: dt.datetime
    created_by: OfficialRef | None
    responded_at: dt.datetime | None
    responded_by: OfficialRef | None
    decline_reason: str
    completed_at: dt.datetime | None
    completed_by: OfficialRef | None
    result: str
    withdrawn_at: dt.datetime | None
    withdrawal_reason: str

    @property
    def assignee(self) -> str:
        if self.agency is not None:
            return f"{self.agency.name} ({self.agency.code})"
        return self.official.name if self.official is not None else ""

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_TASK_STATUSES


def task_view(task: CaseTask, today: dt.date) -> TaskView:
    agency = task.agency
    return TaskView(
        id=task.pk,
        case_id=task.case_id,
        title=task.title,
        details=task.details,
        agency=AgencyRef(agency.pk, agency.code, agency.name) if agency is not None else None,
        official=_ref(task.official),
        due_on=task.due_on,
        status=task.status,
        status_label=TaskStatus(task.status).label,
        overdue=task.is_overdue(today),
        created_at=task.created_at,
        created_by=_ref(task.created_by),
        responded_at=task.responded_at,
        responded_by=_ref(task.responded_by),
        decline_reason=task.decline_reason,
        completed_at=task.completed_at,
        completed_by=_ref(task.completed_by),
        result=task.result,
        withdrawn_at=task.withdrawn_at,
        withdrawal_reason=task.withdrawal_reason,
    )


def _tasks(user: AnyUser, case: Case) -> list[CaseTask]:
    return list(
        restrict(
            user,
            Action.VIEW,
            CaseTask.objects.filter(case=case).select_related(
                "agency",
                "official__user",
                "created_by__user",
                "responded_by__user",
                "completed_by__user",
            ),
        )
    )


def tasks_of(user: AnyUser, case: Case, *, now: dt.datetime | None = None) -> list[TaskView]:
    """The case's tasks: open ones first by due date, then the rest, newest first."""
    today = timezone.localdate(now or timezone.now())
    views = [task_view(task, today) for task in _tasks(user, case)]
    open_ = sorted((v for v in views if v.is_open), key=lambda v: (v.due_on, v.id))
    rest = sorted((v for v in views if not v.is_open), key=lambda v: v.id, reverse=True)
    return open_ + rest


def task_of(user: AnyUser, case: Case, task_id: int, *, now: dt.datetime | None = None) -> TaskView:
    """One task of the case, or :class:`~defector.core.errors.NotFound`."""
    found = get_for(
        user,
        Action.VIEW,
        CaseTask.objects.filter(case=case).select_related(
            "agency", "official__user", "created_by__user", "responded_by__user"
        ),
        task_id,
        what="task",
    )
    return task_view(found, timezone.localdate(now or timezone.now()))


def is_assignee(user: AnyUser, *, agency_id: int | None, official_id: int | None) -> bool:
    """Whether ``user`` answers for a task: the official it names, or an official of the
    agency it names."""
    principal = principal_for(user)
    if principal.official_id is None:
        return False
    if official_id is not None:
        return principal.official_id == official_id
    if agency_id is None:
        return False
    return Official.objects.filter(pk=principal.official_id, agency_id=agency_id).exists()


def may_answer(user: AnyUser, task: TaskView) -> bool:
    return is_assignee(
        user,
        agency_id=task.agency.id if task.agency else None,
        official_id=task.official.id if task.official else None,
    )


def agencies_for_tasks(user: AnyUser) -> list[AgencyRef]:
    """The participating organizations a task may go to (active agencies)."""
    agencies = restrict(user, Action.VIEW, Agency.objects.filter(active=True)).order_by("code")
    return [AgencyRef(a.pk, a.code, a.name) for a in agencies]


def officials_for_tasks(case: Case) -> list[OfficialRef]:
    """The officials a task may go to: those who may see the case."""
    return analysts_for(case)
