"""Schemas of the reports API (``6d``). Reports name the case by cryptonym; their contents
are the JSON generated from the case (``reports.queries.contents``)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from ninja import Field, Schema
from pydantic import ConfigDict

from defector.reports.choices import COMMENT_MAX_LENGTH

COMMENT_HINT = "The post's comment. Never a true name: call the person by the cryptonym."
VERSION_HINT = "The version you read (a stale one is answered 409)."


class DraftIn(Schema):
    """Draft the case's next report, generated from the case."""

    model_config = ConfigDict(extra="forbid")

    expected_version: int = Field(ge=1, description="The version of the case you read.")
    comment: str = Field(default="", max_length=COMMENT_MAX_LENGTH, description=COMMENT_HINT)


class RegenerateIn(Schema):
    model_config = ConfigDict(extra="forbid")

    expected_version: int = Field(ge=1, description=VERSION_HINT)
    comment: str | None = Field(
        default=None, max_length=COMMENT_MAX_LENGTH, description=COMMENT_HINT
    )


class VersionIn(Schema):
    model_config = ConfigDict(extra="forbid")

    expected_version: int = Field(ge=1, description=VERSION_HINT)


class ReportSummaryOut(Schema):
    id: int
    case_id: int
    cryptonym: str
    post: str
    number: int
    status: str
    status_label: str
    drafted_at: dt.datetime
    sent_at: dt.datetime | None
    acknowledged_at: dt.datetime | None
    period: int | None
    version: int


class ReportOut(ReportSummaryOut):
    comment: str
    generated_at: dt.datetime
    contents: dict[str, Any] = Field(description="The report as generated from the case.")
    can_regenerate: bool
    can_send: bool
    can_acknowledge: bool


class FacetValueOut(Schema):
    value: str
    label: str
    count: int
    selected: bool


class WorldRowOut(Schema):
    case_id: int
    cryptonym: str
    post_id: int
    post: str
    country: str
    stage: str
    stage_label: str
    exploitation: str
    exploitation_label: str
    reports_received: int
    reports_acknowledged: int
    drafts: int
    periods_overdue: int
    next_due: dt.datetime | None
    last_sent: dt.datetime | None
    proposals_awaiting: int


class FacetsOut(Schema):
    facets: dict[str, list[FacetValueOut]]
    count: int


class WorldQuery(Schema):
    """The worldwide view's filters (each optional)."""

    post: int | None = Field(default=None, description="A post's number.")
    country: str = Field(default="", max_length=3, description="The post's country code.")
    stage: str = Field(default="", max_length=20, description="A stage of the case.")
    exploitation: str = Field(
        default="",
        max_length=20,
        description="no_requirements, not_started, in_progress or satisfied.",
    )
    overdue: str = Field(default="", max_length=3, description="yes or no: a report overdue.")
    proposals: str = Field(
        default="", max_length=3, description="yes or no: proposals awaiting decision."
    )
