"""iCalendar (RFC 5545) for a committee's meetings, made with the ``icalendar`` library: a feed a
calendar client subscribes to, and one file per meeting.

What it holds: ``VCALENDAR`` (``VERSION:2.0``, ``PRODID``, ``CALSCALE:GREGORIAN``,
``METHOD:PUBLISH``) with one ``VEVENT`` per meeting: ``UID`` (stable: the meeting's),
``DTSTAMP`` (when the file was made), ``DTSTART``/``DTEND`` in UTC, ``SUMMARY`` naming the
committee's post (never a person; no case at all), ``LOCATION``, ``STATUS`` (``CONFIRMED``,
or ``CANCELLED``), ``SEQUENCE`` (raised by every change), ``LAST-MODIFIED`` and ``CREATED``;
with a base URL, the meeting page's ``URL``. The library escapes text, ends lines with CRLF
and folds them at 75 octets.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Final

import icalendar
from icalendar.parser import Contentline

from defector.committees.choices import MeetingStatus
from defector.committees.models import Committee, Meeting

PRODID: Final = "-//Defector Program case system//Committees//EN"
CONTENT_TYPE: Final = "text/calendar; charset=utf-8"
UID_DOMAIN: Final = "committees.defector-program.invalid"


def fold(line: str) -> str:
    """One content line folded at 75 octets (continuations start with a space), CRLF-ended."""
    folded: bytes = Contentline(line).to_ical()  # type: ignore[no-untyped-call]
    return folded.decode("utf-8") + "\r\n"


def _utc(moment: dt.datetime) -> dt.datetime:
    return moment.astimezone(dt.UTC)


def summary(meeting: Meeting) -> str:
    return f"Defector Committee meeting, {meeting.committee.post.name}"


def event(meeting: Meeting, stamp: dt.datetime, base_url: str = "") -> icalendar.Event:
    status = "CANCELLED" if meeting.status == MeetingStatus.CANCELLED else "CONFIRMED"
    found = icalendar.Event()
    found.add("uid", f"{meeting.uid}@{UID_DOMAIN}")
    found.add("dtstamp", _utc(stamp))
    found.add("dtstart", _utc(meeting.starts_at))
    found.add("dtend", _utc(meeting.ends_at))
    found.add("summary", summary(meeting))
    found.add("location", meeting.place)
    found.add("status", status)
    found.add("sequence", meeting.sequence)
    found.add("last-modified", _utc(meeting.updated_at))
    found.add("created", _utc(meeting.created_at))
    if base_url:
        found.add("url", f"{base_url.rstrip('/')}/committees/meetings/{meeting.pk}/")
    return found


def calendar(
    meetings: Iterable[Meeting],
    *,
    stamp: dt.datetime,
    name: str,
    base_url: str = "",
) -> str:
    """A whole iCalendar object with one event per meeting."""
    found = icalendar.Calendar()
    found.add("version", "2.0")
    found.add("prodid", PRODID)
    found.add("calscale", "GREGORIAN")
    found.add("method", "PUBLISH")
    found.add("x-wr-calname", icalendar.vText(name))
    found.add("x-wr-timezone", "UTC")
    for meeting in meetings:
        found.add_component(event(meeting, stamp, base_url))
    return str(found.to_ical(sorted=False), "utf-8")


def committee_calendar(
    committee: Committee, meetings: Iterable[Meeting], *, stamp: dt.datetime, base_url: str = ""
) -> str:
    return calendar(meetings, stamp=stamp, name=str(committee), base_url=base_url)


def meeting_filename(meeting: Meeting) -> str:
    return f"committee-{meeting.committee.post.code.lower()}-{meeting.starts_at:%Y%m%d}.ics"
