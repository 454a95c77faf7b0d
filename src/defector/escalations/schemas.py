"""Schemas of the escalations API (``6c``). Problems name cases by cryptonym only."""

from __future__ import annotations

import datetime as dt
from typing import Final

from ninja import Field, Schema
from pydantic import ConfigDict

from defector.cases.schemas import MAX_ID
from defector.escalations.choices import TEXT_MAX_LENGTH, TITLE_MAX_LENGTH
from defector.policy.gates import escalations as gate

#: A status filter: one of the statuses, or empty for any.
STATUS_PATTERN: Final = "^(" + "|".join(gate.STATUSES) + ")?$"
TEXT_HINT: Final = "Cryptonyms and codes only: never a true name."


class ProblemPostRefOut(Schema):
    id: int
    code: str
    name: str


class ProblemOfficialRefOut(Schema):
    id: int
    name: str
    agency: str


class ProblemSummaryOut(Schema):
    """A problem in a list: where it stands at the post and before the IDC."""

    id: int
    post: ProblemPostRefOut
    title: str
    status: str
    status_label: str
    raised_at: dt.datetime
    due_date: dt.date
    overdue: bool
    idc_status: str = Field(description="Empty when the problem is not before the IDC.")
    idc_status_label: str
    idc_decision_due: dt.date | None
    idc_overdue: bool


class ResolutionOut(Schema):
    text: str
    decided_by: ProblemOfficialRefOut
    decided_at: dt.datetime


class CommunicationOut(Schema):
    """A member's direct communication with their principals in Washington (``6c``)."""

    id: int
    member: ProblemOfficialRefOut
    agency: str
    at: dt.datetime
    summary: str


class ReferralOut(Schema):
    """The referral to the IDC through CIA channels (``6c``)."""

    requested_by: ProblemOfficialRefOut
    requested_at: dt.datetime
    summary: str
    decision_due: dt.date
    routed_by: ProblemOfficialRefOut | None
    transmitted_at: dt.datetime | None
    channel_reference: str
    idc_acknowledged_by: ProblemOfficialRefOut | None
    idc_acknowledged_at: dt.datetime | None
    idc_decision: str
    idc_decided_by: ProblemOfficialRefOut | None
    idc_decided_at: dt.datetime | None
    idc_overdue: bool
    communications: list[CommunicationOut]


class UrgentOut(Schema):
    """The submission to the senior US representative when time did not permit referral."""

    submitted_by: ProblemOfficialRefOut
    submitted_at: dt.datetime
    reason: str
    decision: str
    decided_by: ProblemOfficialRefOut | None
    decided_at: dt.datetime | None
    idc_informed_at: dt.datetime | None
    idc_acknowledged_by: ProblemOfficialRefOut | None
    idc_acknowledged_at: dt.datetime | None


class ProblemOut(Schema):
    """One problem, its path under ``6c``, and the steps the caller may take now."""

    id: int
    post: ProblemPostRefOut
    title: str
    description: str
    raised_by: ProblemOfficialRefOut
    raised_at: dt.datetime
    due_date: dt.date
    overdue: bool
    status: str
    status_label: str
    idc_status: str
    idc_status_label: str
    idc_visible_from: dt.datetime | None
    closed_at: dt.datetime | None
    cases: list[str] = Field(description="The cryptonyms of the cases it concerns.")
    agencies: list[str] = Field(description="The codes of the agencies involved.")
    resolution: ResolutionOut | None
    referral: ReferralOut | None
    urgent: UrgentOut | None
    cia_members: list[ProblemOfficialRefOut] = Field(
        description="The post's committee members from the CIA, who transmit referrals."
    )
    senior_representatives: list[ProblemOfficialRefOut]
    steps: list[str] = Field(description="The steps of 6c you may take now.")


class ProblemFiltersIn(Schema):
    """The filters of the problem list (the same as the web page's)."""

    post: int | None = Field(
        None, ge=1, le=MAX_ID, description="Only the problems of this post (its id)."
    )
    status: str = Field("", pattern=STATUS_PATTERN, description="Only problems in this status.")
    open: bool = Field(False, description="Only problems still open at the post.")
    idc_waiting: bool = Field(
        False, description="Only problems waiting for the IDC to acknowledge or decide."
    )
    q: str = Field("", max_length=100, description="Text the title contains.")


class ProblemIn(Schema):
    """A mutual problem raised at a post (``6c``)."""

    model_config = ConfigDict(extra="forbid")

    post_id: int = Field(description="The post whose committee the problem is for.")
    title: str = Field(max_length=TITLE_MAX_LENGTH, description=TEXT_HINT)
    description: str = Field("", max_length=TEXT_MAX_LENGTH, description=TEXT_HINT)
    cryptonyms: list[str] = Field(
        default_factory=list, description="Cases of the post it concerns, by cryptonym."
    )
    agencies: list[str] = Field(default_factory=list, description="Agency codes involved.")
    due_date: dt.date | None = Field(None, description="Default: 14 days from today.")


class ResolveIn(Schema):
    model_config = ConfigDict(extra="forbid")

    text: str = Field(max_length=TEXT_MAX_LENGTH, description=f"How it was resolved. {TEXT_HINT}")


class ReferralIn(Schema):
    model_config = ConfigDict(extra="forbid")

    summary: str = Field(
        max_length=TEXT_MAX_LENGTH, description=f"What the IDC is asked to decide. {TEXT_HINT}"
    )
    decision_due: dt.date | None = Field(
        None, description="When the IDC's decision is needed; default: the problem's due date."
    )


class TransmitIn(Schema):
    model_config = ConfigDict(extra="forbid")

    channel_reference: str = Field(
        "", max_length=100, description="The reference of the message that carried it."
    )


class CommunicationIn(Schema):
    model_config = ConfigDict(extra="forbid")

    summary: str = Field(max_length=TEXT_MAX_LENGTH, description=f"What was said. {TEXT_HINT}")
    at: dt.datetime | None = Field(None, description="When, with a time zone; default: now.")


class UrgentIn(Schema):
    model_config = ConfigDict(extra="forbid")

    reason: str = Field(
        max_length=TEXT_MAX_LENGTH,
        description=f"Why time does not permit referral to the IDC. {TEXT_HINT}",
    )


class DecisionIn(Schema):
    model_config = ConfigDict(extra="forbid")

    decision: str = Field(max_length=TEXT_MAX_LENGTH, description=f"The decision. {TEXT_HINT}")
