"""The hand-written iCalendar (RFC 5545) of a committee's meetings, checked by parsing it back
with the ``icalendar`` library: events, UIDs, times in UTC, SEQUENCE, cancellations; folding,
CRLF and escaping; who gets which events; session or API token."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import icalendar
import pytest
from django.contrib.auth.models import User
from django.test import Client

from defector.committees import actions, ical
from defector.committees.models import Committee
from defector.core import actions as core_actions

from .conftest import Schedule, at, official_of

pytestmark = pytest.mark.django_db
ClientFor = Callable[[User], Client]


def events(text: str) -> list[Any]:
    calendar = icalendar.Calendar.from_ical(text)
    return list(calendar.walk("VEVENT"))


def test_the_feed_parses_back_with_every_meeting(
    committee: Committee, schedule: Schedule, chair: User, client_for: ClientFor
) -> None:
    first = schedule(at(2026, 3, 5, 9))
    second = schedule(at(2026, 6, 4, 14, 30), hours=1, place="Residence; library, ground floor")
    actions.reschedule_meeting(acting_user=chair, meeting_id=second.pk, place="Residence; library")
    actions.cancel_meeting(acting_user=chair, meeting_id=first.pk)
    response = client_for(chair).get(f"/committees/{committee.pk}/calendar.ics")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    text = response.content.decode()
    calendar = icalendar.Calendar.from_ical(text)
    assert str(calendar["VERSION"]) == "2.0"
    assert str(calendar["PRODID"]) == ical.PRODID
    found = {str(event["UID"]): event for event in calendar.walk("VEVENT")}
    assert set(found) == {f"{m.uid}@{ical.UID_DOMAIN}" for m in (first, second)}
    cancelled = found[f"{first.uid}@{ical.UID_DOMAIN}"]
    moved = found[f"{second.uid}@{ical.UID_DOMAIN}"]
    assert str(cancelled["STATUS"]) == "CANCELLED"
    assert int(cancelled["SEQUENCE"]) == 1
    assert str(moved["STATUS"]) == "CONFIRMED"
    assert int(moved["SEQUENCE"]) == 1
    assert moved.decoded("DTSTART") == at(2026, 6, 4, 14, 30)
    assert moved.decoded("DTEND") == at(2026, 6, 4, 15, 30)
    assert moved.decoded("DTSTART").tzinfo is not None
    assert str(moved["LOCATION"]) == "Residence; library"
    assert str(moved["SUMMARY"]) == "Defector Committee meeting, Embassy Vienna"
    assert isinstance(moved.decoded("DTSTAMP"), dt.datetime)
    assert str(moved["URL"]).endswith(f"/committees/meetings/{second.pk}/")


def test_text_is_escaped_lines_end_with_crlf_and_long_lines_are_folded(
    committee: Committee, schedule: Schedule
) -> None:
    place = "Chancery, room 4; secure wing \\ annex — " + "ünïcödé " * 12
    meeting = schedule(at(2026, 3, 5), place=place[:200])
    text = ical.calendar([meeting], stamp=at(2026, 3, 1), name="Vienna, test; calendar")
    assert "\r\n" in text
    assert "\n" not in text.replace("\r\n", "")
    for line in text.split("\r\n"):
        assert len(line.encode("utf-8")) <= 75, line
    assert "LOCATION:Chancery\\, room 4\\; secure wing \\\\ annex" in text.replace("\r\n ", "")
    parsed = events(text)[0]
    assert str(parsed["LOCATION"]) == place[:200].strip()


@pytest.mark.parametrize(
    "line",
    [
        "SUMMARY:" + "x" * 200,
        "DESCRIPTION:" + "é" * 80,
        "LOCATION:" + "ab€" * 40,
        "X:" + "🙂" * 30,
    ],
    ids=["ascii", "two-byte characters", "three-byte characters", "four-byte characters"],
)
def test_folding_never_splits_a_character_and_unfolds_to_the_line(line: str) -> None:
    folded = ical.fold(line)
    assert folded.endswith("\r\n")
    parts = folded[:-2].split("\r\n")
    assert all(len(part.encode("utf-8")) <= 75 for part in parts)
    assert all(part.startswith(" ") for part in parts[1:])
    assert "".join([parts[0], *(part[1:] for part in parts[1:])]) == line


def test_a_meeting_downloads_as_its_own_file(
    schedule: Schedule, member: User, client_for: ClientFor
) -> None:
    meeting = schedule(at(2026, 3, 5))
    response = client_for(member).get(f"/committees/meetings/{meeting.pk}/meeting.ics")
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="committee-vienna-20260305.ics"'
    parsed = events(response.content.decode())
    assert [str(event["UID"]) for event in parsed] == [f"{meeting.uid}@{ical.UID_DOMAIN}"]


def test_an_invited_representative_gets_only_the_meetings_they_are_invited_to(
    committee: Committee, schedule: Schedule, chair: User, invited: User, client_for: ClientFor
) -> None:
    mine = schedule(at(2026, 3, 5))
    schedule(at(2026, 4, 5))
    actions.invite_to_meeting(
        acting_user=chair, meeting_id=mine.pk, official_id=official_of(invited).pk
    )
    text = client_for(invited).get(f"/committees/{committee.pk}/calendar.ics").content.decode()
    assert [str(event["UID"]) for event in events(text)] == [f"{mine.uid}@{ical.UID_DOMAIN}"]


def test_a_calendar_client_subscribes_with_an_api_token(
    committee: Committee, schedule: Schedule, member: User
) -> None:
    schedule(at(2026, 3, 5))
    _, token = core_actions.create_api_token(
        acting_user=member, user=member, name="calendar", days=30
    )
    client = Client()
    url = f"/committees/{committee.pk}/calendar.ics"
    anonymous = client.get(url)
    assert anonymous.status_code == 401
    assert anonymous["WWW-Authenticate"].startswith("Bearer")
    assert client.get(url, HTTP_AUTHORIZATION="Bearer dpa_wrong").status_code == 401
    response = client.get(url, HTTP_AUTHORIZATION=f"Bearer {token}")
    assert response.status_code == 200
    assert len(events(response.content.decode())) == 1
    api = client.get(
        f"/api/v1/committees/{committee.pk}/calendar", HTTP_AUTHORIZATION=f"Bearer {token}"
    )
    assert api.status_code == 200
    assert api["Content-Type"] == "text/calendar; charset=utf-8"
    assert len(events(api.content.decode())) == 1


def test_another_posts_member_gets_404_even_with_a_token(
    committee: Committee, bonn_member: User
) -> None:
    _, token = core_actions.create_api_token(
        acting_user=bonn_member, user=bonn_member, name="calendar", days=30
    )
    response = Client().get(
        f"/committees/{committee.pk}/calendar.ics", HTTP_AUTHORIZATION=f"Bearer {token}"
    )
    assert response.status_code == 404
