"""The determinations: political risk (``7a``), defector status (``6b(2)``) and the
referral as a refugee (``2f``). No schema carries a person's name: the case is its cryptonym.
"""

from __future__ import annotations

import datetime as dt

from ninja import Field, Schema
from pydantic import ConfigDict

from defector.cases.schemas.common import OfficialRefOut, VersionIn


class DecisionOut(Schema):
    """A gate's answer: allowed, the clauses behind it, and why."""

    allowed: bool
    clauses: list[str]
    reason: str


class RiskDeterminationIn(VersionIn):
    model_config = ConfigDict(extra="forbid")

    subject: str = Field(
        "case", description="case, or a contemplated action: inducement, exfiltration, publicity."
    )
    level: str = Field(description="none, low, moderate, high or prohibitive.")
    reasoning: str = Field(max_length=10_000, description="10+ characters; cryptonyms only.")


class RiskDeterminationOut(Schema):
    id: int
    subject: str
    level: str
    reasoning: str
    determined_at: dt.datetime
    determined_by: OfficialRefOut | None
    in_force: bool
    superseded_at: dt.datetime | None
    supersedes_id: int | None


class RiskDeterminationsOut(Schema):
    """The case's ``7a`` determinations: those in force (one per subject), then the
    superseded ones, newest first."""

    case_version: int
    in_force: list[RiskDeterminationOut]
    history: list[RiskDeterminationOut]
    determined: DecisionOut = Field(description="Whether the 7a determination for the case exists.")


class RiskRecordedOut(RiskDeterminationOut):
    case_version: int = Field(description="The case's version after the change.")


class PositionIn(Schema):
    model_config = ConfigDict(extra="forbid")

    agency_id: int
    stance: str = Field(description="concur or dissent.")
    note: str = Field("", max_length=10_000, description="Required with a dissent.")


class StatusDeterminationIn(VersionIn):
    model_config = ConfigDict(extra="forbid")

    decision: str = Field(description="grant, decline or defer.")
    special_value: str = Field(max_length=10_000, description="The special value weighed (2a).")
    rationale: str = Field(
        max_length=10_000, description="Special value against political risk (10+ characters)."
    )
    positions: list[PositionIn] = Field(
        description="One for each agency represented on the post's committee."
    )
    on_behalf_of_id: int | None = Field(
        None, description="A member acting for the chair: the chair (default: the post's one)."
    )


class PositionOut(Schema):
    agency_id: int
    agency_code: str
    agency_name: str
    stance: str
    note: str


class RefugeeReferralOut(Schema):
    id: int
    determination_id: int
    reason: str
    referred_to: str
    referred_at: dt.datetime
    referred_by: OfficialRefOut | None


class StatusDeterminationOut(Schema):
    id: int
    decision: str
    special_value: str
    rationale: str
    risk_determination_id: int | None
    risk_level: str
    decided_at: dt.datetime
    decided_by: OfficialRefOut | None
    on_behalf_of: OfficialRefOut | None
    positions: list[PositionOut]
    referrals: list[RefugeeReferralOut]


class StatusRecordedOut(StatusDeterminationOut):
    case_version: int
    stage: str = Field(description="The case's stage after the determination.")


class PositionAgencyOut(Schema):
    id: int
    code: str
    name: str


class StatusOverviewOut(Schema):
    """The case's status determinations (newest first: the first stands), what a grant still
    needs, and the agencies that state a position."""

    case_version: int
    stage: str
    determinations: list[StatusDeterminationOut]
    grant: DecisionOut = Field(description="Whether a grant would be allowed now, and if not why.")
    agencies: list[PositionAgencyOut]


class RefugeeReferralIn(VersionIn):
    model_config = ConfigDict(extra="forbid")

    reason: str = Field(max_length=10_000, description="Why a refugee (2f); 10+ characters.")
    referred_to: str = Field("", max_length=300, description="The office or organization.")
    close: bool = Field(False, description="Also close the case as referred as a refugee.")


class ReferralRecordedOut(RefugeeReferralOut):
    case_version: int
    stage: str
    outcome: str
