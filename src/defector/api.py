"""The one JSON API of the system, mounted at ``/api/v1``.

Each app contributes one ninja ``Router`` from its ``api.py``; errors are mapped to JSON with a
stable ``code`` here, in one place.
"""

from __future__ import annotations

import logging
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.parser import Parser

from defector.cases.api import router as cases_router
from defector.committees.api import router as committees_router
from defector.compliance.api import router as compliance_router
from defector.core import idempotency
from defector.core.api import router as audit_router
from defector.core.auth import API_AUTH
from defector.core.errors import DomainError, InvalidInput
from defector.core.inputs import JsonInputError, load_json
from defector.core.schemas import ErrorOut, MeOut
from defector.directory import queries as directory_queries
from defector.directory.api import router as directory_router
from defector.dissemination.api import router as dissemination_router
from defector.escalations.api import router as escalations_router
from defector.exploitation.api import router as exploitation_router
from defector.notifications.api import router as notifications_router
from defector.powers.api import router as powers_router
from defector.publicity.api import router as publicity_router
from defector.reports.api import router as reports_router
from defector.traces.api import router as traces_router
from defector.web.api import router as policy_router

logger = logging.getLogger(__name__)


class StrictJsonParser(Parser):
    """Request bodies parsed as the assessment contract is (:func:`core.inputs.load_json`):
    a key given twice, a lone surrogate, ``NaN`` are refused with 422, naming the field."""

    def parse_body(self, request: HttpRequest) -> dict[str, Any]:
        try:
            data = load_json(request.body)
        except JsonInputError as exc:
            raise InvalidInput([{"field": exc.field, "message": str(exc)}]) from None
        if not isinstance(data, dict):
            raise InvalidInput([{"field": "", "message": "the body must be a JSON object"}])
        return data


api = NinjaAPI(
    title="Defector Program case system",
    version="1",
    description=(
        "The JSON API of the case system of the Defector Program Abroad (DCID No. 4/21). "
        "Authenticate with a browser session (send the CSRF token on writes) or with an API "
        "token as `Authorization: Bearer <token>`. Errors are JSON objects with a stable "
        "`code` and a human-readable `message`; validation errors list each field."
    ),
    auth=API_AUTH,
    urls_namespace="api",
    parser=StrictJsonParser(),
)
# Every POST and PATCH takes an Idempotency-Key: a retry gets the first answer (core.idempotency).
idempotency.install(api)
api.add_router("/policy", policy_router, tags=["policy"])
api.add_router("/directory", directory_router, tags=["directory"])
api.add_router("/cases", cases_router, tags=["cases"])
api.add_router("/committees", committees_router, tags=["committees"])
api.add_router("/audit", audit_router, tags=["audit"])
api.add_router("/escalations", escalations_router, tags=["escalations"])
api.add_router("/notifications", notifications_router, tags=["notifications"])
api.add_router("/traces", traces_router, tags=["traces"])
api.add_router("/publicity", publicity_router, tags=["publicity"])
api.add_router("/dissemination", dissemination_router, tags=["dissemination"])
api.add_router("/compliance", compliance_router, tags=["compliance"])
api.add_router("/exploitation", exploitation_router, tags=["exploitation"])
api.add_router("/powers", powers_router, tags=["powers"])
api.add_router("/reports", reports_router, tags=["reports"])


@api.get(
    "/me",
    response={200: MeOut, 401: ErrorOut},
    tags=["accounts"],
    summary="Who the caller is",
    description="The signed-in user or the token's owner, with their roles: a cheap check "
    "that a session or token works.",
)
def me(request: HttpRequest) -> dict[str, object]:
    return directory_queries.me(request.user)  # type: ignore[arg-type]


def _json(request: HttpRequest, status: int, body: dict[str, object]) -> HttpResponse:
    return api.create_response(request, body, status=status)


@api.exception_handler(DomainError)
def on_domain_error(request: HttpRequest, exc: DomainError) -> HttpResponse:
    return _json(request, exc.status, exc.to_dict())


@api.exception_handler(NinjaValidationError)
def on_validation_error(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
    errors = []
    for error in exc.errors:
        parts = list(error.get("loc", ()))
        if len(parts) > 2 and parts[0] == "body":
            del parts[1]  # the body parameter's name: fields are named as the client sends them
        loc = [str(part) for part in parts if part not in {"body", "query", "path"}]
        errors.append({"field": ".".join(loc), "message": str(error.get("msg", "invalid"))})
    return _json(
        request,
        422,
        {"code": "validation_error", "message": "the request is not valid", "errors": errors},
    )


@api.exception_handler(AuthenticationError)
def on_authentication_error(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return _json(
        request,
        401,
        {"code": "not_authenticated", "message": "sign in, or send a valid API token"},
    )


@api.exception_handler(Http404)
def on_not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return _json(request, 404, {"code": "not_found", "message": "not found"})


_HTTP_ERROR_CODES = {
    400: "bad_request",
    401: "not_authenticated",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
}


@api.exception_handler(HttpError)
def on_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    if isinstance(exc.__cause__, DomainError):
        # ninja wraps every error of the body parser in a 400; ours says which field is wrong.
        return on_domain_error(request, exc.__cause__)
    code = _HTTP_ERROR_CODES.get(exc.status_code, "http_error")
    return _json(request, exc.status_code, {"code": code, "message": str(exc)})


@api.exception_handler(Exception)
def on_unexpected(request: HttpRequest, exc: Exception) -> HttpResponse:
    logger.exception("unexpected error in %s %s", request.method, request.path)
    return _json(
        request, 500, {"code": "server_error", "message": "unexpected error; it has been logged"}
    )
