"""The handling endpoints of a case, mounted on the cases router (``/api/v1/cases``): bona
fides checks and verdicts (``6b(3)(b)``), the signed voluntary statement (``6b(3)(c)``), tasks
to the participating organizations (``6b(3)(d)``).

Thin, like ``cases.api``: each endpoint calls one action or query. A case the caller may not
see answers 404; every change takes the version of the case the caller read (``version`` in
the body, or ``If-Match``) and answers 409 when someone changed the case since.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from ninja import File, Form, Router, Status
from ninja.files import UploadedFile

from defector.cases import actions_handling, queries, queries_handling
from defector.cases.schemas import (
    BonaFidesOut,
    CheckIn,
    CheckOut,
    CheckResultIn,
    CompleteIn,
    DeclineIn,
    StatementFormIn,
    StatementIn,
    StatementOut,
    StepIn,
    TaskIn,
    TaskOut,
    TaskPatchIn,
    VerdictIn,
    VerdictOut,
    WithdrawIn,
)
from defector.core.schemas import ErrorOut

router = Router()

READ_ERRORS: dict[int, Any] = {401: ErrorOut, 404: ErrorOut}
CHANGE_ERRORS: dict[int, Any] = {
    401: ErrorOut,
    403: ErrorOut,
    404: ErrorOut,
    409: ErrorOut,
    422: ErrorOut,
}


def _version(request: HttpRequest, body: int | None) -> int | None:
    """The version the caller read (the body's, or ``If-Match``): ``cases.api``'s rule."""
    from defector.cases import api as cases_api  # imported late: cases.api mounts this router

    return cases_api._expected_version(request, body)


# --- bona fides ---------------------------------------------------------------------------------


def _check(view: queries_handling.CheckView) -> dict[str, Any]:
    return {name: getattr(view, name) for name in CheckOut.model_fields}


def _verdict(view: queries_handling.VerdictView) -> dict[str, Any]:
    return {
        "id": view.id,
        "number": view.number,
        "verdict": view.verdict,
        "checks": [check.id for check in view.checks],
        "basis": view.basis,
        "rationale": view.rationale,
        "recorded_at": view.recorded_at,
        "recorded_by": view.recorded_by,
        "superseded_at": view.superseded_at,
        "current": view.current,
    }


def _bona_fides(request: HttpRequest, case_id: int) -> dict[str, Any]:
    case = queries.case_detail(request.user, case_id)
    view = queries_handling.bona_fides_of(request.user, case)
    clock = view.clock
    return {
        "clock": {
            "started_at": clock.started_at,
            "target_days": clock.target_days,
            "due_at": clock.due_at,
            "day": clock.day,
            "overdue": clock.overdue,
            "established": clock.established,
            "text": clock.text,
        },
        "checks": [_check(check) for check in view.checks],
        "current": _verdict(view.current) if view.current is not None else None,
        "verdicts": [_verdict(verdict) for verdict in view.history],
    }


@router.get(
    "/{case_id}/bona-fides",
    response={200: BonaFidesOut, **READ_ERRORS},
    summary="Bona fides: the clock, the checks and the verdicts (6b(3)(b))",
    description=(
        "The clock runs from the reception against the post's target (e.g. day 12 of 30) "
        "and stops at an established verdict."
    ),
)
def bona_fides(request: HttpRequest, case_id: int) -> Any:
    return _bona_fides(request, case_id)


@router.get(
    "/{case_id}/bona-fides/checks",
    response={200: list[CheckOut], **READ_ERRORS},
    summary="The bona fides checks of the case, oldest first",
)
def list_checks(request: HttpRequest, case_id: int) -> Any:
    case = queries.case_detail(request.user, case_id)
    return [_check(check) for check in queries_handling.checks_of(request.user, case)]


@router.post(
    "/{case_id}/bona-fides/checks",
    response={201: CheckOut, **CHANGE_ERRORS},
    summary="Add a bona fides check",
    description=(
        "Pending by default; with a `result`, `checked_on` and `finding` are required. The "
        "analyst must be an official who may see the case."
    ),
)
def add_check(request: HttpRequest, case_id: int, payload: CheckIn) -> Any:
    check = actions_handling.add_bona_fides_check(
        acting_user=request.user,
        case_id=case_id,
        expected_version=_version(request, payload.version),
        kind=payload.kind,
        analyst_id=payload.analyst_id,
        result=payload.result,
        checked_on=payload.checked_on,
        finding=payload.finding,
    )
    case = queries.case_detail(request.user, case_id)
    return Status(201, _check(queries_handling.check_of(request.user, case, check.pk)))


@router.post(
    "/{case_id}/bona-fides/checks/{check_id}/result",
    response={200: CheckOut, **CHANGE_ERRORS},
    summary="Record the result of a pending check (final once recorded)",
)
def record_result(request: HttpRequest, case_id: int, check_id: int, payload: CheckResultIn) -> Any:
    actions_handling.record_check_result(
        acting_user=request.user,
        case_id=case_id,
        check_id=check_id,
        expected_version=_version(request, payload.version),
        result=payload.result,
        checked_on=payload.checked_on,
        finding=payload.finding,
    )
    case = queries.case_detail(request.user, case_id)
    return _check(queries_handling.check_of(request.user, case, check_id))


@router.post(
    "/{case_id}/bona-fides/verdicts",
    response={201: VerdictOut, **CHANGE_ERRORS},
    summary="Record a bona fides verdict citing its checks",
    description=(
        "`established`, `doubtful` or `refuted`, citing at least one completed check; "
        "`established` is refused (422, clause 6b(3)(b)) when a cited check is inconsistent. "
        "It supersedes the current verdict. `established` discharges the bona fides "
        "obligation; a later verdict that is not opens it again."
    ),
)
def record_verdict(request: HttpRequest, case_id: int, payload: VerdictIn) -> Any:
    row = actions_handling.record_bona_fides_verdict(
        acting_user=request.user,
        case_id=case_id,
        expected_version=_version(request, payload.version),
        verdict=payload.verdict,
        check_ids=payload.check_ids,
        rationale=payload.rationale,
    )
    case = queries.case_detail(request.user, case_id)
    found = next(v for v in queries_handling.verdicts_of(request.user, case) if v.id == row.pk)
    return Status(201, _verdict(found))


# --- the voluntary statement --------------------------------------------------------------------


def _statement(view: queries_handling.StatementView) -> dict[str, Any]:
    fields = {name: getattr(view, name) for name in StatementOut.model_fields if name != "file_url"}
    return {
        **fields,
        "file_url": reverse("api:statement_file", args=[view.case_id, view.id]),
    }


def _statement_of(request: HttpRequest, case_id: int, statement_id: int) -> dict[str, Any]:
    case = queries.case_detail(request.user, case_id)
    return _statement(queries_handling.statement_of(request.user, case, statement_id))


@router.get(
    "/{case_id}/statements",
    response={200: list[StatementOut], **READ_ERRORS},
    summary="The voluntary statements of the case, newest first (6b(3)(c))",
)
def list_statements(request: HttpRequest, case_id: int) -> Any:
    case = queries.case_detail(request.user, case_id)
    return [_statement(view) for view in queries_handling.statements_of(request.user, case)]


@router.post(
    "/{case_id}/statements",
    response={201: StatementOut, **CHANGE_ERRORS},
    summary="Record a statement signed on screen (the drawing as a PNG in base64)",
    description=(
        "Both texts, the time of signing and `signature_png`: the PNG drawn on screen, in "
        "base64 or as a data URL, at most 1 MB. Stored with its SHA-256 hash. For a scanned "
        "signed statement, see `POST /cases/{case_id}/statements/scanned`."
    ),
)
def record_drawn_statement(request: HttpRequest, case_id: int, payload: StatementIn) -> Any:
    statement = actions_handling.record_statement(
        acting_user=request.user,
        case_id=case_id,
        expected_version=_version(request, payload.version),
        language_code=payload.language_code,
        language_name=payload.language_name,
        text_original=payload.text_original,
        text_english=payload.text_english,
        signed_at=payload.signed_at,
        signature_drawing=payload.signature_png,
    )
    return Status(201, _statement_of(request, case_id, statement.pk))


@router.post(
    "/{case_id}/statements/scanned",
    response={201: StatementOut, **CHANGE_ERRORS},
    summary="Record a scanned signed statement (multipart upload)",
    description=(
        "multipart/form-data: the statement's fields and `signature_file`, a PDF, PNG or JPEG "
        "of at most 10 MB — its type judged by its first bytes, never by its name. Stored "
        "with its SHA-256 hash, served only through the access-checked `file_url`."
    ),
)
def record_scanned_statement(
    request: HttpRequest,
    case_id: int,
    payload: Form[StatementFormIn],
    signature_file: File[UploadedFile],
) -> Any:
    statement = actions_handling.record_statement(
        acting_user=request.user,
        case_id=case_id,
        expected_version=_version(request, payload.version),
        language_code=payload.language_code,
        language_name=payload.language_name,
        text_original=payload.text_original,
        text_english=payload.text_english,
        signed_at=payload.signed_at,
        signature_file=signature_file,
    )
    return Status(201, _statement_of(request, case_id, statement.pk))


@router.get(
    "/{case_id}/statements/{statement_id}",
    response={200: StatementOut, **READ_ERRORS},
    summary="One voluntary statement",
)
def get_statement(request: HttpRequest, case_id: int, statement_id: int) -> Any:
    return _statement_of(request, case_id, statement_id)


@router.get(
    "/{case_id}/statements/{statement_id}/file",
    response=READ_ERRORS,
    url_name="statement_file",
    summary="Download the statement's signature file (access-checked, recorded)",
    description=(
        "The scanned signed statement or the drawn signature, as stored, after checking it "
        "against its SHA-256 hash (also in the `X-Content-SHA256` header). 404 for anyone "
        "who may not see the case. Each download is recorded in the audit log."
    ),
    openapi_extra={
        "responses": {
            "200": {
                "description": "The file.",
                "content": {
                    kind: {"schema": {"type": "string", "format": "binary"}}
                    for kind in ("application/pdf", "image/png", "image/jpeg")
                },
            }
        }
    },
)
def statement_file(request: HttpRequest, case_id: int, statement_id: int) -> Any:
    stored = actions_handling.read_statement_file(
        acting_user=request.user, case_id=case_id, statement_id=statement_id
    )
    response = HttpResponse(stored.content, content_type=stored.content_type)
    response["Content-Disposition"] = f'attachment; filename="{stored.filename}"'
    response["X-Content-SHA256"] = stored.sha256
    return response


@router.post(
    "/{case_id}/statements/{statement_id}/witness",
    response={200: StatementOut, **CHANGE_ERRORS},
    summary="Witness a statement as the signed-in official",
    description=(
        "The witness is the caller: an official of the case's post who may see the case, "
        "and not the one who recorded the statement (403 otherwise, naming 6b(3)(c)). A "
        "witnessed statement counts: it discharges the obligation to obtain it."
    ),
)
def witness(request: HttpRequest, case_id: int, statement_id: int, payload: StepIn) -> Any:
    actions_handling.witness_statement(
        acting_user=request.user,
        case_id=case_id,
        statement_id=statement_id,
        expected_version=_version(request, payload.version),
    )
    return _statement_of(request, case_id, statement_id)


@router.post(
    "/{case_id}/statements/{statement_id}/withdraw",
    response={200: StatementOut, **CHANGE_ERRORS},
    summary="Record the withdrawal of a statement: it no longer counts",
)
def withdraw(request: HttpRequest, case_id: int, statement_id: int, payload: WithdrawIn) -> Any:
    actions_handling.withdraw_statement(
        acting_user=request.user,
        case_id=case_id,
        statement_id=statement_id,
        expected_version=_version(request, payload.version),
        reason=payload.reason,
    )
    return _statement_of(request, case_id, statement_id)


# --- tasks --------------------------------------------------------------------------------------


def _task(view: queries_handling.TaskView) -> dict[str, Any]:
    return {name: getattr(view, name) for name in TaskOut.model_fields}


def _task_of(request: HttpRequest, case_id: int, task_id: int) -> dict[str, Any]:
    case = queries.case_detail(request.user, case_id)
    return _task(queries_handling.task_of(request.user, case, task_id))


@router.get(
    "/{case_id}/tasks",
    response={200: list[TaskOut], **READ_ERRORS},
    summary="The case's tasks: open ones first, by due date (6b(3)(d))",
)
def list_tasks(request: HttpRequest, case_id: int) -> Any:
    case = queries.case_detail(request.user, case_id)
    return [_task(view) for view in queries_handling.tasks_of(request.user, case)]


@router.post(
    "/{case_id}/tasks",
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
        expected_version=_version(request, payload.version),
        title=payload.title,
        details=payload.details,
        due_on=payload.due_on,
        agency_id=payload.agency_id,
        official_id=payload.official_id,
    )
    return Status(201, _task_of(request, case_id, task.pk))


@router.get(
    "/{case_id}/tasks/{task_id}",
    response={200: TaskOut, **READ_ERRORS},
    summary="One task",
)
def get_task(request: HttpRequest, case_id: int, task_id: int) -> Any:
    return _task_of(request, case_id, task_id)


@router.patch(
    "/{case_id}/tasks/{task_id}",
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
        expected_version=_version(request, payload.version),
        **changes,
    )
    return _task_of(request, case_id, task_id)


@router.post(
    "/{case_id}/tasks/{task_id}/accept",
    response={200: TaskOut, **CHANGE_ERRORS},
    summary="Accept a task (its assignee only)",
)
def accept_task(request: HttpRequest, case_id: int, task_id: int, payload: StepIn) -> Any:
    actions_handling.accept_task(
        acting_user=request.user,
        case_id=case_id,
        task_id=task_id,
        expected_version=_version(request, payload.version),
    )
    return _task_of(request, case_id, task_id)


@router.post(
    "/{case_id}/tasks/{task_id}/decline",
    response={200: TaskOut, **CHANGE_ERRORS},
    summary="Decline a task, with the reason (its assignee only)",
)
def decline_task(request: HttpRequest, case_id: int, task_id: int, payload: DeclineIn) -> Any:
    actions_handling.decline_task(
        acting_user=request.user,
        case_id=case_id,
        task_id=task_id,
        expected_version=_version(request, payload.version),
        reason=payload.reason,
    )
    return _task_of(request, case_id, task_id)


@router.post(
    "/{case_id}/tasks/{task_id}/complete",
    response={200: TaskOut, **CHANGE_ERRORS},
    summary="Report an accepted task done, with the result (its assignee only)",
)
def complete_task(request: HttpRequest, case_id: int, task_id: int, payload: CompleteIn) -> Any:
    actions_handling.complete_task(
        acting_user=request.user,
        case_id=case_id,
        task_id=task_id,
        expected_version=_version(request, payload.version),
        result=payload.result,
    )
    return _task_of(request, case_id, task_id)


@router.post(
    "/{case_id}/tasks/{task_id}/withdraw",
    response={200: TaskOut, **CHANGE_ERRORS},
    summary="Withdraw a task no longer needed, with the reason",
)
def withdraw_task(request: HttpRequest, case_id: int, task_id: int, payload: DeclineIn) -> Any:
    actions_handling.withdraw_task(
        acting_user=request.user,
        case_id=case_id,
        task_id=task_id,
        expected_version=_version(request, payload.version),
        reason=payload.reason,
    )
    return _task_of(request, case_id, task_id)
