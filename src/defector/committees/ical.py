"""iCalendar (RFC 5545) for a committee's meetings, written by hand: a feed a calendar client
subscribes to, and one file per meeting.

What it writes: ``VCALENDAR`` (``VERSION:2.0``, ``PRODID``, ``CALSCALE:GREGORIAN``,
``METHOD:PUBLISH``) holding one ``VEVENT`` per meeting with ``UID`` (stable: the meeting's),
``DTSTAMP`` (when the file was made), ``DTSTART``/``DTEND`` in UTC, ``SUMMARY`` naming the
committee's post (never a person; no case at all), ``LOCATION``, ``STATUS`` (``CONFIRMED``,
or ``CANCELLED``), ``SEQUENCE`` (raised by every change) and ``LAST-MODIFIED``; with a base
URL, the meeting page's ``URL``.

Text values are escaped (``\\``, ``;``, ``,`` and line breaks, RFC 5545 §3.3.11), lines end
with CRLF, and lines longer than 75 octets are folded (§3.1) without splitting a UTF-8
character.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Final

from defector.committees.choices import MeetingStatus
from defector.committees.models import Committee, Meeting

PRODID: Final = "-//Defector Program case system//Committees//EN"
CONTENT_TYPE: Final = "text/calendar; charset=utf-8"
MAX_OCTETS: Final = 75
UID_DOMAIN: Final = "committees.defector-program.invalid"


def escape_text(value: str) -> str:
    """A TEXT value escaped per RFC 5545 §3.3.11."""
    return (
        value.replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\\n")
        .replace("\r", "\\n")
        .replace("\n", "\\n")
    )


def fold(line: str) -> str:
    """One content line folded at 75 octets (continuations start with a space), CRLF-ended."""
    encoded = line.encode("utf-8")
    if len(encoded) <= MAX_OCTETS:
        return line + "\r\n"
    parts: list[str] = []
    current = ""
    size = 0
    limit = MAX_OCTETS
    for char in line:
        width = len(char.encode("utf-8"))
        if size + width > limit:
            parts.append(current)
            current, size = "", 0
            limit = MAX_OCTETS - 1  # the leading space of a continuation counts
        current += char
        size += width
    parts.append(current)
    return "\r\n ".join(parts) + "\r\n"


def utc(moment: dt.datetime) -> str:
    """A date-time in UTC, RFC 5545 form 2 (``19970714T173000Z``)."""
    return moment.astimezone(dt.UTC).strftime("%Y%m%dT%H%M%SZ")


def summary(meeting: Meeting) -> str:
    return f"Defector Committee meeting, {meeting.committee.post.name}"


def event_lines(meeting: Meeting, stamp: dt.datetime, base_url: str = "") -> list[str]:
    status = "CANCELLED" if meeting.status == MeetingStatus.CANCELLED else "CONFIRMED"
    lines = [
        "BEGIN:VEVENT",
        f"UID:{meeting.uid}@{UID_DOMAIN}",
        f"DTSTAMP:{utc(stamp)}",
        f"DTSTART:{utc(meeting.starts_at)}",
        f"DTEND:{utc(meeting.ends_at)}",
        f"SUMMARY:{escape_text(summary(meeting))}",
        f"LOCATION:{escape_text(meeting.place)}",
        f"STATUS:{status}",
        f"SEQUENCE:{meeting.sequence}",
        f"LAST-MODIFIED:{utc(meeting.updated_at)}",
        f"CREATED:{utc(meeting.created_at)}",
    ]
    if base_url:
        lines.append(f"URL:{base_url.rstrip('/')}/committees/meetings/{meeting.pk}/")
    lines.append("END:VEVENT")
    return lines


def calendar(
    meetings: Iterable[Meeting],
    *,
    stamp: dt.datetime,
    name: str,
    base_url: str = "",
) -> str:
    """A whole iCalendar object with one event per meeting."""
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:{PRODID}",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        f"X-WR-CALNAME:{escape_text(name)}",
        "X-WR-TIMEZONE:UTC",
    ]
    for meeting in meetings:
        lines += event_lines(meeting, stamp, base_url)
    lines.append("END:VCALENDAR")
    return "".join(fold(line) for line in lines)


def committee_calendar(
    committee: Committee, meetings: Iterable[Meeting], *, stamp: dt.datetime, base_url: str = ""
) -> str:
    return calendar(meetings, stamp=stamp, name=str(committee), base_url=base_url)


def meeting_filename(meeting: Meeting) -> str:
    return f"committee-{meeting.committee.post.code.lower()}-{meeting.starts_at:%Y%m%d}.ics"
