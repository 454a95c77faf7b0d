"""Safe retries of the API's writes: the ``Idempotency-Key`` request header.

A client that sends ``Idempotency-Key: <key>`` with a ``POST`` or ``PATCH`` and loses the
answer (a timeout, a dropped connection, a crashed server) sends the same request with the same
key again; it gets the first answer again (the same status and body, with
``Idempotent-Replayed: true``), and nothing is done twice: no second case, no second audit
record. As Stripe's API and the IETF draft "The Idempotency-Key HTTP Header Field" describe:

- a key is 1 to 255 printable ASCII characters but ``"`` and ``\\`` (bare, or in double quotes
  as the draft's structured-field string); anything else answers 422 ``validation_error``;
- a key belongs to the authenticated user (a bearer token or a session of the same user share
  it); it is kept ``IDEMPOTENCY_KEY_HOURS`` (default 24) and then forgotten
  (``defector purge-idempotency-keys`` deletes the expired ones);
- the same key with another operation or another input (the validated body, path and query,
  and ``If-Match``) answers 422 ``idempotency_key_reused``, and changes nothing;
- while the first request is still being answered, the same key answers 409
  ``idempotency_key_in_use`` (PostgreSQL; SQLite admits one writer at a time, so the retry
  waits for the first request's commit and gets its answer);
- only a success (2xx) is kept. A refused request (4xx) changed nothing, so it is answered
  afresh each time: a corrected retry may use the same key. An error (5xx) is not kept either.

**How a crash cannot keep one without the other**: the request runs in one transaction (the
action's own ``atomic`` nests in it), and the answer is stored in that transaction before it
commits. A crash before the commit loses both the change and the answer, so the retry does the
work; after it, the retry gets the answer.

The answer's body is sealed with the keyring (it may hold a statement's text) and the request
is kept only as a keyed digest (it may hold a true name). Operations that must be answered
afresh every time are marked :func:`exempt` (a reveal, whose every use is audited; a check of
the chain as it is now; a pure computation); the header is ignored there.

:func:`install` applies all this to every covered operation of a ``NinjaAPI`` and documents
the header on each in the OpenAPI document.
"""

from __future__ import annotations

import functools
import hashlib
import inspect
import json
import uuid
from collections.abc import Callable, Mapping
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any, Final, TypeVar

from django.core.exceptions import ImproperlyConfigured
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.utils.crypto import salted_hmac
from ninja import NinjaAPI
from ninja.operation import Operation
from pydantic import BaseModel

from defector.core import actions, queries
from defector.core.errors import IdempotencyKeyInUse, IdempotencyKeyReused, InvalidInput
from defector.core.models import IdempotencyKey
from defector.core.sealing.fields import associated_data
from defector.core.sealing.keys import SealingError, keyring

HEADER: Final = "Idempotency-Key"
REPLAYED_HEADER: Final = "Idempotent-Replayed"
METHODS: Final = frozenset({"POST", "PATCH"})
MAX_KEY_LENGTH: Final = 255
#: The request headers that are part of the request's input, besides its body, path and query.
INPUT_HEADERS: Final = ("If-Match",)
#: The answer's headers that a replay repeats.
KEPT_HEADERS: Final = ("Content-Type", "ETag", "Location", "Content-Disposition")
_EXEMPT: Final = "_defector_idempotency_exempt"
_SALT: Final = "defector.core.idempotency"
KEY_RULE: Final = (
    'must be 1 to 255 printable ASCII characters, without " or \\ (a UUID is a good key)'
)

F = TypeVar("F", bound=Callable[..., Any])


def exempt(view_func: F) -> F:
    """Mark an API operation that must be answered afresh every time: the header is ignored
    there, and not documented."""
    setattr(view_func, _EXEMPT, True)
    return view_func


def covers(operation: Operation) -> bool:
    """Whether ``operation`` takes an ``Idempotency-Key``: a ``POST`` or ``PATCH`` not exempt."""
    return bool(METHODS & set(operation.methods)) and not getattr(
        operation.view_func, _EXEMPT, False
    )


def parse_key(raw: str) -> str:
    """The key a header value carries; :class:`InvalidInput` naming the header if malformed."""
    value = raw.strip()
    if len(value) >= 2 and value[0] == value[-1] == '"':  # a structured-field string
        value = value[1:-1]
    valid = 1 <= len(value) <= MAX_KEY_LENGTH and all(
        " " <= ch <= "~" and ch not in '"\\' for ch in value
    )
    if not valid:
        raise InvalidInput([{"field": HEADER, "message": KEY_RULE}])
    return value


def fingerprint(request: HttpRequest, values: Mapping[str, Any]) -> str:
    """A keyed digest (HMAC-SHA256) of the request's method, path, input headers and validated
    input: equal for a faithful retry, different for another request."""
    canonical = json.dumps(
        {
            "method": request.method,
            "path": request.path,
            "headers": {name: request.headers.get(name, "") for name in INPUT_HEADERS},
            "input": _plain(dict(values)),
        },
        sort_keys=True,
        default=str,
        ensure_ascii=True,
    )
    return salted_hmac(_SALT, canonical, algorithm="sha256").hexdigest()


def _plain(value: Any) -> Any:
    if isinstance(value, BaseModel):
        return _plain(value.model_dump(mode="python"))
    if isinstance(value, UploadedFile):
        digest = hashlib.sha256()
        for chunk in value.chunks():
            digest.update(chunk)
        value.seek(0)
        return {"file": value.name, "size": value.size, "sha256": digest.hexdigest()}
    if isinstance(value, Mapping):
        return {str(key): _plain(item) for key, item in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        items = [_plain(item) for item in value]
        return sorted(items, key=repr) if isinstance(value, set | frozenset) else items
    return value


# --- one request -----------------------------------------------------------------------------


@dataclass
class _Request:
    """What the current request carries and what became of its key."""

    raw: str
    key: str = ""
    user_id: int | None = None
    fingerprint: str = ""
    claimed: bool = False


_current: ContextVar[_Request | None] = ContextVar("defector_idempotency", default=None)


def install(api: NinjaAPI) -> None:
    """Give every covered operation of ``api`` the ``Idempotency-Key`` header."""
    api.add_decorator(_guard, mode="view")


def _guard(run: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
    """Wrap one operation's ``run`` (authentication, validation, the view, the answer)."""
    # The bound ``Operation.run``, or another decorator's wrapper of it (``functools.wraps``).
    operation = getattr(inspect.unwrap(run), "__self__", None)
    if not isinstance(operation, Operation):
        raise ImproperlyConfigured("core.idempotency cannot find the operation it wraps")
    if not covers(operation):
        return run
    operation.view_func = _checked(operation.view_func)
    document(operation)

    @functools.wraps(run)
    def guarded(request: HttpRequest, **kwargs: Any) -> HttpResponseBase:
        raw = request.headers.get(HEADER)
        if raw is None or request.method not in METHODS:
            return run(request, **kwargs)
        state = _Request(raw)
        token = _current.set(state)
        try:
            with transaction.atomic():
                response = run(request, **kwargs)
                if state.claimed and 200 <= response.status_code < 300:
                    _store(state, request, response)
        finally:
            _current.reset(token)
        return response

    return guarded


def _checked(view_func: Callable[..., Any]) -> Callable[..., Any]:
    """Wrap the view itself: it runs after authentication and validation, so the user and the
    validated input are known."""

    @functools.wraps(view_func)
    def checked(request: HttpRequest, *args: Any, **values: Any) -> Any:
        state = _current.get()
        if state is None:
            return view_func(request, *args, **values)
        state.key = parse_key(state.raw)
        state.user_id = request.user.pk
        state.fingerprint = fingerprint(request, values)
        # Claim first, then look: a request that held the key and committed meanwhile has
        # left its answer, which this look then sees.
        if state.user_id is None or not actions.claim_idempotency_key(state.user_id, state.key):
            raise IdempotencyKeyInUse(
                "a request with this Idempotency-Key is still being answered; try again shortly"
            )
        stored = queries.stored_answer(request.user, state.key)
        if stored is not None:
            return _replay(stored, request, state)
        state.claimed = True
        return view_func(request, *args, **values)

    return checked


def _replay(stored: IdempotencyKey, request: HttpRequest, state: _Request) -> HttpResponse:
    if (stored.method, stored.path, stored.fingerprint) != (
        request.method,
        request.path,
        state.fingerprint,
    ):
        raise IdempotencyKeyReused(
            f"this Idempotency-Key was used for another request ({stored.method} "
            f"{stored.path}, or another input); send a new key with a new request"
        )
    try:
        body = keyring().open(stored.body, associated_data(stored, "body")) if stored.body else ""
    except SealingError:
        raise IdempotencyKeyInUse(
            "the answer kept for this Idempotency-Key can no longer be read (its sealing key "
            "was retired); look the result up before sending the request again with a new key"
        ) from None
    response = HttpResponse(body.encode("utf-8"), status=stored.status_code)
    for name, value in stored.headers.items():
        response[name] = value
    response[REPLAYED_HEADER] = "true"
    return response


def _store(state: _Request, request: HttpRequest, response: HttpResponseBase) -> None:
    if not isinstance(response, HttpResponse) or state.user_id is None:
        return  # a streamed answer is not kept (none of the covered operations streams)
    try:
        text = response.content.decode("utf-8")
    except UnicodeDecodeError:
        return  # not text: not kept, a retry does the work again
    answer = IdempotencyKey(
        user_id=state.user_id,
        key=state.key,
        method=request.method or "",
        path=request.path,
        fingerprint=state.fingerprint,
        status_code=response.status_code,
        headers={name: response[name] for name in KEPT_HEADERS if response.has_header(name)},
        seal_uid=uuid.uuid4(),
    )
    answer.body = keyring().seal(text, associated_data(answer, "body")) if text else ""
    actions.store_idempotent_answer(answer)


# --- the OpenAPI document --------------------------------------------------------------------

PARAMETER: Final[dict[str, Any]] = {
    "in": "header",
    "name": HEADER,
    "required": False,
    "schema": {"type": "string", "minLength": 1, "maxLength": MAX_KEY_LENGTH},
    "description": (
        "Makes a retry safe: send a new random key (a UUID) with each new request, and the same "
        "key when you send the same request again after losing the answer. Within "
        "`IDEMPOTENCY_KEY_HOURS` (default 24 h) a retry gets the first answer again, with "
        "`Idempotent-Replayed: true`, and nothing is done twice. The same key with another "
        "request answers 422 `idempotency_key_reused`; while the first is still being "
        "answered, 409 `idempotency_key_in_use`. Only successes are kept: a refused request "
        "may be corrected and sent again with the same key. The key is yours alone: 1 to 255 "
        'printable ASCII characters but `"` and `\\`, bare or in double quotes.'
    ),
}

ERROR_SCHEMA: Final = "#/components/schemas/ErrorOut"

REPLAYED: Final[dict[str, Any]] = {
    "description": "`true` when this is the answer kept for a retried `Idempotency-Key`.",
    "schema": {"type": "string", "enum": ["true"]},
}


def document(operation: Operation) -> None:
    """Add the header to ``operation``'s OpenAPI description, with the answers it may give."""
    extra: dict[str, Any] = dict(operation.openapi_extra or {})
    extra["parameters"] = [*extra.get("parameters", []), PARAMETER]
    responses: dict[int, Any] = dict(extra.get("responses", {}))
    for status in operation.response_models:
        if isinstance(status, int) and 200 <= status < 300:
            responses[status] = {"headers": {REPLAYED_HEADER: REPLAYED}}
    for status, codes in ((409, "`idempotency_key_in_use`"), (422, "`idempotency_key_reused`")):
        if status not in operation.response_models:
            responses[status] = {
                "description": f"The Idempotency-Key: {codes}",
                "content": {"application/json": {"schema": {"$ref": ERROR_SCHEMA}}},
            }
    extra["responses"] = responses
    operation.openapi_extra = extra
