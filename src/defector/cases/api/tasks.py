"""Tasks to the participating organizations (``6b(3)(d)``): assigned, answered, changed,
withdrawn.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Status

from defector.cases import actions as actions_handling
from defector.cases import queries
from defector.cases import queries as queries_handling
from defector.cases.api.common import expected_version, router
from defector.cases.schemas import (
    CompleteIn,
    DeclineIn,
    InvitationIn,
    InvitedOut,
    StepIn,
    TaskIn,
    TaskOut,
    TaskPatchIn,
)
from defector.core.pagination import paged
from defector.core.schemas import CHANGE_ERRORS, READ_ERRORS


def _task(view: queries_handling.TaskView) -> dict[str, Any]:
    return {name: getattr(view, name) for name in TaskOut.model_fields}


def _task_of(request: HttpRequest, case_id: int, task_id: int) -> dict[str, Any]:
    case = queries.case_detail(request.user, case_id)
    return _task(queries_handling.task_of(request.user, case, task_id))


@router.get(
    "/{case_id}/tasks",
    operation_id="defector_cases_api_handling_list_tasks",
    response={200: list[TaskOut], **READ_ERRORS},
    summary="The case's tasks: open ones first, by due date (6b(3)(d))",
)
@paged
def list_tasks(request: HttpRequest, case_id: int) -> Any:
    case = queries.case_detail(request.user, case_id)
    return [_task(view) for view in queries_handling.tasks_of(request.user, case)]


@router.post(
    "/{case_id}/tasks",
    operation_id="defector_cases_api_handling_create_task",
    response={201: TaskOut, **CHANGE_ERRORS},
    summary="Task an agency or an official",
    description=(
        "Exactly one of `agency_id` (one of whose officials must be able to see the case) and "
        "`official_id` (who must be able to see it). By those who may change the case."
    ),
)
def create_task(request: HttpRequest, case_id: int, payload: TaskIn) -> Any:
    task = actions_handling.create_task(
        acting_user=request.user,
        case_id=case_id,
        expected_version=expected_version(request, payload.version),
        title=payload.title,
        details=payload.details,
        due_on=payload.due_on,
        agency_id=payload.agency_id,
        official_id=payload.official_id,
    )
    return Status(201, _task_of(request, case_id, task.pk))


@router.get(
    "/{case_id}/tasks/{task_id}",
    operation_id="defector_cases_api_handling_get_task",
    response={200: TaskOut, **READ_ERRORS},
    summary="One task",
)
def get_task(request: HttpRequest, case_id: int, task_id: int) -> Any:
    return _task_of(request, case_id, task_id)


@router.patch(
    "/{case_id}/tasks/{task_id}",
    operation_id="defector_cases_api_handling_update_task",
    response={200: TaskOut, **CHANGE_ERRORS},
    summary="Change an assigned task (send only what changes)",
)
def update_task(request: HttpRequest, case_id: int, task_id: int, payload: TaskPatchIn) -> Any:
    given = payload.model_fields_set - {"version"}
    changes = {name: getattr(payload, name) for name in given}
    actions_handling.update_task(
        acting_user=request.user,
        case_id=case_id,
        task_id=task_id,
        expected_version=expected_version(request, payload.version),
        **changes,
    )
    return _task_of(request, case_id, task_id)


@router.post(
    "/{case_id}/tasks/{task_id}/accept",
    operation_id="defector_cases_api_handling_accept_task",
    response={200: TaskOut, **CHANGE_ERRORS},
    summary="Accept a task (its assignee only)",
)
def accept_task(request: HttpRequest, case_id: int, task_id: int, payload: StepIn) -> Any:
    actions_handling.accept_task(
        acting_user=request.user,
        case_id=case_id,
        task_id=task_id,
        expected_version=expected_version(request, payload.version),
    )
    return _task_of(request, case_id, task_id)


@router.post(
    "/{case_id}/tasks/{task_id}/decline",
    operation_id="defector_cases_api_handling_decline_task",
    response={200: TaskOut, **CHANGE_ERRORS},
    summary="Decline a task, with the reason (its assignee only)",
)
def decline_task(request: HttpRequest, case_id: int, task_id: int, payload: DeclineIn) -> Any:
    actions_handling.decline_task(
        acting_user=request.user,
        case_id=case_id,
        task_id=task_id,
        expected_version=expected_version(request, payload.version),
        reason=payload.reason,
    )
    return _task_of(request, case_id, task_id)


@router.post(
    "/{case_id}/tasks/{task_id}/complete",
    operation_id="defector_cases_api_handling_complete_task",
    response={200: TaskOut, **CHANGE_ERRORS},
    summary="Report an accepted task done, with the result (its assignee only)",
)
def complete_task(request: HttpRequest, case_id: int, task_id: int, payload: CompleteIn) -> Any:
    actions_handling.complete_task(
        acting_user=request.user,
        case_id=case_id,
        task_id=task_id,
        expected_version=expected_version(request, payload.version),
        result=payload.result,
    )
    return _task_of(request, case_id, task_id)


@router.post(
    "/{case_id}/tasks/{task_id}/withdraw",
    operation_id="defector_cases_api_handling_withdraw_task",
    response={200: TaskOut, **CHANGE_ERRORS},
    summary="Withdraw a task no longer needed, with the reason",
)
def withdraw_task(request: HttpRequest, case_id: int, task_id: int, payload: DeclineIn) -> Any:
    actions_handling.withdraw_task(
        acting_user=request.user,
        case_id=case_id,
        task_id=task_id,
        expected_version=expected_version(request, payload.version),
        reason=payload.reason,
    )
    return _task_of(request, case_id, task_id)


def _invited(request: HttpRequest, case_id: int) -> list[dict[str, Any]]:
    case = queries.case_detail(request.user, case_id)
    return [{"id": r.id, "name": r.name, "agency": r.agency} for r in queries.invited_of(case)]


@router.get(
    "/{case_id}/invited",
    operation_id="defector_cases_api_list_invited",
    response={200: list[InvitedOut], **READ_ERRORS},
    summary="The representatives of other agencies invited to the case (6)",
)
@paged
def list_invited(request: HttpRequest, case_id: int) -> Any:
    return _invited(request, case_id)


@router.post(
    "/{case_id}/invited",
    operation_id="defector_cases_api_invite",
    response={200: list[InvitedOut], **CHANGE_ERRORS},
    summary="Invite a representative of another agency to the case (6)",
    description=(
        "By the chair of the post's committee. The official must hold the invited "
        "representative role at the case's post and be cleared for the case; they are told "
        "by a notice, and a task may then go to their agency. Inviting one already invited "
        "changes nothing. Answers the representatives invited."
    ),
)
def invite(request: HttpRequest, case_id: int, payload: InvitationIn) -> Any:
    actions_handling.invite_to_case(
        acting_user=request.user,
        case_id=case_id,
        expected_version=expected_version(request, payload.version),
        official_id=payload.official_id,
    )
    return _invited(request, case_id)


@router.post(
    "/{case_id}/invited/{official_id}/withdraw",
    operation_id="defector_cases_api_withdraw_invitation",
    response={200: list[InvitedOut], **CHANGE_ERRORS},
    summary="Withdraw an invitation to the case (6)",
    description=(
        "By the chair of the post's committee; the official is told and no longer sees the "
        "case. Answers the representatives still invited."
    ),
)
def withdraw_invitation(
    request: HttpRequest, case_id: int, official_id: int, payload: StepIn
) -> Any:
    actions_handling.withdraw_invitation(
        acting_user=request.user,
        case_id=case_id,
        expected_version=expected_version(request, payload.version),
        official_id=official_id,
    )
    return _invited(request, case_id)
