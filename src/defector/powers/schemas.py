"""Schemas of the powers API: a record of ``1`` or ``3`` in and out, and its revocation."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from ninja import Field, Schema
from pydantic import ConfigDict


class PowerIn(Schema):
    """A presidential direction or theater of war (``1``), or a DCI determination (``3``)."""

    model_config = ConfigDict(extra="forbid")

    kind: Literal["war_theater", "presidential_direction", "dci_determination"] = Field(
        description="war_theater and presidential_direction: 1; dci_determination: 3."
    )
    reference: str = Field(max_length=300, description="The citation (number and date).")
    authority: str = Field("", max_length=200, description="Who holds the power; default by kind.")
    countries: list[str] = Field(
        default_factory=list,
        description="Country codes: for 1 where the person is; for 3 their nationalities "
        "(not the 2a countries).",
    )
    cases: list[str] = Field(
        default_factory=list, description="Cryptonyms of the cases it names (not for 1's theaters)."
    )
    starts_on: dt.date = Field(description="The first day it has effect.")
    ends_on: dt.date | None = Field(None, description="The last day; none: until revoked.")
    text: str = Field("", max_length=4000, description="What it says, in short. No names.")


class RevokeIn(Schema):
    model_config = ConfigDict(extra="forbid")

    version: int = Field(description="The version of the record you read.")
    reason: str = Field(max_length=4000, description="Why it is revoked.")
    revoked_from: dt.date | None = Field(None, description="First day without effect; today.")


class PowerOut(Schema):
    id: int
    kind: str
    clause: str
    authority: str
    reference: str
    text: str
    countries: list[str]
    cases: list[str]
    starts_on: dt.date
    ends_on: dt.date | None
    entered_at: dt.datetime
    entered_by: str
    revoked: bool
    revoked_at: dt.datetime | None
    revoked_by: str
    revoked_from: dt.date | None
    revocation_reason: str
    in_force: bool
    version: int
    label: str


class PowerFiltersIn(Schema):
    state: Literal["", "current", "revoked"] = Field(
        "", description="current: not revoked; revoked: revoked; empty: all."
    )
