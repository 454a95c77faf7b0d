"""The tasks of a case's handling (6b(3)(d)) for display, and who may answer them."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Final

from django.utils import timezone

from defector import policy
from defector.cases.choices import OPEN_TASK_STATUSES, TaskStatus
from defector.cases.models import Case, CaseTask
from defector.cases.queries.bona_fides import analysts_for
from defector.cases.queries.common import OfficialRef, _ref_or_none, case_rows, officials_seeing
from defector.core.access import Action, get_for, principal_for, restrict
from defector.core.users import AnyUser
from defector.directory.models import Agency, Official

TASKS_CLAUSE: Final = policy.cite("6b(3)(d)")


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
        official=_ref_or_none(task.official),
        due_on=task.due_on,
        status=task.status,
        status_label=TaskStatus(task.status).label,
        overdue=task.is_overdue(today),
        created_at=task.created_at,
        created_by=_ref_or_none(task.created_by),
        responded_at=task.responded_at,
        responded_by=_ref_or_none(task.responded_by),
        decline_reason=task.decline_reason,
        completed_at=task.completed_at,
        completed_by=_ref_or_none(task.completed_by),
        result=task.result,
        withdrawn_at=task.withdrawn_at,
        withdrawal_reason=task.withdrawal_reason,
    )


def _tasks(user: AnyUser, case: Case) -> list[CaseTask]:
    return list(
        case_rows(
            user,
            Action.VIEW,
            CaseTask.objects.select_related(
                "agency",
                "official__user",
                "created_by__user",
                "responded_by__user",
                "completed_by__user",
            ),
            case,
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


def agencies_for_tasks(user: AnyUser, case: Case) -> list[AgencyRef]:
    """The participating organizations a task on ``case`` may go to: the active agencies one
    of whose active officials may see the case (its post's members, its officers, the
    representatives invited to it, Washington). Another agency takes a task once the chair
    invites one of its representatives (``6``)."""
    agencies = restrict(user, Action.VIEW, Agency.objects.filter(active=True)).order_by("code")
    able = {official.agency_id for official, _ in officials_seeing(case)}
    return [AgencyRef(a.pk, a.code, a.name) for a in agencies if a.pk in able]


def officials_for_tasks(case: Case) -> list[OfficialRef]:
    """The officials a task may go to: those who may see the case."""
    return analysts_for(case)
