"""The traces router, mounted at ``/api/v1/traces``: name traces on cases and watch lists
(``6b(3)(b)``).

Thin: each endpoint calls one action or query. A case the caller may not see answers 404; a
case they see but whose bona fides work is not theirs answers 403. A hit on a case the caller
may not see is never in an answer: ``idc_told`` counts them (Washington was told). The watch
lists are the IDC's: 404 for everyone else.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import File, Form, Router, Status
from ninja.files import UploadedFile

from defector.core.errors import InvalidInput, NotFound, PermissionDenied
from defector.core.pagination import paged
from defector.core.schemas import CHANGE_ERRORS, READ_ERRORS, ErrorOut
from defector.traces import actions, queries
from defector.traces.choices import TRACES_CLAUSE
from defector.traces.schemas import (
    ConcludeIn,
    ImportOut,
    MarkIn,
    SourceOut,
    TraceIn,
    TraceOut,
)
from defector.traces.validation import MAX_FILE_BYTES

router = Router()


def _case(request: HttpRequest, case_id: int) -> Any:
    case = queries.find_case_for(request.user, case_id)
    if not queries.may_trace(request.user, case):
        raise PermissionDenied(
            "only those who do the case's bona fides work run its name traces",
            clauses=(TRACES_CLAUSE,),
        )
    return case


def _trace(view: queries.TraceView) -> dict[str, Any]:
    return {
        "id": view.id,
        "case_id": view.case_id,
        "cryptonym": view.cryptonym,
        "kind": view.kind,
        "run_at": view.run_at,
        "run_by": view.run_by,
        "concluded_at": view.concluded_at,
        "check_id": view.check_id,
        "hits": [
            {
                "id": hit.id,
                "rank": hit.rank,
                "kind": hit.kind,
                "score": hit.score,
                "reasons": hit.reasons,
                "source": hit.source,
                "reference": hit.reference,
                "name": hit.name,
                "matched": hit.matched,
                "case_id": hit.case_id,
                "cryptonym": hit.cryptonym,
                "post": hit.post,
                "mark": hit.mark,
                "marked_at": hit.marked_at,
                "marked_by": hit.marked_by,
            }
            for hit in view.hits
        ],
        "idc_told": view.told,
        "pending": view.pending,
    }


def _source(source: Any) -> dict[str, Any]:
    return {
        "id": source.pk,
        "name": source.name,
        "entries": source.entry_count,
        "names": source.name_count,
        "imported_at": source.imported_at,
        "imported_by": str(source.imported_by) if source.imported_by is not None else "",
    }


@router.get(
    "/cases/{case_id}/traces",
    response={200: list[TraceOut], 403: ErrorOut, **READ_ERRORS},
    summary="List a case's name traces (6b(3)(b))",
    description="Newest first, each with the hits you may see. For those who do the case's "
    "bona fides work (who may change it).",
)
@paged
def list_traces(request: HttpRequest, case_id: int) -> Any:
    case = _case(request, case_id)
    return [_trace(view) for view in queries.traces_of(request.user, case)]


@router.post(
    "/cases/{case_id}/traces",
    response={201: TraceOut, **CHANGE_ERRORS},
    summary="Run a name trace on a case (6b(3)(b))",
    description="Searches the watch lists and every post's case subjects through the blind "
    "index. Without a name, the subject's own sealed names are traced. Hits on cases you may "
    "not see are left out; Washington is told of them (`idc_told`).",
)
def run_trace(request: HttpRequest, case_id: int, payload: TraceIn) -> Any:
    _case(request, case_id)
    trace = actions.run_trace(
        acting_user=request.user,
        case_id=case_id,
        name=payload.name,
        dob=payload.dob,
        nationality=payload.nationality,
    )
    case = queries.find_case_for(request.user, case_id)
    return Status(201, _trace(queries.trace_detail(request.user, case, trace.pk)))


@router.get(
    "/cases/{case_id}/traces/{trace_id}",
    response={200: TraceOut, 403: ErrorOut, **READ_ERRORS},
    summary="One name trace with its hits",
)
def get_trace(request: HttpRequest, case_id: int, trace_id: int) -> Any:
    case = _case(request, case_id)
    return _trace(queries.trace_detail(request.user, case, trace_id))


@router.post(
    "/cases/{case_id}/traces/{trace_id}/hits/{hit_id}/mark",
    response={200: TraceOut, **CHANGE_ERRORS},
    summary="Mark a hit a match or no match",
    description="Until the trace is concluded; `pending` takes a mark back. Audited.",
)
def mark_hit(
    request: HttpRequest, case_id: int, trace_id: int, hit_id: int, payload: MarkIn
) -> Any:
    case = _case(request, case_id)
    actions.mark_hit(
        acting_user=request.user,
        case_id=case_id,
        trace_id=trace_id,
        hit_id=hit_id,
        mark=payload.mark,
    )
    return _trace(queries.trace_detail(request.user, case, trace_id))


@router.post(
    "/cases/{case_id}/traces/{trace_id}/conclude",
    response={200: TraceOut, **CHANGE_ERRORS},
    summary="Conclude a trace on the bona fides checklist",
    description="Once every hit you see is marked: records a completed name-traces check with "
    "`result` and a finding naming lists, references and cryptonyms only.",
)
def conclude_trace(request: HttpRequest, case_id: int, trace_id: int, payload: ConcludeIn) -> Any:
    _case(request, case_id)
    actions.conclude_trace(
        acting_user=request.user,
        case_id=case_id,
        trace_id=trace_id,
        expected_version=payload.expected_version,
        result=payload.result,
    )
    case = queries.find_case_for(request.user, case_id)
    return _trace(queries.trace_detail(request.user, case, trace_id))


# --- watch lists ------------------------------------------------------------------------------


def _idc_only(request: HttpRequest) -> None:
    if not queries.may_manage_watchlists(request.user):
        raise NotFound("no such resource")


@router.get(
    "/watchlists",
    response={200: list[SourceOut], **READ_ERRORS},
    summary="List the watch lists (the IDC)",
)
@paged
def list_watchlists(request: HttpRequest) -> Any:
    _idc_only(request)
    return [_source(source) for source in queries.sources_for(request.user)]


@router.post(
    "/watchlists",
    response={201: ImportOut, **CHANGE_ERRORS},
    summary="Import a watch list's CSV file (the IDC)",
    description="The file of `contracts/traces.md`, all or nothing: a 422 names each bad row "
    f"by line and column. At most {MAX_FILE_BYTES // (1024 * 1024)} MB. `source` defaults to "
    "the file's name without its extension; a source imported again is replaced.",
)
def import_watchlist(request: HttpRequest, file: File[UploadedFile], source: Form[str] = "") -> Any:
    _idc_only(request)
    if file.size is not None and file.size > MAX_FILE_BYTES:
        raise InvalidInput(
            [{"field": "file", "message": "is too large: import it with defector import-watchlist"}]
        )
    name = source or (file.name or "").rsplit("/", 1)[-1].rsplit(".", 1)[0]
    summary = actions.import_watchlist(acting_user=request.user, source=name, data=file.read())
    return Status(
        201,
        {
            "source": _source(summary.source),
            "entries": summary.entries,
            "names": summary.names,
            "replaced": summary.replaced,
            "summary": summary.line(),
        },
    )


@router.get(
    "/watchlists/{source_id}",
    response={200: SourceOut, **READ_ERRORS},
    summary="One watch list and its counts (the IDC)",
)
def get_watchlist(request: HttpRequest, source_id: int) -> Any:
    _idc_only(request)
    return _source(queries.source_detail(request.user, source_id))


# ``api_operation`` rather than ``router.delete``, which reads like an ORM delete to the
# convention check that keeps the ORM out of this module.
@router.api_operation(
    ["DELETE"],
    "/watchlists/{source_id}",
    response={204: None, **CHANGE_ERRORS},
    summary="Delete a watch list (the IDC)",
)
def delete_watchlist(request: HttpRequest, source_id: int) -> Any:
    _idc_only(request)
    actions.delete_watchlist(acting_user=request.user, source_id=source_id)
    return Status(204, None)
