"""Schemas of the compliance API."""

from __future__ import annotations

import datetime as dt

from ninja import Field, Schema


class TableOut(Schema):
    slug: str = Field(
        description="by-clause, by-post, overdue, bona-fides, dissemination, meetings"
    )
    title: str
    columns: list[str]
    rows: list[list[str | int | float]] = Field(
        description="One list per row, in the order of the columns; times in UTC."
    )


class ComplianceOut(Schema):
    scope: str = Field(description="WORLDWIDE, or the code(s) of the post(s) covered")
    label: str
    worldwide: bool
    as_of: dt.datetime
    tables: list[TableOut]
