"""Schemas of the committees API. Cases appear by cryptonym only; people by their names as
officials (never a subject's)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from ninja import Field, Schema
from pydantic import ConfigDict

from defector.core.schemas import Moment


class CommitteePostRefOut(Schema):
    id: int
    code: str
    name: str


class CommitteeOfficialRefOut(Schema):
    id: int
    name: str

    @staticmethod
    def resolve_name(obj: Any) -> str:
        return str(obj)


class FlagOut(Schema):
    """Something a dashboard shows: a quarter without a meeting, minutes overdue, ..."""

    code: str = Field(description="quarter_missed, meeting_due, minutes_overdue, ...")
    clause: str
    message: str
    severity: str = Field(description="error (a breach) or warning (something due)")
    meeting_id: int | None


class MeetingSummaryOut(Schema):
    id: int
    committee_id: int
    starts_at: dt.datetime
    ends_at: dt.datetime
    place: str
    status: str
    sequence: int


class CommitteeSummaryOut(Schema):
    id: int
    post: CommitteePostRefOut
    established_on: dt.date
    flags: list[FlagOut]
    next_meeting: MeetingSummaryOut | None
    last_held: MeetingSummaryOut | None


class MemberOut(Schema):
    official: CommitteeOfficialRefOut
    role: str
    agency: str


class ProceduresSummaryOut(Schema):
    id: int
    number: int
    status: str
    effective_at: dt.datetime | None


class CommitteeOut(Schema):
    """A committee: its members (from the directory's roles), flags, meetings you may see and
    the procedures in effect."""

    id: int
    post: CommitteePostRefOut
    established_on: dt.date
    members: list[MemberOut]
    senior_representatives: list[CommitteeOfficialRefOut]
    flags: list[FlagOut]
    meetings: list[MeetingSummaryOut]
    procedures_in_effect: ProceduresSummaryOut | None


class PostWithoutCommitteeOut(Schema):
    id: int
    code: str
    name: str


class MeetingIn(Schema):
    """A meeting to schedule (``6a``). Times with a time zone; stored and shown in UTC."""

    model_config = ConfigDict(extra="forbid")

    starts_at: Moment
    ends_at: Moment
    place: str = Field(max_length=200, description="Where, in words that name no one.")


class MeetingPatchIn(Schema):
    """Send only what changes."""

    model_config = ConfigDict(extra="forbid")

    starts_at: Moment | None = None
    ends_at: Moment | None = None
    place: str | None = Field(None, max_length=200)


class CancelIn(Schema):
    model_config = ConfigDict(extra="forbid")

    reason: str = Field("", max_length=500)


class AgendaItemOut(Schema):
    id: int
    position: int
    source: str = Field(description="case, problem, obligation or other")
    title: str = Field(description="Cryptonyms only.")
    case_id: int | None
    reference: str
    notes: str


class AgendaItemIn(Schema):
    model_config = ConfigDict(extra="forbid")

    title: str = Field(max_length=300, description="Cryptonyms only.")
    notes: str = Field("", description="Cryptonyms only.")


class AttendanceEntryIn(Schema):
    model_config = ConfigDict(extra="forbid")

    official_id: int
    status: str = Field(description="present, absent or excused")


class AttendanceIn(Schema):
    model_config = ConfigDict(extra="forbid")

    entries: list[AttendanceEntryIn]


class AttendanceOut(Schema):
    official: CommitteeOfficialRefOut
    role: str
    status: str | None


class InvitationIn(Schema):
    model_config = ConfigDict(extra="forbid")

    official_id: int = Field(description="An invited representative at the post.")


class InvitationOut(Schema):
    id: int
    official: CommitteeOfficialRefOut
    invited_at: dt.datetime


class MinutesIn(Schema):
    model_config = ConfigDict(extra="forbid")

    text: str = Field(description="Cryptonyms only: never a true name.")
    version: int | None = Field(None, description="The version you read; a stale one is 409.")


class MinutesOut(Schema):
    id: int
    meeting_id: int
    text: str
    status: str = Field(description="draft, approved or forwarded")
    version: int
    drafted_by: CommitteeOfficialRefOut | None
    drafted_at: dt.datetime
    approved_by: CommitteeOfficialRefOut | None
    approved_at: dt.datetime | None
    forwarded_by: CommitteeOfficialRefOut | None
    forwarded_at: dt.datetime | None
    receipt_acknowledged_by: CommitteeOfficialRefOut | None
    receipt_acknowledged_at: dt.datetime | None


class MinutesClockOut(Schema):
    """When the minutes are due at the IDC (``6a``)."""

    due_at: dt.datetime
    overdue: bool
    late: bool
    reason: str


class MeetingOut(Schema):
    id: int
    committee_id: int
    post: CommitteePostRefOut
    starts_at: dt.datetime
    ends_at: dt.datetime
    place: str
    status: str
    sequence: int
    agenda: list[AgendaItemOut]
    attendance: list[AttendanceOut]
    invitations: list[InvitationOut]
    minutes: MinutesOut | None
    minutes_clock: MinutesClockOut | None


class MinutesReceivedOut(Schema):
    """Forwarded minutes as the IDC receives them."""

    minutes: MinutesOut
    meeting: MeetingSummaryOut
    post: CommitteePostRefOut


class SectionOut(Schema):
    key: str = Field(description="The clause the section provides for: 6b(1) ... 6b(3)(d).")
    title: str
    text: str


class ClocksOut(Schema):
    threat_dissemination_minutes: int
    bona_fides_days: int
    idc_report_days: int
    minutes_forwarding_days: int
    reception_hours: int
    status_consideration_days: int
    political_risk_days: int
    recruitment_in_place_days: int


class ClocksIn(Schema):
    model_config = ConfigDict(extra="forbid")

    threat_dissemination_minutes: int | None = None
    bona_fides_days: int | None = None
    idc_report_days: int | None = None
    minutes_forwarding_days: int | None = None
    reception_hours: int | None = None
    status_consideration_days: int | None = None
    political_risk_days: int | None = None
    recruitment_in_place_days: int | None = None


class AcknowledgementOut(Schema):
    id: int
    kind: str
    official: CommitteeOfficialRefOut
    acknowledged_at: dt.datetime
    procedures_version_id: int | None
    guidance_version_id: int | None


class ProceduresOut(Schema):
    id: int
    committee_id: int
    number: int
    status: str = Field(description="draft, effective or superseded")
    note: str
    sections: list[SectionOut]
    missing_sections: list[str]
    clocks: ClocksOut
    chair_approved_by: CommitteeOfficialRefOut | None
    chair_approved_at: dt.datetime | None
    senior_approved_by: CommitteeOfficialRefOut | None
    senior_approved_at: dt.datetime | None
    effective_at: dt.datetime | None
    superseded_at: dt.datetime | None
    acknowledged: list[AcknowledgementOut]
    not_acknowledged: list[CommitteeOfficialRefOut]


class ProceduresIn(Schema):
    """Sections by clause key; clocks given replace the version's. A new draft copies what is
    not given from the version in effect."""

    model_config = ConfigDict(extra="forbid")

    sections: dict[str, str] | None = None
    clocks: ClocksIn | None = None
    note: str | None = Field(None, max_length=500)


class SectionDiffOut(Schema):
    key: str
    title: str
    changed: bool
    unified: str = Field(description="A unified diff (difflib) of the section's lines.")


class DiffOut(Schema):
    old_id: int
    old_number: int
    new_id: int
    new_number: int
    sections: list[SectionDiffOut]


class RegisterEntryIn(Schema):
    model_config = ConfigDict(extra="forbid")

    official_id: int | None = Field(None, description="The official, if in the directory.")
    name: str = Field("", max_length=200, description="Otherwise their name.")
    position: str = Field(description="consular_officer, marine_security_guard, ...")
    position_detail: str = Field("", max_length=200)


class RegisterEntryOut(Schema):
    id: int
    official: CommitteeOfficialRefOut | None
    name: str
    position: str
    position_detail: str
    active: bool
    listed_on: dt.date
    last_briefed_on: dt.date | None
    last_briefed_by: CommitteeOfficialRefOut | None
    due_on: dt.date
    overdue: bool


class BriefingIn(Schema):
    model_config = ConfigDict(extra="forbid")

    briefed_on: dt.date
    briefed_by_id: int = Field(description="The official who gave the briefing.")
    topics: str = Field(description="What it covered. Cryptonyms only.")


class BriefingOut(Schema):
    id: int
    person_id: int
    briefed_on: dt.date
    briefed_by: CommitteeOfficialRefOut
    topics: str
    next_due_on: dt.date


class GuidanceIn(Schema):
    model_config = ConfigDict(extra="forbid")

    title: str = Field(max_length=200)
    body: str = Field(description="Cryptonyms only.")
    document_id: int | None = Field(None, description="A new version of this guidance.")


class GuidanceVersionOut(Schema):
    id: int
    document_id: int
    number: int
    title: str
    body: str
    issued_by: CommitteeOfficialRefOut
    issued_at: dt.datetime
    acknowledged: list[AcknowledgementOut]
    not_acknowledged: list[CommitteeOfficialRefOut]


class DeterminationsOut(Schema):
    """The ``7a`` section: recorded determinations, or cases awaiting one."""

    kind: str
    items: list[str]


class SeniorOut(Schema):
    committee_id: int
    determinations: DeterminationsOut | None
    briefing_register: list[RegisterEntryOut]
    guidance: list[GuidanceVersionOut]
