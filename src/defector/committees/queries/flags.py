"""The committee's flags (``6a``, ``6b``, ``7b``): what is missing, overdue or due, per
committee and for the user."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import Q

from defector.committees.choices import MeetingStatus
from defector.committees.models import Committee, Meeting
from defector.committees.queries.briefings import briefing_registers
from defector.committees.queries.committees import _now, committees_for, day_of, seat_of
from defector.committees.queries.minutes import minutes_forwarding_days_default
from defector.committees.queries.procedures import effective_procedures_of
from defector.core.access import Action, principal_for, restrict
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


@dataclass(frozen=True, slots=True)
class _HeldMeeting:
    pk: int
    starts_at: dt.datetime
    ends_at: dt.datetime
    forwarded_at: dt.datetime | None


@dataclass(slots=True)
class _Rows:
    """What one committee's flags are computed from."""

    held: list[_HeldMeeting] = field(default_factory=list)
    scheduled_days: list[dt.date] = field(default_factory=list)
    minutes_days: int = 0
    procedures: bool = False
    rebriefings_overdue: int = 0


def _rows_of(committee_ids: list[int], today: dt.date) -> dict[int, _Rows]:
    """The rows the flags of the committees ``committee_ids`` are computed from, read once for
    them all: their held and scheduled meetings (with the minutes' forwarding), their
    procedures in effect and their briefing registers. Four queries, whatever the committees."""
    rows = {number: _Rows() for number in committee_ids}
    if not committee_ids:
        return rows
    meetings = (
        Meeting.objects.filter(
            committee_id__in=committee_ids,
            status__in=(MeetingStatus.HELD, MeetingStatus.SCHEDULED),
        )
        .order_by("-starts_at", "-pk")
        .values_list(
            "committee_id", "pk", "status", "starts_at", "ends_at", "minutes__forwarded_at"
        )
    )
    for committee_id, pk, status, starts_at, ends_at, forwarded_at in meetings:
        if status == MeetingStatus.HELD:
            rows[committee_id].held.append(_HeldMeeting(pk, starts_at, ends_at, forwarded_at))
        else:
            rows[committee_id].scheduled_days.append(day_of(starts_at))
    procedures = effective_procedures_of(committee_ids)
    default_days = minutes_forwarding_days_default()
    for committee_id, register in briefing_registers(committee_ids, today).items():
        found = rows[committee_id]
        version = procedures.get(committee_id)
        found.procedures = version is not None
        found.minutes_days = version.minutes_forwarding_days if version else default_days
        found.rebriefings_overdue = sum(1 for row in register if row.active and row.check.overdue)
    return rows


def _flags(committee: Committee, rows: _Rows, moment: dt.datetime) -> list[Flag]:
    """The committee's flags at ``moment`` from its rows (see :func:`committee_flags`)."""
    today = day_of(moment)
    flags: list[Flag] = []
    held_days = [day_of(meeting.starts_at) for meeting in rows.held]
    quarterly = gate.missing_quarters(held_days, committee.established_on, today)
    for quarter in quarterly.missing:
        flags.append(
            Flag("quarter_missed", "6a", f"No meeting was held in {quarter.label}.", "error")
        )
    due = gate.meeting_due_this_quarter(held_days, rows.scheduled_days, today)
    if not due.allowed:
        flags.append(
            Flag("meeting_due", "6a", due.reason[:1].upper() + due.reason[1:] + ".", "warning")
        )
    for meeting in rows.held:
        check = gate.minutes_overdue(
            meeting.ends_at, meeting.forwarded_at, rows.minutes_days, moment
        )
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
    if not rows.procedures:
        flags.append(
            Flag("no_procedures", "6b", "No local operating procedures are in effect.", "warning")
        )
    if rows.rebriefings_overdue:
        flags.append(
            Flag(
                "rebriefing_overdue",
                "7b",
                f"{rows.rebriefings_overdue} official(s) in the briefing register are due for a "
                "briefing.",
                "error",
            )
        )
    return flags


def flags_of(
    committees: Iterable[Committee], now: dt.datetime | None = None
) -> dict[int, list[Flag]]:
    """The flags of each of ``committees`` at ``now``, by committee id (see
    :func:`committee_flags`), read in as many queries for them all as for one."""
    moment = _now(now)
    chosen = list(committees)
    rows = _rows_of([committee.pk for committee in chosen], day_of(moment))
    return {committee.pk: _flags(committee, rows[committee.pk], moment) for committee in chosen}


def committee_flags(committee: Committee, now: dt.datetime | None = None) -> list[Flag]:
    """The committee's flags at ``now``: quarters without a held meeting and a current quarter
    with none held or scheduled (``6a``), minutes overdue at the IDC (``6a``), no effective
    procedures (``6b``), re-briefings overdue (``7b``)."""
    return flags_of([committee], now)[committee.pk]


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
    Invited representatives get no flags: they see only the meetings they are invited to.
    The queries do not grow with the committees: each kind of row is read once for them all."""
    moment = _now(now)
    principal = principal_for(user)
    committees = list(committees_for(user))
    flagged = [
        committee
        for committee in committees
        if not seat_of(principal, committee.post_id).invited_only
    ]
    flags = flags_of(flagged, moment)
    by_id = {committee.pk: committee for committee in committees}
    next_meeting: dict[int, Meeting] = {}
    last_held: dict[int, Meeting] = {}
    visible = restrict(
        user, Action.VIEW, Meeting.objects.filter(committee_id__in=list(by_id))
    ).filter(Q(status=MeetingStatus.SCHEDULED, ends_at__gte=moment) | Q(status=MeetingStatus.HELD))
    for meeting in visible.order_by("starts_at", "pk"):
        meeting.committee = by_id[meeting.committee_id]
        if meeting.status == MeetingStatus.SCHEDULED:
            next_meeting.setdefault(meeting.committee_id, meeting)
        else:
            last_held[meeting.committee_id] = meeting
    return [
        CommitteeSummary(
            committee,
            flags.get(committee.pk, []),
            next_meeting.get(committee.pk),
            last_held.get(committee.pk),
        )
        for committee in committees
    ]


def flags_for(user: AnyUser, now: dt.datetime | None = None) -> list[tuple[Committee, Flag]]:
    """Every flag of the committees ``user`` may see (for a dashboard), most serious first."""
    found = [
        (summary.committee, flag)
        for summary in committee_summaries(user, now)
        for flag in summary.flags
    ]
    return sorted(found, key=lambda pair: (pair[1].severity != "error", pair[0].post.name))
