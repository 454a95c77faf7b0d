"""The cases router, mounted at ``/api/v1/cases``.

Thin: each endpoint calls one query or action. A case the caller may not see answers 404,
exactly as a case that does not exist. The list takes the same filters as the page
(``queries.parse_case_filters``). Every change takes the version of the case the caller read
— ``version`` in the body or an ``If-Match`` header (``GET /cases/{id}`` answers with the
version as its ``ETag``) — and answers 409 when someone changed the case since.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import Query, Router, Status

from defector.cases import actions, queries
from defector.cases.choices import IntakeKind
from defector.cases.schemas import (
    AssessmentOut,
    CaseFiltersIn,
    CaseIn,
    CaseOut,
    CaseRecordOut,
    CaseSummaryOut,
    DischargeIn,
    FactsIn,
    NoteHitOut,
    NoteIn,
    NoteOut,
    NoteSearchIn,
    ObligationOut,
    ReassignIn,
    ReportIn,
    RevealIn,
    RevealOut,
    TimelineEntryOut,
    TransitionIn,
    WaiveIn,
    WalkInIn,
)
from defector.core.errors import InvalidInput
from defector.core.schemas import ErrorOut

router = Router()

CHANGE_ERRORS: dict[int, Any] = {
    401: ErrorOut,
    403: ErrorOut,
    404: ErrorOut,
    409: ErrorOut,
    422: ErrorOut,
}


def _expected_version(request: HttpRequest, body: int | None) -> int | None:
    """The version the caller read: the body's ``version`` or the ``If-Match`` header
    (``"3"``, ``W/"3"`` or ``3``)."""
    header = request.headers.get("If-Match", "").strip()
    from_header: int | None = None
    if header:
        token = header.removeprefix("W/").strip().strip('"')
        if not token.isdigit():
            raise InvalidInput(
                [{"field": "If-Match", "message": 'must be the case\'s version, e.g. "3"'}]
            )
        from_header = int(token)
    if body is not None and from_header is not None and body != from_header:
        raise InvalidInput(
            [{"field": "version", "message": "the body's version and If-Match differ"}]
        )
    return body if body is not None else from_header


def _record(request: HttpRequest, case_id: int) -> dict[str, Any]:
    user = request.user
    case = queries.case_detail(user, case_id)
    view = queries.describe(user, case)
    latest = queries.latest_assessment(user, case)
    return {
        **_case(view),
        "latest_assessment": _assessment(latest) if latest is not None else None,
        "obligations": queries.obligations_of(user, case),
        "timeline": [_entry(entry) for entry in queries.timeline_of(user, case)],
    }


def _case(view: queries.CaseView) -> dict[str, Any]:
    return {
        **{name: getattr(view, name) for name in CaseOut.model_fields if hasattr(view, name)},
        "next_stages": [choice.stage for choice in view.next_stages],
    }


def _assessment(view: queries.AssessmentView) -> dict[str, Any]:
    return {
        "number": view.number,
        "assessed_at": view.assessed_at,
        "assessed_by": view.assessed_by,
        "policy_version": view.policy_version,
        "facts": view.facts_data,
        "applies": view.outcome.applies,
        "categories": view.category_names,
        "obligations": [item.identifier for item in view.obligations],
        "findings": view.outcome_data.get("findings", []),
    }


def _entry(entry: Any) -> dict[str, Any]:
    return {
        "at": entry.at,
        "actor": entry.actor_name,
        "kind": entry.kind,
        "summary": entry.summary,
        "object_label": entry.object_label,
        "object_id": entry.object_id,
    }


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


def _with_etag(response: HttpResponse, version: int) -> None:
    response["ETag"] = f'"{version}"'


# --- the list and intake ------------------------------------------------------------------


@router.get(
    "",
    response={200: list[CaseSummaryOut], 401: ErrorOut, 422: ErrorOut},
    summary="List the cases you may see",
    description=(
        "Newest first, by cryptonym, with the stage, the categories of the latest assessment "
        "and the open and overdue obligations. Filters as on the page: post, stage, category, "
        "overdue, officer, kind, and text in the cryptonym."
    ),
)
def list_cases(request: HttpRequest, filters: Query[CaseFiltersIn]) -> Any:
    parsed = queries.parse_case_filters(filters.model_dump())
    return list(queries.cases_for(request.user, parsed))


@router.post(
    "",
    response={201: CaseOut, 401: ErrorOut, 403: ErrorOut, 422: ErrorOut, 503: ErrorOut},
    summary="Open a case at intake (6b(1))",
    description=(
        "Receives a walk-in (or a potential defector or disaffected person reported by an "
        "official): the case gets a cryptonym at once and the identity fields are sealed; "
        "with `facts`, the facts are assessed and the obligations opened. Allowed to the "
        "post's case officers, committee members and chair, and its senior US representative. "
        "Every bad field is named in a 422 answer; nothing is saved then."
    ),
)
def open_case(request: HttpRequest, payload: CaseIn) -> Any:
    case = actions.open_case(acting_user=request.user, **payload.model_dump())
    view = queries.describe(request.user, queries.case_detail(request.user, case.pk))
    return Status(201, _case(view))


def _intake(request: HttpRequest, payload: WalkInIn, kind: str) -> Any:
    user = request.user
    data = payload.model_dump()
    if data["post_id"] is None:
        default = queries.default_post(user)
        data["post_id"] = default.pk if default is not None else None
    data["sensitivity"] = data["sensitivity"] or queries.default_sensitivity(user)
    data["kind"] = kind
    case = actions.open_case(acting_user=user, **data)
    return Status(201, _record(request, case.pk))


@router.post(
    "/walk-ins",
    response={201: CaseRecordOut, 401: ErrorOut, 403: ErrorOut, 422: ErrorOut, 503: ErrorOut},
    summary="Receive a walk-in (2e, 6b(1))",
    description=(
        "The quick intake: `facts.nationalities` is all that is required. The post defaults "
        "to yours, the time to now, the sensitivity to SECRET (or your clearance if lower), "
        "the location to the post's country, `at_us_installation` to true. Answers with the "
        "case, its first assessment, its obligations (threat information: due in 15 minutes) "
        "and its timeline."
    ),
)
def receive_walk_in(request: HttpRequest, payload: WalkInIn) -> Any:
    return _intake(request, payload, IntakeKind.WALK_IN)


@router.post(
    "/reports",
    response={201: CaseRecordOut, 401: ErrorOut, 403: ErrorOut, 422: ErrorOut, 503: ErrorOut},
    summary="Report a potential defector or a disaffected person (2c, 2d, 6b(1))",
    description="As a walk-in, with `kind` and what you know (`note`, required).",
)
def report_person(request: HttpRequest, payload: ReportIn) -> Any:
    kind = payload.kind
    if kind not in (IntakeKind.POTENTIAL_DEFECTOR, IntakeKind.DISAFFECTED_PERSON):
        raise InvalidInput(
            [{"field": "kind", "message": "must be potential_defector or disaffected_person"}]
        )
    data = WalkInIn(**payload.model_dump(exclude={"kind"}))
    return _intake(request, data, kind)


# --- the note search (before /{case_id}) ----------------------------------------------------


@router.get(
    "/notes/search",
    response={200: list[NoteHitOut], 401: ErrorOut, 422: ErrorOut},
    summary="Search the notes of the cases you may see",
    description=(
        "Every word must occur (any case; related forms: meeting finds meetings); best "
        "first, at most 50. PostgreSQL full-text search, or SQLite FTS5."
    ),
)
def search_notes(request: HttpRequest, query: Query[NoteSearchIn]) -> Any:
    return [_note(hit.note, hit.rank) for hit in queries.search_notes(request.user, query.q)]


# --- one case ---------------------------------------------------------------------------------


@router.get(
    "/{case_id}",
    response={200: CaseRecordOut, 401: ErrorOut, 404: ErrorOut},
    summary="One case, with its latest assessment, obligations and timeline",
    description=(
        "The subject's identity is listed as recorded or not; never its values. The `ETag` "
        "is the case's version: send it back as `If-Match` with a change."
    ),
)
def get_case(request: HttpRequest, case_id: int, response: HttpResponse) -> Any:
    record = _record(request, case_id)
    _with_etag(response, record["version"])
    return record


@router.get(
    "/{case_id}/assessments",
    response={200: list[AssessmentOut], 401: ErrorOut, 404: ErrorOut},
    summary="Every assessment of the case's facts, newest first",
)
def list_assessments(request: HttpRequest, case_id: int) -> Any:
    case = queries.case_detail(request.user, case_id)
    return [_assessment(view) for view in queries.assessments_of(request.user, case)]


@router.put(
    "/{case_id}/facts",
    response={200: AssessmentOut, **CHANGE_ERRORS},
    summary="Replace the case's facts; they are assessed again",
    description=(
        "The whole facts object of the contract (`as_of` defaults to today). Adds an "
        "assessment (the earlier ones are kept), opens the obligations that now arise and "
        "marks the open ones that no longer do. Unchanged facts add nothing."
    ),
)
def put_facts(request: HttpRequest, case_id: int, payload: FactsIn) -> Any:
    actions.update_facts(
        acting_user=request.user,
        case_id=case_id,
        expected_version=_expected_version(request, payload.version),
        facts=payload.facts,
    )
    case = queries.case_detail(request.user, case_id)
    latest = queries.latest_assessment(request.user, case)
    return _assessment(latest) if latest is not None else None


@router.post(
    "/{case_id}/transitions",
    response={200: CaseOut, **CHANGE_ERRORS},
    summary="Move the case to another stage; close it; reopen it",
    description=(
        "reception → assessment → determination → exploitation → resettlement → closed. "
        "Closing needs an `outcome` that fits the stage; going back to assessment and "
        "reopening (closed → assessment) need a `reason`. An illegal move answers 422 naming "
        "both stages and the stages that may follow."
    ),
)
def transition(request: HttpRequest, case_id: int, payload: TransitionIn) -> Any:
    actions.move_case(
        acting_user=request.user,
        case_id=case_id,
        expected_version=_expected_version(request, payload.version),
        to=payload.to,
        outcome=payload.outcome,
        reason=payload.reason,
    )
    return _case(queries.describe(request.user, queries.case_detail(request.user, case_id)))


@router.get(
    "/{case_id}/timeline",
    response={200: list[TimelineEntryOut], 401: ErrorOut, 404: ErrorOut},
    summary="Everything that happened on the case, oldest first",
)
def timeline(request: HttpRequest, case_id: int) -> Any:
    case = queries.case_detail(request.user, case_id)
    return [_entry(entry) for entry in queries.timeline_of(request.user, case)]


@router.get(
    "/{case_id}/notes",
    response={200: list[NoteOut], 401: ErrorOut, 404: ErrorOut},
    summary="The case's notes, newest first",
)
def list_notes(request: HttpRequest, case_id: int) -> Any:
    case = queries.case_detail(request.user, case_id)
    return [_note(note) for note in queries.notes_of(request.user, case)]


@router.post(
    "/{case_id}/notes",
    response={201: NoteOut, **CHANGE_ERRORS},
    summary="Add a note (not sealed: never a name)",
)
def add_note(request: HttpRequest, case_id: int, payload: NoteIn) -> Any:
    note = actions.add_note(
        acting_user=request.user,
        case_id=case_id,
        expected_version=_expected_version(request, payload.version),
        text=payload.text,
    )
    return Status(201, _note(note))


@router.get(
    "/{case_id}/obligations",
    response={200: list[ObligationOut], 401: ErrorOut, 404: ErrorOut},
    summary="The case's obligations: open ones first, by due time",
)
def list_obligations(request: HttpRequest, case_id: int) -> Any:
    case = queries.case_detail(request.user, case_id)
    return queries.obligations_of(request.user, case)


def _obligation(request: HttpRequest, case_id: int, obligation_id: int) -> Any:
    case = queries.case_detail(request.user, case_id)
    return queries.obligation_of(request.user, case, obligation_id)


@router.post(
    "/{case_id}/obligations/{obligation_id}/discharge",
    response={200: ObligationOut, **CHANGE_ERRORS},
    summary="Mark an obligation done, with its evidence",
    description=(
        "`evidence` (at least 10 characters) is required; `evidence_label` and `evidence_id` "
        "may name the record it rests on (a record of this case)."
    ),
)
def discharge(request: HttpRequest, case_id: int, obligation_id: int, payload: DischargeIn) -> Any:
    actions.discharge_obligation(
        acting_user=request.user,
        case_id=case_id,
        obligation_id=obligation_id,
        expected_version=_expected_version(request, payload.version),
        evidence=payload.evidence,
        evidence_label=payload.evidence_label,
        evidence_id=payload.evidence_id,
    )
    return _obligation(request, case_id, obligation_id)


@router.post(
    "/{case_id}/obligations/{obligation_id}/waive",
    response={200: ObligationOut, **CHANGE_ERRORS},
    summary="Waive an obligation, with the reason (committee chair, senior representative)",
)
def waive(request: HttpRequest, case_id: int, obligation_id: int, payload: WaiveIn) -> Any:
    actions.waive_obligation(
        acting_user=request.user,
        case_id=case_id,
        obligation_id=obligation_id,
        expected_version=_expected_version(request, payload.version),
        reason=payload.reason,
    )
    return _obligation(request, case_id, obligation_id)


@router.post(
    "/{case_id}/obligations/{obligation_id}/reassign",
    response={200: ObligationOut, **CHANGE_ERRORS},
    summary="Give an obligation to another official who may see the case",
)
def reassign(request: HttpRequest, case_id: int, obligation_id: int, payload: ReassignIn) -> Any:
    actions.reassign_obligation(
        acting_user=request.user,
        case_id=case_id,
        obligation_id=obligation_id,
        expected_version=_expected_version(request, payload.version),
        owner_id=payload.owner_id,
    )
    return _obligation(request, case_id, obligation_id)


@router.post(
    "/{case_id}/reveal",
    response={200: RevealOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
    summary="Reveal one sealed field of the subject",
    description=(
        "Needs a reason of at least 10 characters; the reveal and its reason are recorded in "
        "the audit log. Allowed to the case's assigned officers, the committee chair and the "
        "senior US representative of its post; 403 for others who may see the case, 404 for "
        "those who may not."
    ),
)
def reveal(request: HttpRequest, case_id: int, payload: RevealIn) -> Any:
    value = actions.reveal_subject_field(
        acting_user=request.user,
        case_id=case_id,
        field_name=payload.field,
        reason=payload.reason,
    )
    return {"field": payload.field, "value": value}


router.add_router("", "defector.cases.api_determination.router")
router.add_router("", "defector.cases.api_handling.router")
