"""Tasks to the participating organizations (``6b(3)(d)``)."""

from __future__ import annotations

import datetime as dt

from ninja import Field, Schema
from pydantic import ConfigDict

from defector.cases.schemas.common import MAX_ID, OfficialRefOut, VersionIn


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


class InvitationIn(VersionIn):
    """Invite a representative of another agency to the case (``6``)."""

    model_config = ConfigDict(extra="forbid")

    official_id: int = Field(
        ge=1, le=MAX_ID, description="An invited representative at the case's post."
    )


class InvitedOut(Schema):
    """A representative invited to the case (``6``)."""

    id: int
    name: str
    agency: str = Field(description="The code of the official's agency.")
