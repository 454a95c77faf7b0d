"""The obligations of a case, and the changes to them."""

from __future__ import annotations

import datetime as dt

from ninja import Field, Schema
from pydantic import ConfigDict

from defector.cases.schemas.common import OfficialRefOut, VersionIn


class ObligationOut(Schema):
    """One obligation of the case as work."""

    id: int
    identifier: str
    clause: str
    title: str
    owner: OfficialRefOut | None
    status: str
    arose_at: dt.datetime
    due_at: dt.datetime | None
    due_text: str = Field(description="When there is no clock: e.g. before status is granted.")
    overdue: bool
    closed_at: dt.datetime | None
    closed_by: OfficialRefOut | None
    evidence: str
    evidence_label: str
    evidence_id: str
    note: str


class DischargeIn(VersionIn):
    model_config = ConfigDict(extra="forbid")

    evidence: str = Field(max_length=2000, description="What discharged it (10+ characters).")
    evidence_label: str = Field(
        "",
        max_length=60,
        description="The kind of record, as its model label: cases.casenote, cases.casetask …",
    )
    evidence_id: str = Field("", max_length=64, description="That record's id.")


class WaiveIn(VersionIn):
    model_config = ConfigDict(extra="forbid")

    reason: str = Field(max_length=2000, description="Why (10+ characters).")


class ReassignIn(VersionIn):
    model_config = ConfigDict(extra="forbid")

    owner_id: int = Field(description="The official who will own it.")
