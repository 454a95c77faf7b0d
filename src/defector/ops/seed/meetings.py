"""The seed's committee meetings (``6a``): each post's committee met every quarter for the last
two years — attendance, an agenda drawn from the post's cases open at the time, and minutes
approved by the chair and forwarded to the IDC (the latest still a draft); the next meeting is
scheduled. Cryptonyms only, as in the committees app."""

from __future__ import annotations

import datetime as dt
import random
import uuid
from typing import Final

from django.db import transaction

from defector.cases.models import Case
from defector.committees.choices import (
    AgendaSource,
    AttendanceStatus,
    MeetingStatus,
    MinutesStatus,
)
from defector.committees.models import AgendaItem, Attendance, Meeting, MeetingInvitation, Minutes
from defector.directory.choices import Role
from defector.ops.seed.directory import Staff
from defector.ops.seed.ledger import Ledger

#: Meetings held per committee (quarterly, back from the anchor), plus one scheduled.
HELD: Final = 8
#: Audit events per post: each held meeting scheduled, held, minutes drafted, approved and
#: forwarded (the latest only drafted), and the next one scheduled.
EVENTS_PER_POST: Final = HELD * 5 - 2 + 1
PLACES: Final = ("Chancery, secure conference room", "Ambassador's office", "Station, room 4")
AGENDA_PER_MEETING: Final = 3


def seed_meetings(
    rng: random.Random, *, staff: list[Staff], anchor: dt.datetime, ledger: Ledger
) -> None:
    """Every post's meetings, one transaction per 50 posts."""
    for start in range(0, len(staff), 50):
        with transaction.atomic():
            for one in staff[start : start + 50]:
                _post_meetings(rng, one, anchor, ledger)
            ledger.flush()


def _post_meetings(rng: random.Random, staff: Staff, anchor: dt.datetime, ledger: Ledger) -> None:
    chair = staff.first(Role.COMMITTEE_CHAIR)
    members = staff.members()
    cases = list(
        Case.objects.filter(post=staff.post)
        .order_by("received_at")
        .values_list("pk", "cryptonym", "received_at")
    )
    meetings: list[Meeting] = []
    for number in range(HELD + 1):
        starts = (anchor - dt.timedelta(days=91 * (HELD - number))).replace(
            hour=rng.choice((9, 10, 14)), minute=0, second=0, microsecond=0
        )
        meetings.append(
            Meeting(
                committee=staff.committee,
                uid=uuid.UUID(int=rng.getrandbits(128), version=4),
                starts_at=starts,
                ends_at=starts + dt.timedelta(hours=2),
                place=rng.choice(PLACES),
                status=MeetingStatus.HELD if number < HELD else MeetingStatus.SCHEDULED,
                sequence=1 if number < HELD else 0,
                scheduled_by=chair,
                created_at=starts - dt.timedelta(days=21),
                updated_at=starts + dt.timedelta(hours=2)
                if number < HELD
                else starts - dt.timedelta(days=21),
            )
        )
    meetings = Meeting.objects.bulk_create(meetings)
    MeetingInvitation.objects.bulk_create(
        MeetingInvitation(meeting=m, official=o, invited_by=chair, invited_at=m.created_at)
        for m in meetings
        for o in members
    )
    attendance, agenda, minutes = [], [], []
    for index, meeting in enumerate(meetings):
        open_then = [c for c in cases if c[2] < meeting.starts_at][-AGENDA_PER_MEETING:]
        for position, (case_id, cryptonym, _received) in enumerate(open_then, start=1):
            agenda.append(
                AgendaItem(
                    meeting=meeting,
                    position=position,
                    source=AgendaSource.CASE,
                    title=f"Case {cryptonym}: progress and next steps",
                    case_id=case_id,
                    added_by=chair,
                    added_at=meeting.created_at,
                )
            )
        ledger.add(
            at=meeting.created_at,
            actor=chair.user,
            action="committees.meeting.schedule",
            object_type="committees.meeting",
            object_id=meeting.pk,
            after={"starts_at": meeting.starts_at, "place": meeting.place},
        )
        if meeting.status != MeetingStatus.HELD:
            continue
        for official in members:
            attendance.append(
                Attendance(
                    meeting=meeting,
                    official=official,
                    status=AttendanceStatus.PRESENT
                    if rng.random() < 0.9
                    else AttendanceStatus.ABSENT,
                    recorded_by=chair,
                    recorded_at=meeting.ends_at,
                )
            )
        ledger.add(
            at=meeting.ends_at,
            actor=chair.user,
            action="committees.meeting.held",
            object_type="committees.meeting",
            object_id=meeting.pk,
            before={"status": MeetingStatus.SCHEDULED},
            after={"status": MeetingStatus.HELD},
        )
        latest = index == HELD - 1
        drafted = meeting.ends_at + dt.timedelta(days=1)
        approved = drafted + dt.timedelta(days=3)
        forwarded = approved + dt.timedelta(days=1)
        reviewed = " ".join(f"Case {c[1]} reviewed." for c in open_then) or "No open case."
        text = f"Present: the committee. {reviewed}"
        minutes.append(
            Minutes(
                meeting=meeting,
                text=text,
                status=MinutesStatus.DRAFT if latest else MinutesStatus.FORWARDED,
                drafted_by=chair,
                drafted_at=drafted,
                updated_at=drafted if latest else forwarded,
                approved_by=None if latest else chair,
                approved_at=None if latest else approved,
                forwarded_by=None if latest else chair,
                forwarded_at=None if latest else forwarded,
            )
        )
        steps = [("draft", drafted)] + (
            [] if latest else [("approve", approved), ("forward", forwarded)]
        )
        for verb, at in steps:
            ledger.add(
                at=at,
                actor=chair.user,
                action=f"committees.minutes.{verb}",
                object_type="committees.meeting",
                object_id=meeting.pk,
                after={
                    "status": {"draft": "draft", "approve": "approved", "forward": "forwarded"}[
                        verb
                    ]
                },
            )
    Attendance.objects.bulk_create(attendance)
    AgendaItem.objects.bulk_create(agenda)
    Minutes.objects.bulk_create(minutes)
