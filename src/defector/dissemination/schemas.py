"""Schemas of the dissemination API (``6b(3)(a)``). Reports name the source by cryptonym."""

from __future__ import annotations

import datetime as dt
from typing import Final

from ninja import Field, Schema
from pydantic import ConfigDict

from defector.cases.schemas import MAX_ID
from defector.dissemination.choices import (
    LABEL_MAX_LENGTH,
    NAMED_SEATS,
    SHORT_MAX_LENGTH,
    TEXT_MAX_LENGTH,
    Precedence,
)

TEXT_HINT: Final = "Never a true name: the source is named by the case's cryptonym."
PRECEDENCE_PATTERN: Final = "^(" + "|".join(Precedence.values) + ")$"
SEAT_PATTERN: Final = "^(" + "|".join(seat.value for seat in NAMED_SEATS) + ")$"


class ThreatReportIn(Schema):
    """A threat report: precedence, what is threatened, where, when (``6b(3)(a)``)."""

    model_config = ConfigDict(extra="forbid")

    precedence: str = Field(pattern=PRECEDENCE_PATTERN, description="flash, immediate, priority")
    threatened: str = Field(max_length=SHORT_MAX_LENGTH, description="What is threatened.")
    location: str = Field(max_length=SHORT_MAX_LENGTH, description="Where.")
    timing: str = Field(max_length=SHORT_MAX_LENGTH, description="When.")
    details: str = Field(default="", max_length=TEXT_MAX_LENGTH, description=TEXT_HINT)


class ThreatDeliveryOut(Schema):
    recipient_id: int
    name: str
    station: str
    seat: str
    seat_label: str
    step: int | None = Field(description="The escalation step that added them, if one did.")
    delivered_at: dt.datetime | None
    told: int
    acknowledged_at: dt.datetime | None


class LadderStepOut(Schema):
    step: int
    minutes: int
    target: str
    target_label: str
    taken_at: dt.datetime | None
    reached: int


class ThreatReportSummaryOut(Schema):
    id: int
    case_id: int
    source: str
    post: str
    precedence: str
    precedence_label: str
    issued_at: dt.datetime


class ThreatReportOut(ThreatReportSummaryOut):
    """A threat report with its deliveries, acknowledgements and escalation ladder."""

    threatened: str
    location: str
    timing: str
    details: str
    issued_by: str
    deliveries: list[ThreatDeliveryOut]
    ladder: list[LadderStepOut]
    acknowledged: int
    all_acknowledged: bool


class DistributionMemberIn(Schema):
    model_config = ConfigDict(extra="forbid")

    official_id: int = Field(ge=1, le=MAX_ID)
    seat: str = Field(default="other", pattern=SEAT_PATTERN)
    label: str = Field(default="", max_length=LABEL_MAX_LENGTH)


class ThreatDistributionIn(Schema):
    """Who receives the post's threat reports."""

    model_config = ConfigDict(extra="forbid")

    senior_representative: bool = True
    committee_chair: bool = True
    idc: bool = True
    members: list[DistributionMemberIn] = Field(default_factory=list, max_length=50)


class DistributionMemberOut(Schema):
    official_id: int
    name: str
    seat: str
    seat_label: str
    label: str


class DistributionRecipientOut(Schema):
    official_id: int
    name: str
    station: str
    seat: str
    seat_label: str


class ThreatDistributionOut(Schema):
    post_id: int
    post: str
    configured: bool = Field(description="False: the default (senior rep., chair, IDC).")
    senior_representative: bool
    committee_chair: bool
    idc: bool
    members: list[DistributionMemberOut]
    recipients: list[DistributionRecipientOut]
    updated_at: dt.datetime | None
