"""Schemas of the handling API (``cases.api_handling``): bona fides (``6b(3)(b)``), the
voluntary statement (``6b(3)(c)``), tasks (``6b(3)(d)``). Texts are not sealed: they call
the person by the cryptonym."""

from __future__ import annotations

import datetime as dt
from typing import Final

from ninja import Field, Schema
from pydantic import ConfigDict

from defector.cases.schemas import OfficialRefOut, VersionIn

#: The largest id of a row (ids beyond it are refused by the schema, not by the database).
MAX_ID: Final = 2**63 - 1
#: A drawn signature of at most 1 MB, in base64, with its data URL prefix.
MAX_DRAWING_TEXT: Final = 1_400_100


# --- bona fides ---------------------------------------------------------------------------------


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


# --- the voluntary statement --------------------------------------------------------------------


class StatementOut(Schema):
    """A voluntary statement. Its signature file: ``file_url`` (access-checked)."""

    id: int
    language_code: str
    language_name: str
    text_original: str
    text_english: str
    signature_method: str = Field(description="upload (a scanned statement) or drawn.")
    content_type: str
    size: int
    sha256: str
    signed_at: dt.datetime
    recorded_at: dt.datetime
    recorded_by: OfficialRefOut | None
    witness: OfficialRefOut | None
    witnessed_at: dt.datetime | None
    withdrawn_at: dt.datetime | None
    withdrawn_by: OfficialRefOut | None
    withdrawal_reason: str
    status: str = Field(description="awaiting a witness, witnessed or withdrawn.")
    counts: bool = Field(description="Signed, witnessed and not withdrawn.")
    file_url: str


class StatementFields(Schema):
    """What every statement gives besides its signature."""

    language_code: str = Field(max_length=35, description="A language tag: ru, zh, pl …")
    language_name: str = Field(max_length=100, description="In English: Russian …")
    text_original: str = Field(max_length=20_000, description="In the person's language.")
    text_english: str = Field(max_length=20_000, description="In English.")
    signed_at: dt.datetime = Field(description="When the person signed, with its offset.")


class StatementIn(StatementFields, VersionIn):
    """A statement signed on screen: the drawing as a PNG, in base64 (or as a
    ``data:image/png;base64,`` URL), at most 1 MB."""

    model_config = ConfigDict(extra="forbid")

    signature_png: str = Field(max_length=MAX_DRAWING_TEXT, description="The drawn signature.")


class StatementFormIn(StatementFields):
    """A scanned signed statement (multipart): these fields and the file ``signature_file``
    (PDF, PNG or JPEG, at most 10 MB, its type judged by its content)."""

    version: int | None = Field(
        None, ge=1, description="The case's version as you read it; or send If-Match."
    )


class WithdrawIn(VersionIn):
    model_config = ConfigDict(extra="forbid")

    reason: str = Field(max_length=2000, description="How and why (10+ characters).")


# --- tasks --------------------------------------------------------------------------------------


class AgencyRefOut(Schema):
    id: int
    code: str
    name: str


class TaskOut(Schema):
    """A task to a participating organization."""

    id: int
    title: str
    details: str
    agency: AgencyRefOut | None
    official: OfficialRefOut | None
    due_on: dt.date
    status: str = Field(description="assigned, accepted, declined, done or withdrawn.")
    overdue: bool
    created_at: dt.datetime
    created_by: OfficialRefOut | None
    responded_at: dt.datetime | None
    responded_by: OfficialRefOut | None
    decline_reason: str
    completed_at: dt.datetime | None
    completed_by: OfficialRefOut | None
    result: str
    withdrawn_at: dt.datetime | None
    withdrawal_reason: str


class TaskIn(VersionIn):
    """A task: to an agency or to one official (exactly one)."""

    model_config = ConfigDict(extra="forbid")

    title: str = Field(max_length=200, description="What is to be done. Cryptonyms only.")
    details: str = Field("", max_length=10_000, description="Cryptonyms only.")
    agency_id: int | None = Field(None, ge=1, le=MAX_ID)
    official_id: int | None = Field(None, ge=1, le=MAX_ID)
    due_on: dt.date


class TaskPatchIn(VersionIn):
    """Change an assigned task: send only what changes (an assignee replaces the other)."""

    model_config = ConfigDict(extra="forbid")

    title: str | None = Field(None, max_length=200)
    details: str | None = Field(None, max_length=10_000)
    agency_id: int | None = Field(None, ge=1, le=MAX_ID)
    official_id: int | None = Field(None, ge=1, le=MAX_ID)
    due_on: dt.date | None = None


class DeclineIn(VersionIn):
    model_config = ConfigDict(extra="forbid")

    reason: str = Field(max_length=2000, description="Why (10+ characters).")


class CompleteIn(VersionIn):
    model_config = ConfigDict(extra="forbid")

    result: str = Field(max_length=2000, description="What was done (10+ characters).")


class StepIn(VersionIn):
    """A step that takes nothing but the case's version."""

    model_config = ConfigDict(extra="forbid")
