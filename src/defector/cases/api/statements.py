"""The signed voluntary statement (``6b(3)(c)``): drawn or scanned, witnessed, withdrawn;
its signature file served with access checked and each reading recorded.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from ninja import File, Form, Status
from ninja.files import UploadedFile

from defector.cases import actions as actions_handling
from defector.cases import queries
from defector.cases import queries as queries_handling
from defector.cases.api.common import expected_version, router
from defector.cases.schemas import StatementFormIn, StatementIn, StatementOut, StepIn, WithdrawIn
from defector.core.pagination import paged
from defector.core.schemas import CHANGE_ERRORS, READ_ERRORS


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
    operation_id="defector_cases_api_handling_list_statements",
    response={200: list[StatementOut], **READ_ERRORS},
    summary="The voluntary statements of the case, newest first (6b(3)(c))",
)
@paged
def list_statements(request: HttpRequest, case_id: int) -> Any:
    case = queries.case_detail(request.user, case_id)
    return [_statement(view) for view in queries_handling.statements_of(request.user, case)]


@router.post(
    "/{case_id}/statements",
    operation_id="defector_cases_api_handling_record_drawn_statement",
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
        expected_version=expected_version(request, payload.version),
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
    operation_id="defector_cases_api_handling_record_scanned_statement",
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
        expected_version=expected_version(request, payload.version),
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
    operation_id="defector_cases_api_handling_get_statement",
    response={200: StatementOut, **READ_ERRORS},
    summary="One voluntary statement",
)
def get_statement(request: HttpRequest, case_id: int, statement_id: int) -> Any:
    return _statement_of(request, case_id, statement_id)


@router.get(
    "/{case_id}/statements/{statement_id}/file",
    operation_id="defector_cases_api_handling_statement_file",
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
    operation_id="defector_cases_api_handling_witness",
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
        expected_version=expected_version(request, payload.version),
    )
    return _statement_of(request, case_id, statement_id)


@router.post(
    "/{case_id}/statements/{statement_id}/withdraw",
    operation_id="defector_cases_api_handling_withdraw",
    response={200: StatementOut, **CHANGE_ERRORS},
    summary="Record the withdrawal of a statement: it no longer counts",
)
def withdraw(request: HttpRequest, case_id: int, statement_id: int, payload: WithdrawIn) -> Any:
    actions_handling.withdraw_statement(
        acting_user=request.user,
        case_id=case_id,
        statement_id=statement_id,
        expected_version=expected_version(request, payload.version),
        reason=payload.reason,
    )
    return _statement_of(request, case_id, statement_id)
