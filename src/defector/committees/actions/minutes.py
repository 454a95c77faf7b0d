"""Minutes (``6a``): written, approved by the chair, forwarded to the IDC, received there."""

from __future__ import annotations

from typing import Final

from django.db import transaction
from django.utils import timezone

from defector.committees import queries, signals
from defector.committees.actions.committees import (
    TEXT_MAX,
    Errors,
    _after_commit,
    _require_chair,
    _require_member,
    _text,
    _visible,
)
from defector.committees.actions.meetings import _meeting_for_change, _refuse_names
from defector.committees.choices import MeetingStatus, MinutesStatus
from defector.committees.models import Meeting, Minutes
from defector.core import audit
from defector.core.errors import Conflict, InvalidInput, PermissionDenied, PolicyRefusal
from defector.core.users import AnyUser
from defector.directory.queries import acting_official

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


def _minutes_for_change(
    acting_user: AnyUser | None, meeting_id: object
) -> tuple[Meeting, Minutes | None]:
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
        _refuse_names(errors, meeting, user=acting_user, text=text)
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
        minutes.receipt_acknowledged_by = acting_official(acting_user)
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
