"""Schemas of the traces API (``6b(3)(b)``)."""

from __future__ import annotations

import datetime as dt

from ninja import Field, Schema


class TraceIn(Schema):
    """A trace on a case: a name (and optionally a date of birth and a country), or nothing to
    trace the subject's own sealed names."""

    name: str = Field(
        "",
        max_length=500,
        description="The name to trace; empty: the subject's sealed names and aliases.",
    )
    dob: str = Field("", max_length=10, description="YYYY-MM-DD, YYYY-MM or YYYY.")
    nationality: str = Field("", max_length=8, description="A country code.")


class MarkIn(Schema):
    mark: str = Field(description="match, no_match, or pending (to unmark).")


class ConcludeIn(Schema):
    expected_version: int = Field(description="The version of the case you read.")
    result: str = Field(description="consistent, inconsistent or inconclusive.")


class HitOut(Schema):
    id: int
    rank: int
    kind: str = Field(description="watchlist or subject.")
    score: float = Field(description="In [0, 1].")
    reasons: list[str]
    source: str = Field(description="The watch list (watch-list hits).")
    reference: str = Field(description="The entry's reference in its list (watch-list hits).")
    name: str = Field(description="The entry's name (watch-list hits).")
    matched: str = Field(description="The entry's name or alias that scored best.")
    case_id: int | None = Field(description="The case whose subject matched (subject hits).")
    cryptonym: str = Field(description="Its cryptonym (subject hits).")
    post: str = Field(description="Its post's code (subject hits).")
    mark: str
    marked_at: dt.datetime | None
    marked_by: str


class TraceOut(Schema):
    id: int
    case_id: int
    cryptonym: str
    kind: str = Field(description="manual or intake.")
    run_at: dt.datetime
    run_by: str
    concluded_at: dt.datetime | None
    check_id: int | None = Field(description="The bona fides check its conclusion recorded.")
    hits: list[HitOut] = Field(description="The hits you may see, best first.")
    idc_told: int = Field(
        description="Hits on cases you may not see, of which Washington (the IDC) was told."
    )
    pending: int = Field(description="Hits you see that are not marked yet.")


class SourceOut(Schema):
    id: int
    name: str
    entries: int
    names: int
    imported_at: dt.datetime
    imported_by: str


class ImportOut(Schema):
    source: SourceOut
    entries: int
    names: int
    replaced: int
    summary: str
