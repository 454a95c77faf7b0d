"""Writes of the committees app: committees (``6``), meetings, agenda, attendance and minutes
(``6a``), local operating procedures (``6b``), acknowledgements (``6e``), the briefing
register (``7b``) and policy guidance (``7c``).

Each action takes a keyword-only ``acting_user``, runs in one transaction, validates its input
first (every bad field named, nothing partial saved), checks access through ``core.access`` (a
committee or meeting the user may not see is :class:`NotFound`, as if it did not exist; one
they see but may not change this way is :class:`PermissionDenied`, citing the clause that
gives the step to someone else), and writes its audit record in the same transaction.
Signals for other apps (``committees.signals``) go out after the commit.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping
from typing import Any, Final, TypeVar

from django.contrib.auth.models import AnonymousUser, User
from django.db import models, transaction
from django.utils import timezone

from defector.committees import queries, signals
from defector.committees.choices import (
    MEMBER_ROLES,
    AcknowledgedKind,
    AgendaSource,
    AttendanceStatus,
    BriefingPosition,
    MeetingStatus,
    MinutesStatus,
    ProceduresStatus,
)
from defector.committees.models import (
    Acknowledgement,
    AgendaItem,
    Attendance,
    BriefedOfficial,
    Briefing,
    Committee,
    GuidanceDocument,
    GuidanceVersion,
    Meeting,
    MeetingInvitation,
    Minutes,
    ProceduresVersion,
)
from defector.core import audit
from defector.core.access import Action, get_for, principal_for
from defector.core.errors import Conflict, InvalidInput, NotFound, PermissionDenied, PolicyRefusal
from defector.directory.choices import Role
from defector.directory.models import Official, Post
from defector.policy.gates import committees as gate

AnyUser = User | AnonymousUser
Actor = AnyUser | None
Errors = list[dict[str, str]]

#: Control characters other than tab, line feed and carriage return.
CONTROL: Final = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
PLACE_MAX: Final = 200
TITLE_MAX: Final = 300
TEXT_MAX: Final = 50_000
SECTION_MAX: Final = 20_000
#: The longest a meeting may last.
MEETING_MAX: Final = dt.timedelta(hours=24)
OPERATOR: Final = "by an operator at the console"

MEETING_FIELDS: Final = ["committee", "starts_at", "ends_at", "place", "status", "sequence"]
MINUTES_FIELDS: Final = [
    "meeting",
    "status",
    "version",
    "approved_by",
    "approved_at",
    "forwarded_by",
    "forwarded_at",
    "receipt_acknowledged_by",
    "receipt_acknowledged_at",
]
PROCEDURES_FIELDS: Final = [
    "committee",
    "number",
    "status",
    "note",
    *gate.DEFAULT_CLOCKS,
    "chair_approved_by",
    "chair_approved_at",
    "senior_approved_by",
    "senior_approved_at",
    "effective_at",
    "superseded_at",
]

_M = TypeVar("_M", bound=models.Model)


# --- helpers ---------------------------------------------------------------------------------


def _error(errors: Errors, field: str, message: str) -> None:
    errors.append({"field": field, "message": message})


def _as_id(value: object) -> int | None:
    """A row id from an int or digits; ``None`` for anything else, or an id no row can have."""
    number: int | None = None
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        number = value
    elif isinstance(value, str) and value.strip().isdigit():
        number = int(value.strip())
    if number is None or not 0 < number <= queries.MAX_ID:
        return None
    return number


def _text(errors: Errors, field: str, value: object, *, limit: int, required: bool = True) -> str:
    if value is None:
        value = ""
    if not isinstance(value, str):
        _error(errors, field, "must be text")
        return ""
    value = value.strip()
    if required and not value:
        _error(errors, field, "is required")
    elif len(value) > limit:
        _error(errors, field, f"must be at most {limit} characters")
    elif CONTROL.search(value):
        _error(errors, field, "contains control characters")
    return value


def _moment(errors: Errors, field: str, value: object) -> dt.datetime | None:
    if not isinstance(value, dt.datetime):
        _error(errors, field, "is required: a date and time")
        return None
    if timezone.is_naive(value):
        _error(errors, field, "must include a time zone (for example 2026-03-05T09:30:00Z)")
        return None
    return value


def _acting_official(acting_user: Actor) -> Official | None:
    principal = principal_for(acting_user)
    if principal.official_id is None:
        return None
    return Official.objects.get(pk=principal.official_id)


def _visible(
    acting_user: Actor,
    queryset: models.QuerySet[_M],
    pk: object,
    what: str,
    *,
    lock: bool = False,
) -> _M:
    """The row if ``acting_user`` may see it (:class:`NotFound` otherwise), locked for the
    rest of the transaction with ``lock`` (fetched again: a restricted query may be
    ``DISTINCT``, which cannot be locked)."""
    number = _as_id(pk)
    if number is None:
        raise NotFound(f"no such {what}")
    found = get_for(acting_user, Action.VIEW, queryset, number, what=what)
    if lock:
        return queryset.select_for_update(of=("self",)).get(pk=found.pk)
    return found


def _require(
    acting_user: Actor, committee: Committee, roles: Iterable[str], clause: str, who: str
) -> Official:
    """The acting official if they hold one of ``roles`` at the committee's post."""
    seat = queries.seat_at(acting_user, committee) if acting_user is not None else None
    if seat is None or not (seat.roles & set(roles)):
        raise PermissionDenied(f"only {who} may do this", clauses=(clause,))
    official = _acting_official(acting_user)
    assert official is not None  # noqa: S101 - a role at a post needs an official
    return official


def _require_chair(acting_user: Actor, committee: Committee, clause: str = "6a") -> Official:
    return _require(
        acting_user, committee, (Role.COMMITTEE_CHAIR,), clause, "the committee's chair"
    )


def _require_member(acting_user: Actor, committee: Committee, clause: str = "6a") -> Official:
    return _require(acting_user, committee, MEMBER_ROLES, clause, "the committee's members")


def _require_senior(acting_user: Actor, committee: Committee, clause: str) -> Official:
    return _require(
        acting_user,
        committee,
        (Role.SENIOR_REPRESENTATIVE,),
        clause,
        "the post's senior US representative",
    )


def _after_commit(signal: Any, **kwargs: Any) -> None:
    transaction.on_commit(lambda: signal.send(**kwargs))


# --- committees (6) --------------------------------------------------------------------------


def ensure_committee(post: Post, *, acting_user: Actor = None) -> tuple[Committee, bool]:
    """The committee of ``post``, created if it has none (``6``): ``(committee, created)``.

    Only a post with diplomatic representation gets one (:class:`PolicyRefusal` otherwise).
    Operators at the console (``acting_user=None``) and administrators may create one.
    """
    with transaction.atomic():
        if acting_user is not None and not principal_for(acting_user).is_administrator:
            raise PermissionDenied("only administrators create committees", clauses=("6",))
        post = Post.objects.select_for_update().get(pk=post.pk)
        existing = Committee.objects.filter(post=post).first()
        if existing is not None:
            return existing, False
        if not post.diplomatic_representation:
            raise PolicyRefusal(
                f"{post.code} has no diplomatic representation: a committee is established "
                "wherever the US has diplomatic representation",
                clauses=("6",),
            )
        committee = Committee.objects.create(post=post, established_on=timezone.localdate())
        audit.record(
            actor=acting_user,
            action="committees.committee.create",
            obj=committee,
            after=audit.snapshot(committee),
            reason=OPERATOR if acting_user is None else "",
        )
    return committee, True


def ensure_committees(*, acting_user: Actor = None) -> list[Committee]:
    """Create the committee of every active post with diplomatic representation that has none
    (``6``); the committees created."""
    created: list[Committee] = []
    with transaction.atomic():
        for post in list(queries.posts_without_committee()):
            committee, new = ensure_committee(post, acting_user=acting_user)
            if new:
                created.append(committee)
    return created


# --- meetings (6a) ---------------------------------------------------------------------------


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


def _meeting_for_change(acting_user: Actor, meeting_id: object) -> Meeting:
    return _visible(
        acting_user,
        Meeting.objects.select_related("committee__post"),
        meeting_id,
        "meeting",
        lock=True,
    )


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
    return meeting


def cancel_meeting(*, acting_user: AnyUser, meeting_id: int | str, reason: str = "") -> Meeting:
    """Cancel a scheduled meeting (the chair); calendars show it cancelled."""
    with transaction.atomic():
        meeting = _meeting_for_change(acting_user, meeting_id)
        _require_chair(acting_user, meeting.committee)
        errors: Errors = []
        reason = _text(errors, "reason", reason, limit=500, required=False)
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


# --- the agenda ------------------------------------------------------------------------------


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


# --- attendance ------------------------------------------------------------------------------


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


# --- minutes (6a) ----------------------------------------------------------------------------


def _minutes_for_change(acting_user: Actor, meeting_id: object) -> tuple[Meeting, Minutes | None]:
    meeting = _meeting_for_change(acting_user, meeting_id)
    minutes = Minutes.objects.select_for_update().filter(meeting=meeting).first()
    return meeting, minutes


def save_minutes(
    *,
    acting_user: AnyUser,
    meeting_id: int | str,
    text: str,
    version: int | None = None,
) -> Minutes:
    """Draft (or go on drafting) the minutes of a held meeting (members and chair). Cryptonyms
    only. ``version`` is the version the writer read; a stale one is refused (409)."""
    with transaction.atomic():
        meeting, minutes = _minutes_for_change(acting_user, meeting_id)
        official = _require_member(acting_user, meeting.committee)
        errors: Errors = []
        text = _text(errors, "text", text, limit=TEXT_MAX)
        if errors:
            raise InvalidInput(errors)
        if meeting.status != MeetingStatus.HELD:
            raise Conflict("minutes are drafted once the meeting is held")
        now = timezone.now()
        if minutes is None:
            minutes = Minutes.objects.create(
                meeting=meeting, text=text, drafted_by=official, drafted_at=now, updated_at=now
            )
            audit.record(
                actor=acting_user,
                action="committees.minutes.draft",
                obj=minutes,
                after=audit.snapshot(minutes, MINUTES_FIELDS),
            )
            return minutes
        if minutes.status != MinutesStatus.DRAFT:
            raise Conflict("the minutes are approved and can no longer change")
        if version is not None and version != minutes.version:
            raise Conflict(
                "the minutes changed since you opened them; reload and apply your change again",
                data={"version": minutes.version},
            )
        if minutes.text == text:
            return minutes
        before = audit.snapshot(minutes, MINUTES_FIELDS)
        minutes.text = text
        minutes.version += 1
        minutes.updated_at = now
        minutes.save()
        audit.record(
            actor=acting_user,
            action="committees.minutes.edit",
            obj=minutes,
            before=before,
            after=audit.snapshot(minutes, MINUTES_FIELDS),
        )
    return minutes


def approve_minutes(*, acting_user: AnyUser, meeting_id: int | str) -> Minutes:
    """The chair approves the drafted minutes (``6a``); they can no longer change."""
    with transaction.atomic():
        meeting, minutes = _minutes_for_change(acting_user, meeting_id)
        chair = _require_chair(acting_user, meeting.committee)
        if minutes is None or not minutes.text.strip():
            raise InvalidInput([{"field": "text", "message": "there are no minutes to approve"}])
        if minutes.status != MinutesStatus.DRAFT:
            raise Conflict("the minutes are approved already")
        before = audit.snapshot(minutes, MINUTES_FIELDS)
        minutes.status = MinutesStatus.APPROVED
        minutes.approved_by = chair
        minutes.approved_at = timezone.now()
        minutes.save()
        audit.record(
            actor=acting_user,
            action="committees.minutes.approve",
            obj=minutes,
            before=before,
            after=audit.snapshot(minutes, MINUTES_FIELDS),
        )
    return minutes


def forward_minutes(*, acting_user: AnyUser, meeting_id: int | str) -> Minutes:
    """The chair forwards the approved minutes to the IDC, Washington (``6a``), which sees them
    at once in its "Minutes received"."""
    with transaction.atomic():
        meeting, minutes = _minutes_for_change(acting_user, meeting_id)
        chair = _require_chair(acting_user, meeting.committee)
        if minutes is None or minutes.status == MinutesStatus.DRAFT:
            raise PolicyRefusal(
                "the minutes must be approved by the chair before they are forwarded",
                clauses=("6a",),
            )
        if minutes.status == MinutesStatus.FORWARDED:
            raise Conflict("the minutes were forwarded already")
        before = audit.snapshot(minutes, MINUTES_FIELDS)
        minutes.status = MinutesStatus.FORWARDED
        minutes.forwarded_by = chair
        minutes.forwarded_at = timezone.now()
        minutes.save()
        audit.record(
            actor=acting_user,
            action="committees.minutes.forward",
            obj=minutes,
            before=before,
            after=audit.snapshot(minutes, MINUTES_FIELDS),
        )
        _after_commit(
            signals.minutes_forwarded,
            sender=Minutes,
            committee=meeting.committee,
            minutes=minutes,
            actor=acting_user,
        )
    return minutes


def acknowledge_minutes_receipt(*, acting_user: AnyUser, meeting_id: int | str) -> Minutes:
    """An IDC member acknowledges receipt of forwarded minutes (``6a``): who and when."""
    with transaction.atomic():
        meeting = _visible(
            acting_user, Meeting.objects.select_related("committee__post"), meeting_id, "meeting"
        )
        pk = Minutes.objects.filter(meeting=meeting).values_list("pk", flat=True).first()
        minutes = _visible(acting_user, Minutes.objects.all(), pk, "minutes", lock=True)
        if not queries.is_idc(acting_user):
            raise PermissionDenied(
                "only the Interagency Defector Committee acknowledges receipt", clauses=("6a",)
            )
        if minutes.status != MinutesStatus.FORWARDED:
            raise Conflict("the minutes have not been forwarded")
        if minutes.receipt_acknowledged_at is not None:
            raise Conflict(
                f"receipt was acknowledged already by {minutes.receipt_acknowledged_by} on "
                f"{minutes.receipt_acknowledged_at:%d %B %Y}"
            )
        before = audit.snapshot(minutes, MINUTES_FIELDS)
        minutes.receipt_acknowledged_by = _acting_official(acting_user)
        minutes.receipt_acknowledged_at = timezone.now()
        minutes.save()
        audit.record(
            actor=acting_user,
            action="committees.minutes.acknowledge_receipt",
            obj=minutes,
            before=before,
            after=audit.snapshot(minutes, MINUTES_FIELDS),
        )
    return minutes


# --- local operating procedures (6b) ---------------------------------------------------------


def _clean_sections(errors: Errors, sections: object) -> dict[str, str]:
    if sections is None:
        return {}
    if not isinstance(sections, Mapping):
        _error(errors, "sections", "must map each section's clause key to its text")
        return {}
    cleaned: dict[str, str] = {}
    for key, value in sections.items():
        if key not in gate.REQUIRED_SECTIONS:
            _error(
                errors,
                f"sections.{key}",
                f"is not a section; the sections are {', '.join(gate.REQUIRED_SECTIONS)}",
            )
            continue
        text = _text(errors, f"sections.{key}", value, limit=SECTION_MAX, required=False)
        if text:
            cleaned[str(key)] = text
    return cleaned


def _clean_clocks(errors: Errors, clocks: object, base: Mapping[str, int]) -> dict[str, int]:
    """The clocks given over ``base``; each bad one named."""
    values: dict[str, object] = dict(base)
    if clocks is not None:
        if not isinstance(clocks, Mapping):
            _error(errors, "clocks", "must map each clock to a number")
            return dict(base)
        for key, value in clocks.items():
            if key not in gate.DEFAULT_CLOCKS:
                _error(errors, f"clocks.{key}", "is not one of the post's clocks")
            elif value is not None:
                values[key] = value
    problems = dict(gate.clock_problems(values))
    for name, message in problems.items():
        _error(errors, name, message)
    cleaned: dict[str, int] = {}
    for name in gate.DEFAULT_CLOCKS:
        value = values[name]
        if name not in problems and isinstance(value, int):
            cleaned[name] = value
    return cleaned


def create_procedures_draft(
    *,
    acting_user: AnyUser,
    committee_id: int | str,
    sections: Mapping[str, str] | None = None,
    clocks: Mapping[str, object] | None = None,
    note: str = "",
) -> ProceduresVersion:
    """Start a new version of the local operating procedures (``6b``): the chair. Sections and
    clocks not given are copied from the version in effect (the defaults for a first one). One
    draft at a time."""
    with transaction.atomic():
        committee = _visible(
            acting_user,
            Committee.objects.select_related("post"),
            committee_id,
            "committee",
            lock=True,
        )
        official = _require_chair(acting_user, committee, "6b")
        effective = queries.effective_procedures(committee)
        base_sections = dict(effective.sections) if effective is not None else {}
        base_clocks = effective.clocks() if effective is not None else dict(gate.DEFAULT_CLOCKS)
        errors: Errors = []
        given = _clean_sections(errors, sections)
        values = _clean_clocks(errors, clocks, base_clocks)
        note = _text(errors, "note", note, limit=500, required=False)
        if errors:
            raise InvalidInput(errors)
        if committee.procedures.filter(status=ProceduresStatus.DRAFT).exists():
            raise Conflict("a draft of the procedures is open already: change it, or approve it")
        last = committee.procedures.order_by("-number").first()
        now = timezone.now()
        version = ProceduresVersion.objects.create(
            committee=committee,
            number=(last.number + 1) if last is not None else 1,
            sections={**base_sections, **given} if sections is not None else base_sections,
            note=note,
            created_by=official,
            created_at=now,
            updated_at=now,
            **values,
        )
        after = audit.snapshot(version, PROCEDURES_FIELDS)
        after["sections"] = sorted(version.sections)
        audit.record(
            actor=acting_user, action="committees.procedures.draft", obj=version, after=after
        )
    return version


def _version_for_change(acting_user: Actor, version_id: object) -> ProceduresVersion:
    return _visible(
        acting_user,
        ProceduresVersion.objects.select_related("committee__post"),
        version_id,
        "version of the procedures",
        lock=True,
    )


def update_procedures_draft(
    *,
    acting_user: AnyUser,
    version_id: int | str,
    sections: Mapping[str, str] | None = None,
    clocks: Mapping[str, object] | None = None,
    note: str | None = None,
) -> ProceduresVersion:
    """Change a draft (the chair): sections given replace those stored (an empty text removes
    one); any change withdraws the approvals recorded so far."""
    with transaction.atomic():
        version = _version_for_change(acting_user, version_id)
        _require_chair(acting_user, version.committee, "6b")
        if version.status != ProceduresStatus.DRAFT:
            raise Conflict(f"version {version.number} is {version.status}: start a new draft")
        errors: Errors = []
        given = _clean_sections(errors, sections)
        values = _clean_clocks(errors, clocks, version.clocks())
        new_note = (
            _text(errors, "note", note, limit=500, required=False)
            if note is not None
            else version.note
        )
        if errors:
            raise InvalidInput(errors)
        new_sections = dict(version.sections)
        if sections is not None:
            for key in sections:
                if key in given:
                    new_sections[key] = given[key]
                else:
                    new_sections.pop(key, None)
        if (
            new_sections == version.sections
            and values == version.clocks()
            and new_note == version.note
        ):
            return version
        before = audit.snapshot(version, PROCEDURES_FIELDS)
        before["sections"] = {k: len(v) for k, v in version.sections.items()}
        version.sections = new_sections
        version.note = new_note
        for name, value in values.items():
            setattr(version, name, value)
        version.chair_approved_by = version.senior_approved_by = None
        version.chair_approved_at = version.senior_approved_at = None
        version.updated_at = timezone.now()
        version.save()
        after = audit.snapshot(version, PROCEDURES_FIELDS)
        after["sections"] = {k: len(v) for k, v in new_sections.items()}
        audit.record(
            actor=acting_user,
            action="committees.procedures.edit",
            obj=version,
            before=before,
            after=after,
        )
    return version


def approve_procedures(*, acting_user: AnyUser, version_id: int | str) -> ProceduresVersion:
    """Record the chair's or the senior US representative's approval of a draft (``6b``).

    Refused, naming each missing section's clause, while a required section is missing or
    empty. With both approvals the version becomes effective at once and the one in effect
    before it is superseded; members are then asked to acknowledge it (``6e``).
    """
    with transaction.atomic():
        version = _version_for_change(acting_user, version_id)
        committee = version.committee
        seat = queries.seat_at(acting_user, committee)
        if not (seat.chair or seat.senior):
            raise PermissionDenied(
                "only the committee's chair and the senior US representative approve the "
                "procedures",
                clauses=("6b",),
            )
        if version.status != ProceduresStatus.DRAFT:
            raise Conflict(f"version {version.number} is {version.status} already")
        check = gate.missing_sections(version.sections)
        if not check.decision.allowed:
            raise PolicyRefusal(
                "the procedures cannot take effect: " + check.decision.reason,
                clauses=check.missing,
            )
        official = _acting_official(acting_user)
        now = timezone.now()
        before = audit.snapshot(version, PROCEDURES_FIELDS)
        recorded: list[str] = []
        if seat.chair and version.chair_approved_at is None:
            version.chair_approved_by, version.chair_approved_at = official, now
            recorded.append("chair")
        if seat.senior and version.senior_approved_at is None:
            version.senior_approved_by, version.senior_approved_at = official, now
            recorded.append("senior representative")
        if not recorded:
            raise Conflict("you have approved this version already")
        decision = gate.may_become_effective(
            version.sections,
            version.chair_approved_at is not None,
            version.senior_approved_at is not None,
        )
        previous: ProceduresVersion | None = None
        if decision.allowed:
            previous = (
                ProceduresVersion.objects.select_for_update()
                .filter(committee=committee, status=ProceduresStatus.EFFECTIVE)
                .first()
            )
            if previous is not None:
                previous_before = audit.snapshot(previous, PROCEDURES_FIELDS)
                previous.status = ProceduresStatus.SUPERSEDED
                previous.superseded_at = now
                previous.save()
                audit.record(
                    actor=acting_user,
                    action="committees.procedures.supersede",
                    obj=previous,
                    before=previous_before,
                    after=audit.snapshot(previous, PROCEDURES_FIELDS),
                )
            version.status = ProceduresStatus.EFFECTIVE
            version.effective_at = now
        version.updated_at = now
        version.save()
        audit.record(
            actor=acting_user,
            action="committees.procedures.approve",
            obj=version,
            before=before,
            after=audit.snapshot(version, PROCEDURES_FIELDS),
            decision=decision,
            reason="approved as " + " and ".join(recorded),
        )
        if decision.allowed:
            _after_commit(
                signals.procedures_effective,
                sender=ProceduresVersion,
                committee=committee,
                version=version,
                actor=acting_user,
            )
    return version


# --- acknowledgements (6e) -------------------------------------------------------------------


def acknowledge(
    *,
    acting_user: AnyUser,
    procedures_version_id: int | str | None = None,
    guidance_version_id: int | str | None = None,
) -> Acknowledgement:
    """A member acknowledges the procedures in effect or a version of guidance (``6e``)."""
    if (procedures_version_id is None) == (guidance_version_id is None):
        raise InvalidInput(
            [{"field": "document", "message": "acknowledge one version: procedures or guidance"}]
        )
    with transaction.atomic():
        procedures: ProceduresVersion | None = None
        guidance: GuidanceVersion | None = None
        if procedures_version_id is not None:
            procedures = _visible(
                acting_user,
                ProceduresVersion.objects.select_related("committee__post"),
                procedures_version_id,
                "version of the procedures",
            )
            committee = procedures.committee
            if procedures.status != ProceduresStatus.EFFECTIVE:
                raise Conflict("only the procedures in effect are acknowledged")
        else:
            guidance = _visible(
                acting_user,
                GuidanceVersion.objects.select_related("document__committee__post"),
                guidance_version_id,
                "guidance",
            )
            committee = guidance.document.committee
        official = _require_member(acting_user, committee, "6e")
        found = Acknowledgement.objects.filter(
            official=official, procedures_version=procedures, guidance_version=guidance
        ).first()
        if found is not None:
            raise Conflict(f"you acknowledged this on {found.acknowledged_at:%d %B %Y}")
        acknowledgement = Acknowledgement.objects.create(
            committee=committee,
            kind=AcknowledgedKind.PROCEDURES if procedures else AcknowledgedKind.GUIDANCE,
            procedures_version=procedures,
            guidance_version=guidance,
            official=official,
        )
        audit.record(
            actor=acting_user,
            action="committees.acknowledgement.create",
            obj=acknowledgement,
            after=audit.snapshot(acknowledgement),
        )
    return acknowledgement


# --- the briefing register (7b) --------------------------------------------------------------


def add_to_briefing_register(
    *,
    acting_user: AnyUser,
    committee_id: int | str,
    position: str,
    official_id: int | str | None = None,
    name: str = "",
    position_detail: str = "",
) -> BriefedOfficial:
    """List an official not on the committee who is likely to be in contact with disaffected
    persons (``7b``): the senior US representative. Give the official, or their name."""
    with transaction.atomic():
        committee = _visible(
            acting_user, Committee.objects.select_related("post"), committee_id, "committee"
        )
        senior = _require_senior(acting_user, committee, "7b")
        errors: Errors = []
        official: Official | None = None
        if official_id not in (None, ""):
            number = _as_id(official_id)
            official = Official.objects.filter(pk=number).first() if number is not None else None
            if official is None:
                _error(errors, "official_id", "there is no such official")
            elif official.roles.filter(post_id=committee.post_id, role__in=MEMBER_ROLES).exists():
                _error(
                    errors,
                    "official_id",
                    "is on the committee; the register is for officials who are not (7b)",
                )
            elif BriefedOfficial.objects.filter(committee=committee, official=official).exists():
                _error(errors, "official_id", "is in the register already")
        name = _text(errors, "name", name, limit=200, required=official_id in (None, ""))
        if position not in BriefingPosition.values:
            _error(errors, "position", "choose the official's position")
        position_detail = _text(
            errors, "position_detail", position_detail, limit=200, required=False
        )
        if errors:
            raise InvalidInput(errors)
        person = BriefedOfficial.objects.create(
            committee=committee,
            official=official,
            name=name if official is None else "",
            position=position,
            position_detail=position_detail,
            listed_by=senior,
            listed_on=timezone.localdate(),
        )
        audit.record(
            actor=acting_user,
            action="committees.briefing_register.add",
            obj=person,
            after=audit.snapshot(person),
        )
    return person


def set_register_entry_active(
    *, acting_user: AnyUser, person_id: int | str, active: bool
) -> BriefedOfficial:
    """Take an official off the register when they leave (or put them back): the senior US
    representative. The record and its briefings stay."""
    with transaction.atomic():
        person = _visible(
            acting_user,
            BriefedOfficial.objects.select_related("committee__post"),
            person_id,
            "entry of the briefing register",
            lock=True,
        )
        _require_senior(acting_user, person.committee, "7b")
        if person.active == active:
            return person
        before = audit.snapshot(person, ["active"])
        person.active = active
        person.save()
        audit.record(
            actor=acting_user,
            action="committees.briefing_register.active",
            obj=person,
            before=before,
            after=audit.snapshot(person, ["active"]),
        )
    return person


def record_briefing(
    *,
    acting_user: AnyUser,
    person_id: int | str,
    briefed_on: dt.date | None,
    briefed_by_id: int | str | None,
    topics: str,
    today: dt.date | None = None,
) -> Briefing:
    """Record a briefing of a registered official on defector matters (``7b``): when, by whom,
    on what. The next falls due after the re-briefing interval
    (``DEFECTOR_REBRIEFING_DAYS``, 365 by default)."""
    with transaction.atomic():
        person = _visible(
            acting_user,
            BriefedOfficial.objects.select_related("committee__post"),
            person_id,
            "entry of the briefing register",
        )
        senior = _require_senior(acting_user, person.committee, "7b")
        errors: Errors = []
        day = today or timezone.localdate()
        if not isinstance(briefed_on, dt.date) or isinstance(briefed_on, dt.datetime):
            _error(errors, "briefed_on", "is required: the date of the briefing")
            briefed_on = None
        elif briefed_on > day:
            _error(errors, "briefed_on", "is in the future")
        number = _as_id(briefed_by_id)
        briefer = Official.objects.filter(pk=number).first() if number is not None else None
        if briefer is None:
            _error(errors, "briefed_by_id", "choose the official who gave the briefing")
        topics = _text(errors, "topics", topics, limit=TEXT_MAX)
        if errors or briefed_on is None or briefer is None:
            raise InvalidInput(errors)
        briefing = Briefing.objects.create(
            person=person,
            briefed_on=briefed_on,
            briefed_by=briefer,
            topics=topics,
            next_due_on=briefed_on + dt.timedelta(days=max(queries.rebriefing_days(), 1)),
            recorded_by=senior,
        )
        audit.record(
            actor=acting_user,
            action="committees.briefing.record",
            obj=briefing,
            after=audit.snapshot(briefing, ["person", "briefed_on", "briefed_by", "next_due_on"]),
        )
    return briefing


# --- policy guidance (7c) --------------------------------------------------------------------


def issue_guidance(
    *,
    acting_user: AnyUser,
    committee_id: int | str | None = None,
    document_id: int | str | None = None,
    title: str,
    body: str,
) -> GuidanceVersion:
    """Issue policy guidance to the committee (``7c``): the senior US representative. With
    ``document_id``, a new version of that guidance; otherwise a new document. Members are
    then asked to acknowledge it (``6e``)."""
    with transaction.atomic():
        document: GuidanceDocument | None = None
        if document_id not in (None, ""):
            document = _visible(
                acting_user,
                GuidanceDocument.objects.select_related("committee__post"),
                document_id,
                "guidance",
                lock=True,
            )
            committee = document.committee
        else:
            committee = _visible(
                acting_user, Committee.objects.select_related("post"), committee_id, "committee"
            )
        senior = _require_senior(acting_user, committee, "7c")
        errors: Errors = []
        title = _text(errors, "title", title, limit=200)
        body = _text(errors, "body", body, limit=TEXT_MAX)
        if errors:
            raise InvalidInput(errors)
        if document is None:
            document = GuidanceDocument.objects.create(committee=committee, created_by=senior)
            number = 1
        else:
            last = document.versions.order_by("-number").first()
            number = (last.number + 1) if last is not None else 1
        version = GuidanceVersion.objects.create(
            document=document, number=number, title=title, body=body, issued_by=senior
        )
        audit.record(
            actor=acting_user,
            action="committees.guidance.issue",
            obj=version,
            after=audit.snapshot(version, ["document", "number", "title", "issued_by"]),
        )
        _after_commit(
            signals.guidance_issued,
            sender=GuidanceVersion,
            committee=committee,
            version=version,
            actor=acting_user,
        )
    return version
