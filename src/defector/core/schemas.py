"""Schemas every API router shares: the error body."""

from __future__ import annotations

from ninja import Schema


class FieldErrorOut(Schema):
    field: str
    message: str


class ErrorOut(Schema):
    """Every error answer of the API. ``code`` is stable; ``message`` is for people."""

    code: str
    message: str
    errors: list[FieldErrorOut] | None = None
    clauses: list[str] | None = None
