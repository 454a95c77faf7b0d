"""The notes of a case (not sealed: never a name), and the note search across the cases the
caller may see.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Query, Status

from defector.cases import actions, queries
from defector.cases.api.common import expected_version, router
from defector.cases.schemas import NoteHitOut, NoteIn, NoteOut, NoteSearchIn
from defector.core.pagination import paged
from defector.core.schemas import CHANGE_ERRORS, READ_ERRORS, ErrorOut


def _note(note: Any, rank: float | None = None) -> dict[str, Any]:
    out = {
        "id": note.pk,
        "case_id": note.case_id,
        "cryptonym": note.case.cryptonym,
        "author": str(note.author) if note.author is not None else "the system",
        "at": note.at,
        "text": note.text,
    }
    if rank is not None:
        out["rank"] = rank
    return out


@router.get(
    "/notes/search",
    operation_id="defector_cases_api_search_notes",
    response={200: list[NoteHitOut], 401: ErrorOut, 422: ErrorOut},
    summary="Search the notes of the cases you may see",
    description=(
        "Every word must occur (any case; related forms: meeting finds meetings); best "
        "first, at most 50. PostgreSQL full-text search, or SQLite FTS5."
    ),
)
@paged
def search_notes(request: HttpRequest, query: Query[NoteSearchIn]) -> Any:
    return [_note(hit.note, hit.rank) for hit in queries.search_notes(request.user, query.q)]


@router.get(
    "/{case_id}/notes",
    operation_id="defector_cases_api_list_notes",
    response={200: list[NoteOut], **READ_ERRORS},
    summary="The case's notes, newest first",
)
@paged
def list_notes(request: HttpRequest, case_id: int) -> Any:
    case = queries.case_detail(request.user, case_id)
    return [_note(note) for note in queries.notes_of(request.user, case)]


@router.post(
    "/{case_id}/notes",
    operation_id="defector_cases_api_add_note",
    response={201: NoteOut, **CHANGE_ERRORS},
    summary="Add a note (not sealed: never a name)",
)
def add_note(request: HttpRequest, case_id: int, payload: NoteIn) -> Any:
    note = actions.add_note(
        acting_user=request.user,
        case_id=case_id,
        expected_version=expected_version(request, payload.version),
        text=payload.text,
    )
    return Status(201, _note(note))
