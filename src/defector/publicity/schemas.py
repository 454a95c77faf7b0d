"""Schemas of the publicity API (``6f``, ``5a(5)``, ``5a(6)``, ``7a``)."""

from __future__ import annotations

import datetime as dt

from ninja import Field, Schema


class PublicityProposalIn(Schema):
    """The local committee's proposal to the IDC (``6f``)."""

    summary: str = Field(description="What is proposed. Cryptonyms only, never a name.")
    window_start: dt.date = Field(description="The proposed date, or the window's first day.")
    window_end: dt.date | None = Field(None, description="The window's last day.")
    channels: list[str] = Field(
        description="press, broadcast, testimony, book, usia_media, other (at least one)."
    )
    other_channel: str = Field("", description="The other channel, in words (with other).")
    risks: str


class PublicitySignOffIn(Schema):
    expected_version: int = Field(description="The version of the proposal you read.")
    position: str = Field(description="approve or object.")
    comments: str = Field("", description="Required with an objection.")


class PublicityOverrideIn(Schema):
    expected_version: int
    reason: str = Field(description="Why publicity may precede the intelligence objectives.")


class PublicityDecideIn(Schema):
    expected_version: int
    outcome: str = Field(description="approve or reject.")
    reason: str = Field("", description="Required to reject.")


class PublicityReleaseIn(Schema):
    expected_version: int
    released_on: dt.date
    channel: str = Field(description="One of the channels.")
    summary: str = Field(description="What was released.")


class PublicityWithdrawIn(Schema):
    expected_version: int
    reason: str


class PublicitySignOffOut(Schema):
    agency: str = Field(description="STATE or USIA.")
    position: str = Field(description="approve or object.")
    comments: str
    signed_by: str
    signed_at: dt.datetime


class PublicityRiskOut(Schema):
    id: int
    level: str
    determined_by: str
    determined_at: dt.datetime
    in_force: bool


class PublicityObjectivesOut(Schema):
    clause: str
    holds: bool
    because: str


class PublicityProposalOut(Schema):
    id: int
    version: int
    case_id: int
    cryptonym: str
    post: str
    status: str = Field(
        description="awaiting_sign_offs, awaiting_decision, approved, rejected, released, "
        "withdrawn."
    )
    proposed_at: dt.datetime
    proposed_by: str
    summary: str
    window_start: dt.date | None
    window_end: dt.date | None
    channels: list[str]
    other_channel: str
    risks: str
    risk_determination: PublicityRiskOut | None = Field(
        description="The 7a determination on publicity."
    )
    sign_offs: list[PublicitySignOffOut]
    override_reason: str
    overridden_by: str
    overridden_at: dt.datetime | None
    outcome: str = Field(description="approve, reject, or empty before the decision.")
    decision_reason: str
    decided_by: str
    decided_at: dt.datetime | None
    released_on: dt.date | None
    release_channel: str
    release_summary: str
    released_by: str
    withdrawal_reason: str
    withdrawn_at: dt.datetime | None


class PublicityProposalDetailOut(PublicityProposalOut):
    objectives: PublicityObjectivesOut = Field(
        description="5a(5): the case's intelligence objectives."
    )
