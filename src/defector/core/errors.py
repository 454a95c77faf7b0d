"""Domain errors: each a class with a stable ``code``, an HTTP status and structured data.

Actions raise them; the API maps them to JSON in one place (``defector.api``); views show
their message. A refusal under the directive carries the clause keys that refused it.
"""

from __future__ import annotations

from typing import Any, ClassVar


class DomainError(Exception):
    """Base of every error an action or query may raise on purpose."""

    code: ClassVar[str] = "error"
    status: ClassVar[int] = 400

    def __init__(
        self,
        message: str,
        *,
        clauses: tuple[str, ...] = (),
        data: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.clauses = clauses
        self.data = data or {}

    def to_dict(self) -> dict[str, Any]:
        body: dict[str, Any] = {"code": self.code, "message": self.message}
        if self.clauses:
            body["clauses"] = list(self.clauses)
        if self.data:
            body["data"] = self.data
        return body


class InvalidInput(DomainError):
    """The input is malformed; ``errors`` lists each field and what is wrong with it."""

    code = "validation_error"
    status = 422

    def __init__(self, errors: list[dict[str, str]], message: str = "") -> None:
        super().__init__(message or "; ".join(f"{e['field']}: {e['message']}" for e in errors))
        self.errors = errors

    def to_dict(self) -> dict[str, Any]:
        return {**super().to_dict(), "errors": self.errors}


class NotFound(DomainError):
    """The object does not exist, or the user may not know that it exists."""

    code = "not_found"
    status = 404


class PermissionDenied(DomainError):
    """The user is known but may not do this."""

    code = "permission_denied"
    status = 403


class NotAuthenticated(DomainError):
    code = "not_authenticated"
    status = 401


class Conflict(DomainError):
    """The object changed since the user read it (a version check failed)."""

    code = "conflict"
    status = 409


class PolicyRefusal(DomainError):
    """The directive forbids this; ``clauses`` names why."""

    code = "policy_refusal"
    status = 422


class AuditChainFault(DomainError):
    """The audit chain is not as its head row says (an event past the head, a gap): no write
    can be recorded until an operator has looked (``defector audit verify``)."""

    code = "audit_chain_fault"
    status = 503


class IdempotencyKeyReused(DomainError):
    """An ``Idempotency-Key`` sent again with another request (another operation or input)."""

    code = "idempotency_key_reused"
    status = 422


class IdempotencyKeyInUse(DomainError):
    """A request with this ``Idempotency-Key`` is still being processed."""

    code = "idempotency_key_in_use"
    status = 409
