"""The committee's flags (``6a``, ``6b``, ``7b``): what is missing, overdue or due, per
committee and for the user."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from defector.committees.choices import MeetingStatus
from defector.committees.models import Committee, Meeting
from defector.committees.queries.briefings import briefing_register
from defector.committees.queries.committees import _now, committees_for, day_of, seat_of
from defector.committees.queries.meetings import meetings_of, quarterly_check
from defector.committees.queries.minutes import minutes_checks
from defector.committees.queries.procedures import effective_procedures
from defector.core.access import principal_for
from defector.core.users import AnyUser
from defector.policy.gates import committees as gate


@dataclass(frozen=True, slots=True)
class Flag:
    """Something a dashboard shows about a committee, with the clause behind it."""

    code: str
    clause: str
    message: str
    #: ``error`` for a breach (a missed quarter, overdue minutes), ``warning`` for what is due.
    severity: str = "error"
    meeting_id: int | None = None


def committee_flags(committee: Committee, now: dt.datetime | None = None) -> list[Flag]:
    """The committee's flags at ``now``: quarters without a held meeting and a current quarter
    with none held or scheduled (``6a``), minutes overdue at the IDC (``6a``), no effective
    procedures (``6b``), re-briefings overdue (``7b``)."""
    moment = _now(now)
    today = day_of(moment)
    flags: list[Flag] = []
    quarterly = quarterly_check(committee, today)
    for quarter in quarterly.missing:
        flags.append(
            Flag("quarter_missed", "6a", f"No meeting was held in {quarter.label}.", "error")
        )
    held_days = [day_of(m.starts_at) for m in committee.meetings.filter(status=MeetingStatus.HELD)]
    scheduled_days = [
        day_of(m.starts_at) for m in committee.meetings.filter(status=MeetingStatus.SCHEDULED)
    ]
    due = gate.meeting_due_this_quarter(held_days, scheduled_days, today)
    if not due.allowed:
        flags.append(
            Flag("meeting_due", "6a", due.reason[:1].upper() + due.reason[1:] + ".", "warning")
        )
    for meeting, check in minutes_checks(committee, moment):
        if check.overdue:
            flags.append(
                Flag(
                    "minutes_overdue",
                    "6a",
                    f"The minutes of the meeting of {day_of(meeting.starts_at):%d %B %Y} were due "
                    f"at the IDC on {day_of(check.due_at):%d %B %Y}.",
                    "error",
                    meeting.pk,
                )
            )
    if effective_procedures(committee) is None:
        flags.append(
            Flag("no_procedures", "6b", "No local operating procedures are in effect.", "warning")
        )
    overdue = sum(
        1 for row in briefing_register(committee, today) if row.active and row.check.overdue
    )
    if overdue:
        flags.append(
            Flag(
                "rebriefing_overdue",
                "7b",
                f"{overdue} official(s) in the briefing register are due for a briefing.",
                "error",
            )
        )
    return flags


@dataclass(frozen=True, slots=True)
class CommitteeSummary:
    committee: Committee
    flags: list[Flag]
    next_meeting: Meeting | None
    last_held: Meeting | None

    @property
    def errors(self) -> list[Flag]:
        return [flag for flag in self.flags if flag.severity == "error"]


def committee_summaries(user: AnyUser, now: dt.datetime | None = None) -> list[CommitteeSummary]:
    """The committees ``user`` may see, each with its flags (the index and the dashboards).
    Invited representatives get no flags: they see only the meetings they are invited to."""
    moment = _now(now)
    principal = principal_for(user)
    out: list[CommitteeSummary] = []
    for committee in committees_for(user):
        seat = seat_of(principal, committee.post_id)
        visible = meetings_of(user, committee)
        next_meeting = (
            visible.filter(status=MeetingStatus.SCHEDULED, ends_at__gte=moment)
            .order_by("starts_at")
            .first()
        )
        last_held = visible.filter(status=MeetingStatus.HELD).order_by("-starts_at").first()
        flags = [] if seat.invited_only else committee_flags(committee, moment)
        out.append(CommitteeSummary(committee, flags, next_meeting, last_held))
    return out


def flags_for(user: AnyUser, now: dt.datetime | None = None) -> list[tuple[Committee, Flag]]:
    """Every flag of the committees ``user`` may see (for a dashboard), most serious first."""
    found = [
        (summary.committee, flag)
        for summary in committee_summaries(user, now)
        for flag in summary.flags
    ]
    return sorted(found, key=lambda pair: (pair[1].severity != "error", pair[0].post.name))
