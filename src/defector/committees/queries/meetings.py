"""Meetings (``6a``): the ones the user may see, one meeting's page, and what its agenda is
drawn from."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Model, QuerySet

from defector.cases.choices import Stage
from defector.cases.models import Case
from defector.committees.choices import AgendaSource, MeetingStatus, MinutesStatus
from defector.committees.models import (
    AgendaItem,
    Attendance,
    Committee,
    Meeting,
    MeetingInvitation,
    Minutes,
)
from defector.committees.queries.committees import (
    Seat,
    _get,
    _now,
    day_of,
    members_of,
    officials_with_role,
    seat_at,
)
from defector.committees.queries.minutes import minutes_days_for
from defector.core.access import Action, restrict
from defector.core.users import AnyUser
from defector.directory.choices import Role
from defector.directory.models import Official, Post
from defector.policy.gates import committees as gate


def quarterly_check(committee: Committee, today: dt.date) -> gate.QuarterlyCheck:
    held = [
        day_of(starts_at)
        for starts_at in committee.meetings.filter(status=MeetingStatus.HELD).values_list(
            "starts_at", flat=True
        )
    ]
    return gate.missing_quarters(held, committee.established_on, today)


def meetings_of(user: AnyUser, committee: Committee) -> QuerySet[Meeting]:
    """The committee's meetings ``user`` may see (invited representatives: theirs only)."""
    return restrict(
        user,
        Action.VIEW,
        Meeting.objects.filter(committee=committee).select_related("committee__post"),
    ).order_by("-starts_at", "-pk")


def meetings_for_calendar(user: AnyUser, committee: Committee) -> list[Meeting]:
    return list(
        meetings_of(user, committee).order_by("starts_at", "pk").prefetch_related("agenda_items")
    )


def access_meeting(user: AnyUser, meeting_id: Any, action: Action | str) -> Meeting:
    return _get(
        user,
        action,
        Meeting.objects.select_related("committee__post", "scheduled_by__user"),
        meeting_id,
        "meeting",
    )


@dataclass(frozen=True, slots=True)
class AttendanceRow:
    official: Official
    role: str
    status: str | None


@dataclass(frozen=True, slots=True)
class MeetingView:
    """A meeting as its page and ``GET /committees/meetings/{id}`` show it."""

    meeting: Meeting
    committee: Committee
    agenda: list[AgendaItem]
    attendance: list[AttendanceRow]
    invitations: list[MeetingInvitation]
    minutes: Minutes | None
    minutes_check: gate.MinutesCheck | None
    seat: Seat
    may_invite_officials: list[Official] = field(default_factory=list)

    @property
    def held(self) -> bool:
        return self.meeting.status == MeetingStatus.HELD

    @property
    def scheduled(self) -> bool:
        return self.meeting.status == MeetingStatus.SCHEDULED

    @property
    def minutes_draft(self) -> bool:
        return self.minutes is None or self.minutes.status == MinutesStatus.DRAFT

    @property
    def can_schedule(self) -> bool:
        return self.seat.chair and self.scheduled

    @property
    def can_edit_agenda(self) -> bool:
        return (self.seat.member or self.seat.chair) and (
            self.scheduled or (self.held and self.minutes_draft)
        )

    @property
    def can_record_attendance(self) -> bool:
        return self.seat.chair and self.held and self.minutes_draft

    @property
    def can_draft_minutes(self) -> bool:
        return self.seat.member and self.held and self.minutes_draft

    @property
    def can_approve_minutes(self) -> bool:
        return (
            self.seat.chair
            and self.minutes is not None
            and self.minutes.status == MinutesStatus.DRAFT
            and bool(self.minutes.text.strip())
        )

    @property
    def can_forward_minutes(self) -> bool:
        return (
            self.seat.chair
            and self.minutes is not None
            and self.minutes.status == MinutesStatus.APPROVED
        )

    @property
    def can_acknowledge_receipt(self) -> bool:
        return (
            self.seat.idc
            and self.minutes is not None
            and self.minutes.status == MinutesStatus.FORWARDED
            and self.minutes.receipt_acknowledged_at is None
        )


def attendance_candidates(committee: Committee, meeting: Meeting) -> list[tuple[Official, str]]:
    """Who may attend: the members, the senior representative, and the invited."""
    found: dict[int, tuple[Official, str]] = {}
    for member in members_of(committee):
        found[member.official.pk] = (member.official, member.role_label)
    for official in officials_with_role(committee, Role.SENIOR_REPRESENTATIVE):
        found.setdefault(official.pk, (official, Role.SENIOR_REPRESENTATIVE.label))
    for invitation in meeting.invitations.select_related("official__user", "official__agency"):
        found.setdefault(
            invitation.official_id, (invitation.official, Role.INVITED_REPRESENTATIVE.label)
        )
    return list(found.values())


def describe_meeting(
    user: AnyUser, meeting: Meeting, now: dt.datetime | None = None
) -> MeetingView:
    committee = meeting.committee
    seat = seat_at(user, committee)
    agenda = list(
        restrict(
            user,
            Action.VIEW,
            AgendaItem.objects.filter(meeting=meeting).select_related("case", "added_by__user"),
        ).order_by("position", "pk")
    )
    recorded = {row.official_id: row.status for row in Attendance.objects.filter(meeting=meeting)}
    attendance = [
        AttendanceRow(official, role, recorded.get(official.pk))
        for official, role in attendance_candidates(committee, meeting)
    ]
    minutes = (
        restrict(user, Action.VIEW, Minutes.objects.filter(meeting=meeting))
        .select_related(
            "drafted_by__user",
            "approved_by__user",
            "forwarded_by__user",
            "receipt_acknowledged_by__user",
        )
        .first()
    )
    check = None
    if meeting.status == MeetingStatus.HELD and not seat.invited_only:
        check = gate.minutes_overdue(
            meeting.ends_at,
            minutes.forwarded_at if minutes is not None else None,
            minutes_days_for(committee),
            _now(now),
        )
    invitations = list(
        restrict(
            user,
            Action.VIEW,
            MeetingInvitation.objects.filter(meeting=meeting).select_related(
                "official__user", "official__agency"
            ),
        )
    )
    invited_ids = {invitation.official_id for invitation in invitations}
    candidates = (
        [
            official
            for official in officials_with_role(committee, Role.INVITED_REPRESENTATIVE)
            if official.pk not in invited_ids
        ]
        if seat.chair
        else []
    )
    return MeetingView(
        meeting, committee, agenda, attendance, invitations, minutes, check, seat, candidates
    )


@dataclass(frozen=True, slots=True)
class AgendaCandidate:
    """Something the agenda may be drawn from: a case, a problem, a due obligation."""

    source: str
    title: str
    case_id: int | None = None
    reference: str = ""


#: Providers of a post's open mutual problems (``6c``), as ``provider(user, post)``: the
#: escalations app registers one in its ``ready()``.
ProblemsProvider = Callable[[AnyUser, Post], Iterable[Model]]

_PROBLEM_PROVIDERS: list[ProblemsProvider] = []


def register_problems_provider(provider: ProblemsProvider) -> None:
    """Let ``provider(user, post)`` put a post's open problems on the agenda's candidates.
    Registering the same function twice has no effect."""
    if provider not in _PROBLEM_PROVIDERS:
        _PROBLEM_PROVIDERS.append(provider)


def _open_cases(user: AnyUser, post: Post) -> list[Case]:
    cases = restrict(user, Action.VIEW, Case.objects.filter(post=post))
    return list(cases.exclude(stage=Stage.CLOSED).order_by("opened_at", "pk"))


def agenda_candidates(user: AnyUser, committee: Committee) -> list[AgendaCandidate]:
    """What the agenda is drawn from: the post's open cases (by cryptonym) and its open mutual
    problems (``6c``)."""
    post = committee.post
    found = [
        AgendaCandidate(AgendaSource.CASE, f"Case {case.cryptonym}", case_id=case.pk)
        for case in _open_cases(user, post)
    ]
    for provider in _PROBLEM_PROVIDERS:
        for problem in provider(user, post):
            found.append(
                AgendaCandidate(
                    AgendaSource.PROBLEM,
                    f"Mutual problem: {problem}",
                    reference=f"escalations.problem:{problem.pk}",
                )
            )
    return found


def invitable_officials(committee: Committee) -> list[Official]:
    return officials_with_role(committee, Role.INVITED_REPRESENTATIVE)
