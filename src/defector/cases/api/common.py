"""What the cases' endpoints share: the version a change is made against (the body's
``version`` or an ``If-Match`` header), the case's ``ETag``, and the shapes of a case, its
record, its assessments and its timeline as the API answers them.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import Router
from ninja.renderers import JSONRenderer

from defector.cases import queries
from defector.cases.schemas import CaseOut
from defector.core.errors import InvalidInput, NotFound
from defector.policy import Decision

#: The cases router: every part of the case adds its routes to it (see the package).
router = Router()


def expected_version(request: HttpRequest, body: int | None) -> int | None:
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


def with_etag(response: HttpResponse, version: int) -> None:
    response["ETag"] = f'"{version}"'


def record_out(request: HttpRequest, case_id: int) -> dict[str, Any]:
    """The case's record (``CaseRecordOut``), read in the answer's shape
    (``queries.case_record``)."""
    return queries.case_record(request.user, case_id)


#: The API's renderer (``NinjaAPI``'s default): how ninja writes an answer it validated.
_RENDERER = JSONRenderer()


def trusted_answer(
    request: HttpRequest, response: HttpResponse, data: dict[str, Any]
) -> HttpResponse:
    """``data`` as the operation's answer, written as ninja writes a validated one but without
    validating it again: for an answer read in its schema's shape from trusted rows
    (``record_out``; its test holds the bytes equal). ``response`` is the operation's own
    (its headers kept); the schema stays the operation's ``response``, for the OpenAPI
    document."""
    response.content = _RENDERER.render(request, data, response_status=response.status_code)
    return response


def trusted_created(request: HttpRequest, data: dict[str, Any]) -> HttpResponse:
    """``data`` as a ``201`` answer, written as :func:`trusted_answer` writes one (in the
    response ninja would make: its content type): for an action's answer read in its schema's
    shape (``record_out``; its test holds the bytes equal to the validated answer's)."""
    response = HttpResponse(
        "", status=201, content_type=f"{_RENDERER.media_type}; charset={_RENDERER.charset}"
    )
    return trusted_answer(request, response, data)


def trusted_pages(view: Callable[..., Any]) -> Callable[..., Any]:
    """``@router.get(..., response={200: list[ItemOut], ...})``, then ``@trusted_pages``, then
    ``@paged``: the page ``paged`` makes of the view's list (its items already in ``ItemOut``'s
    shape, read from trusted rows) written as :func:`trusted_answer` writes one, without
    ninja's validation of each item (a third of a list's time). The view takes the operation's
    ``response: HttpResponse``; the operation's schema, its parameters and the pages' own
    validation (``page``, ``page_size``) stay ``paged``'s, so ``openapi.json`` is unchanged.
    Its test holds the bytes equal to the validated answer's."""

    @functools.wraps(view)
    def answered(request: HttpRequest, **kwargs: Any) -> HttpResponse:
        return trusted_answer(request, kwargs["response"], view(request, **kwargs))

    return answered


def case_out(view: queries.CaseView) -> dict[str, Any]:
    return {
        **{name: getattr(view, name) for name in CaseOut.model_fields if hasattr(view, name)},
        "next_stages": [choice.stage for choice in view.next_stages],
    }


def assessment_out(view: queries.AssessmentView) -> dict[str, Any]:
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
        "powers": [
            {
                "fact": row.fact,
                "clause": row.clause,
                "holds": row.holds,
                "because": row.because,
                "records": row.records,
            }
            for row in view.powers
        ],
    }


def entry_out(entry: Any) -> dict[str, Any]:
    return {
        "at": entry.at,
        "actor": entry.actor_name,
        "kind": entry.kind,
        "summary": entry.summary,
        "object_label": entry.object_label,
        "object_id": entry.object_id,
    }


def visible_case(request: HttpRequest, case_id: int) -> Any:
    """The case (a ``cases.models.Case``), or 404 when the caller may not see it."""
    return queries.case_detail(request.user, case_id)


def decision_out(decision: Decision) -> dict[str, Any]:
    return decision.to_dict()


def as_dict(view: Any) -> dict[str, Any]:
    return {name: getattr(view, name) for name in view.__dataclass_fields__}


def find(items: list[Any], item_id: int, what: str) -> Any:
    for item in items:
        if item.id == item_id:
            return item
    raise NotFound(f"no such {what}")
