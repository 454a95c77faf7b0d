"""Meetings (``6a``): scheduling, invitations, the agenda and attendance."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any, Final

from django.db import transaction
from django.utils import timezone

from defector.cases.actions import refuse_names_at_post
from defector.committees import queries, signals
from defector.committees.actions.committees import (
    TEXT_MAX,
    TITLE_MAX,
    Errors,
    _after_commit,
    _as_id,
    _error,
    _moment,
    _require_chair,
    _require_member,
    _text,
    _visible,
)
from defector.committees.choices import AgendaSource, AttendanceStatus, MeetingStatus, MinutesStatus
from defector.committees.models import (
    AgendaItem,
    Attendance,
    Committee,
    Meeting,
    MeetingInvitation,
    Minutes,
)
from defector.core import audit
from defector.core.errors import Conflict, InvalidInput
from defector.core.users import AnyUser
from defector.directory.choices import Role
from defector.directory.models import Official

PLACE_MAX: Final = 200
#: The longest a meeting may last.
MEETING_MAX: Final = dt.timedelta(hours=24)
MEETING_FIELDS: Final = ["committee", "starts_at", "ends_at", "place", "status", "sequence"]


def _check_times(
    errors: Errors, starts_at: object, ends_at: object
) -> tuple[dt.datetime | None, dt.datetime | None]:
    start = _moment(errors, "starts_at", starts_at)
    end = _moment(errors, "ends_at", ends_at)
    if start is not None and end is not None:
        if end <= start:
            _error(errors, "ends_at", "must be after the start")
        elif end - start > MEETING_MAX:
            _error(errors, "ends_at", "a meeting may last at most 24 hours")
    return start, end


def _meeting_for_change(acting_user: AnyUser | None, meeting_id: object) -> Meeting:
    return _visible(
        acting_user,
        Meeting.objects.select_related("committee__post"),
        meeting_id,
        "meeting",
        lock=True,
    )


def _refuse_names(
    errors: Errors, meeting: Meeting, *, user: AnyUser | None, **fields: object
) -> None:
    """An error on each field that names the subject of one of the post's open cases or of a
    case on the meeting's agenda (``6b(1)``: true names are sealed in the case)."""
    on_agenda = AgendaItem.objects.filter(meeting=meeting).values_list("case_id", flat=True)
    refuse_names_at_post(errors, meeting.committee.post_id, user=user, also=on_agenda, **fields)


def _touch(meeting: Meeting) -> None:
    meeting.sequence += 1
    meeting.updated_at = timezone.now()


def schedule_meeting(
    *,
    acting_user: AnyUser,
    committee_id: int | str,
    starts_at: dt.datetime | None,
    ends_at: dt.datetime | None,
    place: str,
) -> Meeting:
    """Schedule a meeting of the committee (``6a``): the chair only."""
    with transaction.atomic():
        committee = _visible(
            acting_user, Committee.objects.select_related("post"), committee_id, "committee"
        )
        official = _require_chair(acting_user, committee)
        errors: Errors = []
        start, end = _check_times(errors, starts_at, ends_at)
        place = _text(errors, "place", place, limit=PLACE_MAX)
        if errors or start is None or end is None:
            raise InvalidInput(errors)
        now = timezone.now()
        meeting = Meeting.objects.create(
            committee=committee,
            starts_at=start,
            ends_at=end,
            place=place,
            scheduled_by=official,
            created_at=now,
            updated_at=now,
        )
        audit.record(
            actor=acting_user,
            action="committees.meeting.schedule",
            obj=meeting,
            after=audit.snapshot(meeting, MEETING_FIELDS),
        )
        _after_commit(
            signals.meeting_changed,
            sender=Meeting,
            committee=meeting.committee,
            meeting=meeting,
            change="scheduled",
            actor=acting_user,
        )
    return meeting


def reschedule_meeting(
    *,
    acting_user: AnyUser,
    meeting_id: int | str,
    starts_at: dt.datetime | None = None,
    ends_at: dt.datetime | None = None,
    place: str | None = None,
) -> Meeting:
    """Change a scheduled meeting's time or place (the chair); calendars see a new SEQUENCE."""
    with transaction.atomic():
        meeting = _meeting_for_change(acting_user, meeting_id)
        _require_chair(acting_user, meeting.committee)
        if meeting.status != MeetingStatus.SCHEDULED:
            raise Conflict(f"the meeting is {meeting.get_status_display().lower()}; it cannot move")
        errors: Errors = []
        start, end = _check_times(
            errors,
            starts_at if starts_at is not None else meeting.starts_at,
            ends_at if ends_at is not None else meeting.ends_at,
        )
        new_place = (
            _text(errors, "place", place, limit=PLACE_MAX) if place is not None else meeting.place
        )
        if errors or start is None or end is None:
            raise InvalidInput(errors)
        before = audit.snapshot(meeting, MEETING_FIELDS)
        if (start, end, new_place) == (meeting.starts_at, meeting.ends_at, meeting.place):
            return meeting
        meeting.starts_at, meeting.ends_at, meeting.place = start, end, new_place
        _touch(meeting)
        meeting.save()
        audit.record(
            actor=acting_user,
            action="committees.meeting.reschedule",
            obj=meeting,
            before=before,
            after=audit.snapshot(meeting, MEETING_FIELDS),
        )
        _after_commit(
            signals.meeting_changed,
            sender=Meeting,
            committee=meeting.committee,
            meeting=meeting,
            change="rescheduled",
            actor=acting_user,
        )
    return meeting


def cancel_meeting(*, acting_user: AnyUser, meeting_id: int | str, reason: str = "") -> Meeting:
    """Cancel a scheduled meeting (the chair); calendars show it cancelled."""
    with transaction.atomic():
        meeting = _meeting_for_change(acting_user, meeting_id)
        _require_chair(acting_user, meeting.committee)
        errors: Errors = []
        reason = _text(errors, "reason", reason, limit=500, required=False)
        _refuse_names(errors, meeting, user=acting_user, reason=reason)
        if errors:
            raise InvalidInput(errors)
        if meeting.status != MeetingStatus.SCHEDULED:
            raise Conflict(f"the meeting is {meeting.get_status_display().lower()} already")
        before = audit.snapshot(meeting, MEETING_FIELDS)
        meeting.status = MeetingStatus.CANCELLED
        _touch(meeting)
        meeting.save()
        audit.record(
            actor=acting_user,
            action="committees.meeting.cancel",
            obj=meeting,
            before=before,
            after=audit.snapshot(meeting, MEETING_FIELDS),
            reason=reason,
        )
        _after_commit(
            signals.meeting_changed,
            sender=Meeting,
            committee=meeting.committee,
            meeting=meeting,
            change="cancelled",
            actor=acting_user,
        )
    return meeting


def mark_meeting_held(
    *, acting_user: AnyUser, meeting_id: int | str, now: dt.datetime | None = None
) -> Meeting:
    """Record that a scheduled meeting took place (the chair), once it has started. It then
    counts for its quarter, and the minutes clock starts at its end (``6a``)."""
    with transaction.atomic():
        meeting = _meeting_for_change(acting_user, meeting_id)
        _require_chair(acting_user, meeting.committee)
        if meeting.status != MeetingStatus.SCHEDULED:
            raise Conflict(f"the meeting is {meeting.get_status_display().lower()} already")
        if meeting.starts_at > (now or timezone.now()):
            raise InvalidInput([{"field": "status", "message": "the meeting has not started yet"}])
        before = audit.snapshot(meeting, MEETING_FIELDS)
        meeting.status = MeetingStatus.HELD
        _touch(meeting)
        meeting.save()
        audit.record(
            actor=acting_user,
            action="committees.meeting.held",
            obj=meeting,
            before=before,
            after=audit.snapshot(meeting, MEETING_FIELDS),
        )
    return meeting


def invite_to_meeting(
    *, acting_user: AnyUser, meeting_id: int | str, official_id: int | str
) -> MeetingInvitation:
    """Invite a representative of another department, agency or military command to one
    meeting (``6``): they see that meeting and no other. The chair invites officials holding
    the ``invited_representative`` role at the post."""
    with transaction.atomic():
        meeting = _meeting_for_change(acting_user, meeting_id)
        chair = _require_chair(acting_user, meeting.committee, "6")
        if meeting.status == MeetingStatus.CANCELLED:
            raise Conflict("the meeting is cancelled")
        number = _as_id(official_id)
        official = (
            Official.objects.filter(
                pk=number,
                roles__role=Role.INVITED_REPRESENTATIVE,
                roles__post_id=meeting.committee.post_id,
            ).first()
            if number is not None
            else None
        )
        if official is None:
            raise InvalidInput(
                [
                    {
                        "field": "official_id",
                        "message": "must be an invited representative at "
                        f"{meeting.committee.post.code}",
                    }
                ]
            )
        if MeetingInvitation.objects.filter(meeting=meeting, official=official).exists():
            raise Conflict(f"{official} is already invited")
        invitation = MeetingInvitation.objects.create(
            meeting=meeting, official=official, invited_by=chair
        )
        audit.record(
            actor=acting_user,
            action="committees.meeting.invite",
            obj=invitation,
            after={"meeting": meeting.pk, "official": official.pk},
        )
    return invitation


def _agenda_open(meeting: Meeting) -> None:
    if meeting.status == MeetingStatus.CANCELLED:
        raise Conflict("the meeting is cancelled")
    minutes = Minutes.objects.filter(meeting=meeting).first()
    if minutes is not None and minutes.status != MinutesStatus.DRAFT:
        raise Conflict("the minutes are approved: the agenda is closed")


def _next_position(meeting: Meeting) -> int:
    last = AgendaItem.objects.filter(meeting=meeting).order_by("-position").first()
    return (last.position + 1) if last is not None else 1


def draw_agenda(
    *, acting_user: AnyUser, meeting_id: int | str, now: dt.datetime | None = None
) -> list[AgendaItem]:
    """Add to the agenda the post's open cases (by cryptonym), its open mutual problems and
    its obligations falling due, that are not on it yet (``6a``); the items added."""
    with transaction.atomic():
        meeting = _meeting_for_change(acting_user, meeting_id)
        official = _require_member(acting_user, meeting.committee)
        _agenda_open(meeting)
        existing = AgendaItem.objects.filter(meeting=meeting)
        cases = {case for case in existing.values_list("case_id", flat=True) if case}
        references = {ref for ref in existing.values_list("reference", flat=True) if ref}
        position = _next_position(meeting)
        added: list[AgendaItem] = []
        for candidate in queries.agenda_candidates(acting_user, meeting.committee):
            if candidate.case_id in cases or (
                candidate.reference and candidate.reference in references
            ):
                continue
            added.append(
                AgendaItem.objects.create(
                    meeting=meeting,
                    position=position,
                    source=candidate.source,
                    title=candidate.title[:TITLE_MAX],
                    case_id=candidate.case_id,
                    reference=candidate.reference,
                    added_by=official,
                )
            )
            position += 1
        if added:
            audit.record(
                actor=acting_user,
                action="committees.agenda.draw",
                obj=meeting,
                after={"items": [{"title": item.title, "source": item.source} for item in added]},
            )
    return added


def add_agenda_item(
    *, acting_user: AnyUser, meeting_id: int | str, title: str, notes: str = ""
) -> AgendaItem:
    """Add other business to the agenda (members and chair). Cryptonyms only."""
    with transaction.atomic():
        meeting = _meeting_for_change(acting_user, meeting_id)
        official = _require_member(acting_user, meeting.committee)
        errors: Errors = []
        title = _text(errors, "title", title, limit=TITLE_MAX)
        notes = _text(errors, "notes", notes, limit=TEXT_MAX, required=False)
        _refuse_names(errors, meeting, user=acting_user, title=title, notes=notes)
        if errors:
            raise InvalidInput(errors)
        _agenda_open(meeting)
        item = AgendaItem.objects.create(
            meeting=meeting,
            position=_next_position(meeting),
            source=AgendaSource.OTHER,
            title=title,
            notes=notes,
            added_by=official,
        )
        audit.record(
            actor=acting_user,
            action="committees.agenda.add",
            obj=item,
            after=audit.snapshot(item, ["meeting", "position", "source", "title", "case"]),
        )
    return item


def remove_agenda_item(*, acting_user: AnyUser, item_id: int | str) -> None:
    """Take an item off the agenda (members and chair), while the agenda is open."""
    with transaction.atomic():
        item = _visible(
            acting_user,
            AgendaItem.objects.select_related("meeting__committee__post"),
            item_id,
            "agenda item",
            lock=True,
        )
        _require_member(acting_user, item.meeting.committee)
        _agenda_open(item.meeting)
        before = audit.snapshot(item, ["meeting", "position", "source", "title", "case"])
        audit.record(
            actor=acting_user,
            action="committees.agenda.remove",
            obj=item,
            before=before,
        )
        item.delete()


def record_attendance(
    *, acting_user: AnyUser, meeting_id: int | str, entries: Mapping[Any, str]
) -> list[Attendance]:
    """Record who was present, absent or excused at a held meeting (the chair). ``entries``
    maps an official's id to a status; the officials must be members, the senior
    representative, or invited to the meeting."""
    with transaction.atomic():
        meeting = _meeting_for_change(acting_user, meeting_id)
        chair = _require_chair(acting_user, meeting.committee)
        if meeting.status != MeetingStatus.HELD:
            raise Conflict("attendance is recorded once the meeting is held")
        _agenda_open(meeting)
        allowed = {
            official.pk: official
            for official, _ in queries.attendance_candidates(meeting.committee, meeting)
        }
        errors: Errors = []
        cleaned: dict[int, str] = {}
        if not entries:
            _error(errors, "attendance", "record at least one official's attendance")
        for raw_id, status in entries.items():
            number = _as_id(raw_id)
            field = f"attendance.{raw_id}"
            if number is None or number not in allowed:
                _error(errors, field, "is not a member, the senior representative or invited")
            elif status not in AttendanceStatus.values:
                _error(errors, field, f"must be one of {', '.join(AttendanceStatus.values)}")
            else:
                cleaned[number] = status
        if errors:
            raise InvalidInput(errors)
        existing = {row.official_id: row for row in Attendance.objects.filter(meeting=meeting)}
        changed: list[Attendance] = []
        before: dict[str, str] = {}
        after: dict[str, str] = {}
        for official_id, status in cleaned.items():
            row = existing.get(official_id)
            if row is not None and row.status == status:
                continue
            if row is None:
                row = Attendance(meeting=meeting, official_id=official_id, status=status)
            else:
                before[str(official_id)] = row.status
                row.status = status
            row.recorded_by = chair
            row.recorded_at = timezone.now()
            row.save()
            after[str(official_id)] = status
            changed.append(row)
        if changed:
            audit.record(
                actor=acting_user,
                action="committees.meeting.attendance",
                obj=meeting,
                before=before or None,
                after=after,
            )
    return changed
