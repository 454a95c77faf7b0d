"""Bona fides (``6b(3)(b)``): the checks, the verdicts and the clock."""

from __future__ import annotations

import datetime as dt

from ninja import Field, Schema
from pydantic import ConfigDict

from defector.cases.schemas.common import MAX_ID, OfficialRefOut, VersionIn


class CheckOut(Schema):
    """One bona fides check."""

    id: int
    kind: str = Field(description="identity_documents, name_traces, debriefing_consistency, …")
    kind_label: str
    result: str = Field(description="pending, consistent, inconsistent or inconclusive.")
    result_label: str
    analyst: OfficialRefOut | None
    checked_on: dt.date | None
    finding: str
    recorded_at: dt.datetime
    recorded_by: OfficialRefOut | None
    completed_at: dt.datetime | None


class BasisOut(Schema):
    """A cited check as it stood when the verdict was recorded."""

    id: int
    kind: str
    result: str


class VerdictOut(Schema):
    """A bona fides verdict and the checks it rests on."""

    id: int
    number: int
    verdict: str = Field(description="established, doubtful or refuted.")
    checks: list[int] = Field(description="The ids of the checks it cites.")
    basis: list[BasisOut]
    rationale: str
    recorded_at: dt.datetime
    recorded_by: OfficialRefOut | None
    superseded_at: dt.datetime | None
    current: bool


class ClockOut(Schema):
    """The bona fides clock: from the reception against the post's target."""

    started_at: dt.datetime
    target_days: int | None = Field(description="The post's target; null: none set.")
    due_at: dt.datetime | None
    day: int = Field(description="Day 1 is the first 24 hours after the reception.")
    overdue: bool
    established: bool = Field(description="Stopped by an established verdict.")
    text: str = Field(description='e.g. "day 12 of 30".')


class BonaFidesOut(Schema):
    clock: ClockOut
    checks: list[CheckOut]
    current: VerdictOut | None
    verdicts: list[VerdictOut] = Field(description="Every verdict, newest first.")


class CheckIn(VersionIn):
    model_config = ConfigDict(extra="forbid")

    kind: str = Field(
        description="identity_documents, name_traces, debriefing_consistency, "
        "interview_or_polygraph or liaison_traces."
    )
    analyst_id: int = Field(ge=1, le=MAX_ID, description="The official who makes the check.")
    result: str = Field("pending", description="pending unless the check is made already.")
    checked_on: dt.date | None = Field(None, description="Required with a result.")
    finding: str = Field(
        "", max_length=2000, description="Required with a result. Cryptonyms only."
    )


class CheckResultIn(VersionIn):
    model_config = ConfigDict(extra="forbid")

    result: str = Field(description="consistent, inconsistent or inconclusive.")
    checked_on: dt.date = Field(description="When the check was made.")
    finding: str = Field(max_length=2000, description="What it found. Cryptonyms only.")


class VerdictIn(VersionIn):
    model_config = ConfigDict(extra="forbid")

    verdict: str = Field(description="established, doubtful or refuted.")
    check_ids: list[int] = Field(
        max_length=100, description="The completed checks it rests on (at least one)."
    )
    rationale: str = Field(max_length=4000, description="Why (10+ characters). Cryptonyms only.")
