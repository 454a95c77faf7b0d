"""Schemas every API router shares (the error body), and those of the audit API."""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Any, Final

from ninja import Field, Schema
from pydantic import AfterValidator, BeforeValidator

from defector.core.inputs import moment_problem


class FieldErrorOut(Schema):
    field: str
    message: str


class ErrorOut(Schema):
    """Every error answer of the API. ``code`` is stable; ``message`` is for people."""

    code: str
    message: str
    errors: list[FieldErrorOut] | None = None
    clauses: list[str] | None = None


#: The error answers of an operation that reads one object.
READ_ERRORS: dict[int, Any] = {401: ErrorOut, 404: ErrorOut}
#: The error answers of an operation that changes state.
CHANGE_ERRORS: dict[int, Any] = {
    401: ErrorOut,
    403: ErrorOut,
    404: ErrorOut,
    409: ErrorOut,
    422: ErrorOut,
}


#: A number given as text ("0", "1.5e9"): pydantic would read it as seconds since 1970.
_NUMBER: Final = re.compile(r"\s*[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?\s*")


def _iso_text(value: Any) -> Any:
    if isinstance(value, bool | int | float) or (
        isinstance(value, str) and _NUMBER.fullmatch(value)
    ):
        raise ValueError("must be a date and time in ISO 8601 (e.g. 2026-03-02T09:30:00Z)")
    return value


def _representable(value: dt.datetime) -> dt.datetime:
    problem = moment_problem(value)
    if problem:
        raise ValueError(problem)
    return value


#: A time as the API accepts it: ISO 8601 text (a number such as ``0`` is not a time), whose
#: conversion to UTC stays within the years this system holds (``core.inputs.moment_problem``).
Moment = Annotated[dt.datetime, BeforeValidator(_iso_text), AfterValidator(_representable)]
#: The highest page number a list accepts: far beyond any log, and its offset fits a 64-bit
#: integer whatever the page size.
MAX_PAGE = 10**9


# --- the audit log --------------------------------------------------------------------------


class AuditEventsQuery(Schema):
    """The audit log's filters (as on the audit page); the page is ``core.pagination``'s."""

    actor: str = Field("", max_length=200, description="Part of the actor's name.")
    action: str = Field("", max_length=100, description="An action code or its start.")
    object_type: str = Field("", max_length=100, description="e.g. cases.case")
    object_id: str = Field("", max_length=64)
    cryptonym: str = Field("", max_length=64, description="The whole cryptonym, any case.")
    since: Moment | None = Field(
        None, description="Events at or after this time (ISO 8601; UTC if no offset)."
    )
    until: Moment | None = Field(
        None, description="Events at or before this time (ISO 8601; UTC if no offset)."
    )


class AuditEventOut(Schema):
    """One event of the chain: every field its hash covers, and the hash."""

    seq: int
    at: dt.datetime
    actor_id: int | None
    actor_name: str
    action: str
    object_type: str
    object_id: str
    cryptonym: str
    before: dict[str, Any] | None
    after: dict[str, Any] | None
    decision: dict[str, Any] | None
    policy_version: str
    reason: str
    request_id: str
    prev_hash: str
    hash: str


class CheckpointIn(Schema):
    """A checkpoint as ``defector audit checkpoint`` prints it (``public_key`` is ignored)."""

    size: int = Field(..., ge=0)
    head: str = Field(..., min_length=64, max_length=64)
    time: str = Field(..., max_length=40)
    key_id: str = Field(..., max_length=16)
    signature: str = Field(..., max_length=100)


class VerifyIn(Schema):
    """Kept checkpoints to check besides the stored ones, and other keys that may sign them."""

    checkpoints: list[CheckpointIn] = Field(default_factory=list, max_length=1000)
    public_keys: list[str] = Field(
        default_factory=list,
        max_length=20,
        description="Base64 Ed25519 public keys (earlier keys of this deployment).",
    )


class FaultOut(Schema):
    seq: int
    position: int = Field(..., description="Place in the chain (0: the chain as a whole).")
    kind: str
    detail: str


class VerificationOut(Schema):
    """A verification of the whole chain; ``ok`` is false on any fault."""

    ok: bool
    complete: bool
    events: int
    checkpoints: int
    stored_checkpoints: int
    kept_checkpoints: int
    head: str
    seconds: float
    events_per_second: float
    first_bad: FaultOut | None
    faults: list[FaultOut]


class MeRoleOut(Schema):
    role: str
    post: str | None


class MeOut(Schema):
    """Who the caller is, as the system sees them."""

    username: str
    name: str
    official: bool
    roles: list[MeRoleOut]


#: A database id as the API accepts it: positive and within a 64-bit integer, so that an
#: out-of-range number is a 422, never a database error.
DbId = Annotated[int, Field(ge=1, le=2**63 - 1)]
