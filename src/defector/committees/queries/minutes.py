"""Minutes (``6a``): the forwarding clock, and the minutes the IDC has received."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Final

from django.conf import settings
from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils import timezone

from defector.committees.choices import MeetingStatus, MinutesStatus
from defector.committees.models import Committee, Meeting, Minutes
from defector.committees.queries.procedures import effective_procedures
from defector.core.access import Action, principal_for, restrict
from defector.core.users import AnyUser
from defector.directory.choices import Role
from defector.policy.gates import committees as gate

#: The setting naming the minutes-forwarding clock when a post has no effective procedures.
MINUTES_DAYS_SETTING: Final = "DEFECTOR_MINUTES_FORWARDING_DAYS"


def minutes_forwarding_days_default() -> int:
    return int(
        getattr(settings, MINUTES_DAYS_SETTING, gate.DEFAULT_CLOCKS["minutes_forwarding_days"])
    )


def minutes_days_for(committee: Committee) -> int:
    """The minutes-forwarding clock (``6a``): the effective procedures', else the setting."""
    version = effective_procedures(committee)
    if version is not None:
        return version.minutes_forwarding_days
    return minutes_forwarding_days_default()


def minutes_checks(
    committee: Committee, now: dt.datetime
) -> list[tuple[Meeting, gate.MinutesCheck]]:
    """Each held meeting with its minutes-forwarding check (``6a``)."""
    days = minutes_days_for(committee)
    meetings = committee.meetings.filter(status=MeetingStatus.HELD).select_related("minutes")
    out = []
    for meeting in meetings:
        minutes = getattr(meeting, "minutes", None)
        forwarded = minutes.forwarded_at if minutes is not None else None
        out.append((meeting, gate.minutes_overdue(meeting.ends_at, forwarded, days, now)))
    return out


def minutes_received(user: AnyUser) -> QuerySet[Minutes]:
    """Forwarded minutes from every committee (the IDC's "Minutes received"), newest first."""
    return (
        restrict(user, Action.VIEW, Minutes.objects.filter(status=MinutesStatus.FORWARDED))
        .select_related(
            "meeting__committee__post", "forwarded_by__user", "receipt_acknowledged_by__user"
        )
        .order_by("receipt_acknowledged_at", "-forwarded_at")
    )


def unacknowledged_minutes_count(user: AnyUser) -> int:
    """How many forwarded minutes await the IDC's acknowledgement of receipt."""
    return minutes_received(user).filter(receipt_acknowledged_at__isnull=True).count()


@dataclass(frozen=True, slots=True)
class MinutesWork:
    """Minutes that wait for the user (``6a``): what to do, and the meeting page where it is
    done."""

    title: str
    clause: str
    since: dt.datetime | None
    link: str


def _meeting_words(minutes: Minutes) -> str:
    meeting = minutes.meeting
    day = timezone.localtime(meeting.starts_at, dt.UTC)
    return f"Minutes of the {meeting.committee.post.code} meeting of {day:%-d %b %Y}"


def minutes_to_approve(user: AnyUser) -> list[MinutesWork]:
    """For a committee chair: the minutes of their committees' meetings to approve (drafted)
    or, once approved, to forward to the IDC (``6a``), oldest meeting first. One query."""
    chaired = principal_for(user).posts_with(Role.COMMITTEE_CHAIR)
    if not chaired:
        return []
    rows = (
        restrict(
            user,
            Action.VIEW,
            Minutes.objects.filter(
                meeting__committee__post_id__in=chaired,
                status__in=(MinutesStatus.DRAFT, MinutesStatus.APPROVED),
            ),
        )
        .exclude(text="")
        .select_related("meeting__committee__post")
        .order_by("meeting__starts_at", "pk")
    )
    return [
        MinutesWork(
            title=f"{_meeting_words(row)}: "
            + ("approve them" if row.status == MinutesStatus.DRAFT else "forward them to the IDC"),
            clause="6a",
            since=row.updated_at,
            link=reverse("committees:meeting", args=[row.meeting_id]),
        )
        for row in rows
    ]


def minutes_to_acknowledge(user: AnyUser) -> list[MinutesWork]:
    """For the IDC: forwarded minutes whose receipt is not yet acknowledged (``6a``), oldest
    first, each linked to "Minutes received" where it is acknowledged. One query."""
    rows = (
        minutes_received(user)
        .filter(receipt_acknowledged_at__isnull=True)
        .order_by("forwarded_at", "pk")
    )
    link = reverse("committees:minutes-received")
    return [
        MinutesWork(
            title=f"{_meeting_words(row)}: acknowledge receipt",
            clause="6a",
            since=row.forwarded_at,
            link=link,
        )
        for row in rows
    ]


def meetings_to_run(user: AnyUser, *, now: dt.datetime | None = None) -> list[MinutesWork]:
    """For a committee chair: the meetings of their committees to hold now (scheduled, and
    started by ``now``) and the held meetings whose minutes are not written yet (``6a``),
    oldest first, each linked to the meeting's page where it is done. One query.

    A meeting whose time has not come is no work yet: it cannot be recorded as held before it
    starts (``mark_meeting_held``), and the committee's page lists it under "Upcoming"."""
    chaired = principal_for(user).posts_with(Role.COMMITTEE_CHAIR)
    if not chaired:
        return []
    now = now or timezone.now()
    unwritten = Q(minutes__isnull=True) | Q(minutes__text="")
    rows = (
        restrict(
            user,
            Action.VIEW,
            Meeting.objects.filter(committee__post_id__in=chaired).filter(
                Q(status=MeetingStatus.SCHEDULED, starts_at__lte=now)
                | (Q(status=MeetingStatus.HELD) & unwritten)
            ),
        )
        .select_related("committee__post")
        .order_by("starts_at", "pk")
    )
    work = []
    for row in rows:
        starts = timezone.localtime(row.starts_at, dt.UTC)
        if row.status == MeetingStatus.SCHEDULED:
            title = (
                f"Meeting of the {row.committee.post.code} committee on "
                f"{starts:%-d %b %Y %H:%M} UTC: hold it and record the attendance"
            )
        else:
            title = (
                f"Minutes of the {row.committee.post.code} meeting of {starts:%-d %b %Y}: "
                "write them"
            )
        work.append(
            MinutesWork(
                title=title,
                clause="6a",
                since=row.starts_at,
                link=reverse("committees:meeting", args=[row.pk]),
            )
        )
    return work
