"""The tasks of a case's handling (6b(3)(d)): creating, updating and answering them."""

from __future__ import annotations

import datetime as dt
from typing import Any, Final

from django.db import transaction
from django.utils import timezone

from defector.cases import signals, validation
from defector.cases.actions.common import claim_case, find_case, find_case_to_handle, record_event
from defector.cases.actions.fields import _date, _must_be_open_case, _row_id, _visible_official
from defector.cases.actions.free_text import refuse_true_names
from defector.cases.choices import OPEN_TASK_STATUSES, TaskStatus
from defector.cases.models import Case, CaseTask
from defector.cases.queries import TASKS_CLAUSE, is_assignee
from defector.cases.validation import Errors, as_version, clean_text, moment_of
from defector.cases.validation import error as add_error
from defector.core import audit
from defector.core.access import Action, who_can
from defector.core.errors import InvalidInput, NotFound, PermissionDenied
from defector.core.users import AnyUser
from defector.directory.models import Agency, Official
from defector.directory.queries import acting_official

MAX_TASK_DETAILS_LENGTH: Final = 10_000


MAX_TITLE_LENGTH: Final = 200


TASK_AUDIT_FIELDS: Final = [
    "title",
    "details",
    "agency",
    "official",
    "due_on",
    "status",
    "responded_at",
    "responded_by",
    "decline_reason",
    "completed_at",
    "completed_by",
    "result",
    "withdrawn_at",
    "withdrawal_reason",
]


def _assignee(
    errors: Errors, case: Case, agency_id: object, official_id: object
) -> tuple[Agency | None, Official | None]:
    """Exactly one of an agency (one of whose officials may see the case) and an official
    (who may see the case)."""
    has_agency = agency_id not in (None, "")
    has_official = official_id not in (None, "")
    if has_agency and has_official:
        add_error(errors, "assignee", "give an agency or an official, not both")
        return None, None
    if not has_agency and not has_official:
        add_error(errors, "assignee", "is required: choose an agency or an official")
        return None, None
    if has_official:
        official = _visible_official(errors, "official_id", official_id, case, required="")
        return None, official
    number = _row_id(agency_id)
    agency = Agency.objects.filter(pk=number).first() if number is not None else None
    if agency is None:
        add_error(errors, "agency_id", f"there is no agency {agency_id}")
        return None, None
    if not agency.active:
        add_error(errors, "agency_id", f"{agency.code} is not active")
        return None, None
    members = Official.objects.filter(agency=agency, user__is_active=True).select_related("user")
    if not who_can([member.user for member in members], Action.VIEW, case):
        add_error(
            errors,
            "agency_id",
            f"no official of {agency.code} may see this case: the committee's chair may invite "
            "one of its representatives (6), or task an official",
        )
        return None, None
    return agency, None


def _due_on(errors: Errors, value: object, today: dt.date, *, required: bool) -> dt.date | None:
    day = _date(errors, "due_on", value, required="is required: when it is due" if required else "")
    if day is not None and day < today:
        add_error(errors, "due_on", "is in the past")
    return day


def _find_task(case: Case, task_id: object) -> CaseTask:
    number = _row_id(task_id)
    found = (
        CaseTask.objects.filter(case=case, pk=number)
        .select_related("agency", "official__user")
        .first()
        if number is not None
        else None
    )
    if found is None:
        raise NotFound("no such task on this case")
    return found


def _tell_after_commit(task: CaseTask, change: str, acting_user: AnyUser) -> None:
    """Send ``task_changed`` once the transaction commits (the notifications app tells the
    assignee, or the one who assigned it)."""
    transaction.on_commit(
        lambda: signals.task_changed.send(
            sender=CaseTask, task=task, change=change, actor=acting_user
        )
    )


def _assigned_to(task: CaseTask) -> str:
    return task.agency.code if task.agency is not None else str(task.official)


def create_task(
    *,
    acting_user: AnyUser,
    case_id: int | str,
    expected_version: int | str | None,
    title: str,
    due_on: dt.date | str | None,
    details: str = "",
    agency_id: int | str | None = None,
    official_id: int | str | None = None,
    at: dt.datetime | None = None,
) -> CaseTask:
    """Task a participating organization (``6b(3)(d)``) — an agency, or one official —
    with a title, details (cryptonyms only) and a due date. The case's officers, committee
    and senior US representative (those who may change the case) create tasks."""
    moment = moment_of(at)
    with transaction.atomic():
        case = find_case_to_handle(acting_user, case_id)
        errors: Errors = []
        version = as_version(errors, expected_version)
        heading = clean_text(
            errors,
            "title",
            title,
            limit=MAX_TITLE_LENGTH,
            required="is required: what is to be done",
            multiline=False,
        )
        body = clean_text(errors, "details", details, limit=MAX_TASK_DETAILS_LENGTH)
        refuse_true_names(errors, case, title=heading, details=body)
        day = _due_on(errors, due_on, timezone.localdate(moment), required=True)
        agency, official = _assignee(errors, case, agency_id, official_id)
        if errors or day is None or (agency is None and official is None):
            raise InvalidInput(errors)
        case = claim_case(case, version, acting_user=acting_user, at=moment)
        _must_be_open_case(case, "title", "task anyone")
        task = CaseTask.objects.create(
            case=case,
            title=heading,
            details=body,
            agency=agency,
            official=official,
            due_on=day,
            created_at=moment,
            created_by=acting_official(acting_user),
        )
        record_event(
            case,
            acting_user=acting_user,
            action="cases.casetask.create",
            summary=f"Task {task.pk} to {_assigned_to(task)}, due {day.isoformat()}: {heading}",
            at=moment,
            obj=task,
            after=audit.snapshot(task, TASK_AUDIT_FIELDS),
        )
        _tell_after_commit(task, "assigned", acting_user)
    return task


#: "Not given" for the optional fields of :func:`update_task` (``None`` means "none").
UNCHANGED: Final[Any] = object()


def update_task(
    *,
    acting_user: AnyUser,
    case_id: int | str,
    task_id: int | str,
    expected_version: int | str | None,
    title: Any = UNCHANGED,
    details: Any = UNCHANGED,
    due_on: Any = UNCHANGED,
    agency_id: Any = UNCHANGED,
    official_id: Any = UNCHANGED,
    at: dt.datetime | None = None,
) -> CaseTask:
    """Change a task that is not answered yet (assigned): its title, details, due date or
    assignee (give ``agency_id`` or ``official_id`` to hand it to another)."""
    moment = moment_of(at)
    with transaction.atomic():
        case = find_case_to_handle(acting_user, case_id)
        task = _find_task(case, task_id)
        errors: Errors = []
        version = as_version(errors, expected_version)
        changes: dict[str, Any] = {}
        if title is not UNCHANGED:
            changes["title"] = clean_text(
                errors,
                "title",
                title,
                limit=MAX_TITLE_LENGTH,
                required="may not be empty",
                multiline=False,
            )
        if details is not UNCHANGED:
            changes["details"] = clean_text(
                errors, "details", details, limit=MAX_TASK_DETAILS_LENGTH
            )
        if due_on is not UNCHANGED:
            changes["due_on"] = _due_on(errors, due_on, timezone.localdate(moment), required=True)
        if agency_id is not UNCHANGED or official_id is not UNCHANGED:
            agency, official = _assignee(
                errors,
                case,
                None if agency_id is UNCHANGED else agency_id,
                None if official_id is UNCHANGED else official_id,
            )
            changes |= {"agency": agency, "official": official}
        refuse_true_names(errors, case, title=changes.get("title"), details=changes.get("details"))
        if not changes and not errors:
            add_error(errors, "task", "nothing to change: give the fields to change")
        if errors:
            raise InvalidInput(errors)
        case = claim_case(case, version, acting_user=acting_user, at=moment)
        task = _find_task(case, task.pk)
        if task.status != TaskStatus.ASSIGNED:
            raise InvalidInput(
                [
                    {
                        "field": "status",
                        "message": f"the task is {task.get_status_display().lower()}: only an "
                        "assigned task may be changed",
                    }
                ]
            )
        before = audit.snapshot(task, TASK_AUDIT_FIELDS)
        for name, value in changes.items():
            setattr(task, name, value)
        task.save(update_fields=list(changes))
        record_event(
            case,
            acting_user=acting_user,
            action="cases.casetask.update",
            summary=f"Task {task.pk} changed ({', '.join(sorted(changes))})",
            at=moment,
            obj=task,
            before=before,
            after=audit.snapshot(task, TASK_AUDIT_FIELDS),
        )
        if (before["agency"], before["official"]) != (task.agency_id, task.official_id):
            _tell_after_commit(task, "assigned", acting_user)
    return task


def _answer_task(
    *,
    acting_user: AnyUser,
    case_id: int | str,
    task_id: int | str,
    expected_version: int | str | None,
    verb: str,
    to: str,
    from_: tuple[str, ...],
    text_field: str = "",
    text: str = "",
    text_required: str = "",
    at: dt.datetime | None,
) -> CaseTask:
    """Accept, decline or complete a task: only its assignee may (the official it names, or
    an official of the agency it names), and only from the statuses ``from_``."""
    moment = moment_of(at)
    with transaction.atomic():
        case = find_case(acting_user, case_id, Action.VIEW)
        task = _find_task(case, task_id)
        if not is_assignee(acting_user, agency_id=task.agency_id, official_id=task.official_id):
            raise PermissionDenied(
                f"only the task's assignee ({_assigned_to(task)}) may {verb} it",
                clauses=(TASKS_CLAUSE,),
            )
        errors: Errors = []
        version = as_version(errors, expected_version)
        stated = ""
        if text_field:
            stated = clean_text(
                errors,
                text_field,
                text,
                limit=validation.MAX_REASON_LENGTH,
                required=text_required,
                minimum=validation.MIN_STATED_LENGTH,
            )
            refuse_true_names(errors, case, **{text_field: stated})
        if errors:
            raise InvalidInput(errors)
        case = claim_case(case, version, acting_user=acting_user, at=moment)
        task = _find_task(case, task.pk)
        if task.status not in from_:
            allowed = " or ".join(TaskStatus(s).label.lower() for s in from_)
            raise InvalidInput(
                [
                    {
                        "field": "status",
                        "message": f"the task is {task.get_status_display().lower()}: only an "
                        f"{allowed} task may be {TaskStatus(to).label.lower()}",
                    }
                ]
            )
        official = acting_official(acting_user)
        before = audit.snapshot(task, TASK_AUDIT_FIELDS)
        task.status = to
        fields = ["status"]
        if to in (TaskStatus.ACCEPTED, TaskStatus.DECLINED):
            task.responded_at, task.responded_by = moment, official
            fields += ["responded_at", "responded_by"]
        if to == TaskStatus.DECLINED:
            task.decline_reason = stated
            fields.append("decline_reason")
        if to == TaskStatus.DONE:
            task.completed_at, task.completed_by, task.result = moment, official, stated
            fields += ["completed_at", "completed_by", "result"]
        task.save(update_fields=fields)
        record_event(
            case,
            acting_user=acting_user,
            action=f"cases.casetask.{verb}",
            summary=f"Task {task.pk} {TaskStatus(to).label.lower()} by {official}"
            + (f" ({_assigned_to(task)})" if task.agency_id else "")
            + f": {task.title}",
            at=moment,
            obj=task,
            before=before,
            after=audit.snapshot(task, TASK_AUDIT_FIELDS),
            reason=stated if to == TaskStatus.DECLINED else "",
        )
        if to == TaskStatus.DECLINED:
            _tell_after_commit(task, "declined", acting_user)
    return task


def accept_task(
    *,
    acting_user: AnyUser,
    case_id: int | str,
    task_id: int | str,
    expected_version: int | str | None,
    at: dt.datetime | None = None,
) -> CaseTask:
    """The assignee takes the task on."""
    return _answer_task(
        acting_user=acting_user,
        case_id=case_id,
        task_id=task_id,
        expected_version=expected_version,
        verb="accept",
        to=TaskStatus.ACCEPTED,
        from_=(TaskStatus.ASSIGNED,),
        at=at,
    )


def decline_task(
    *,
    acting_user: AnyUser,
    case_id: int | str,
    task_id: int | str,
    expected_version: int | str | None,
    reason: str,
    at: dt.datetime | None = None,
) -> CaseTask:
    """The assignee declines the task, saying why (at least 10 characters)."""
    return _answer_task(
        acting_user=acting_user,
        case_id=case_id,
        task_id=task_id,
        expected_version=expected_version,
        verb="decline",
        to=TaskStatus.DECLINED,
        from_=(TaskStatus.ASSIGNED,),
        text_field="reason",
        text=reason,
        text_required="is required: say why the task is declined",
        at=at,
    )


def complete_task(
    *,
    acting_user: AnyUser,
    case_id: int | str,
    task_id: int | str,
    expected_version: int | str | None,
    result: str,
    at: dt.datetime | None = None,
) -> CaseTask:
    """The assignee reports an accepted task done, with the result (at least 10 characters,
    cryptonyms only)."""
    return _answer_task(
        acting_user=acting_user,
        case_id=case_id,
        task_id=task_id,
        expected_version=expected_version,
        verb="complete",
        to=TaskStatus.DONE,
        from_=(TaskStatus.ACCEPTED,),
        text_field="result",
        text=result,
        text_required="is required: say what was done",
        at=at,
    )


def withdraw_task(
    *,
    acting_user: AnyUser,
    case_id: int | str,
    task_id: int | str,
    expected_version: int | str | None,
    reason: str,
    at: dt.datetime | None = None,
) -> CaseTask:
    """Those who may change the case withdraw a task that is no longer needed (assigned or
    accepted), with the reason. Nothing is deleted: the task stays, withdrawn."""
    moment = moment_of(at)
    with transaction.atomic():
        case = find_case_to_handle(acting_user, case_id)
        task = _find_task(case, task_id)
        errors: Errors = []
        version = as_version(errors, expected_version)
        text = clean_text(
            errors,
            "reason",
            reason,
            limit=validation.MAX_REASON_LENGTH,
            required="is required: say why the task is withdrawn",
            minimum=validation.MIN_STATED_LENGTH,
        )
        refuse_true_names(errors, case, reason=text)
        if errors:
            raise InvalidInput(errors)
        case = claim_case(case, version, acting_user=acting_user, at=moment)
        task = _find_task(case, task.pk)
        if task.status not in OPEN_TASK_STATUSES:
            raise InvalidInput(
                [
                    {
                        "field": "status",
                        "message": f"the task is {task.get_status_display().lower()}: only an "
                        "assigned or accepted task may be withdrawn",
                    }
                ]
            )
        before = audit.snapshot(task, TASK_AUDIT_FIELDS)
        task.status = TaskStatus.WITHDRAWN
        task.withdrawn_at = moment
        task.withdrawal_reason = text
        task.save(update_fields=["status", "withdrawn_at", "withdrawal_reason"])
        record_event(
            case,
            acting_user=acting_user,
            action="cases.casetask.withdraw",
            summary=f"Task {task.pk} withdrawn: {task.title}",
            at=moment,
            obj=task,
            before=before,
            after=audit.snapshot(task, TASK_AUDIT_FIELDS),
            reason=text,
        )
    return task
