"""What's new since the last visit (``6e``): the page and the API."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.utils import timezone

from defector.core.errors import InvalidInput, NotFound
from defector.core.models import AuditEvent
from defector.notifications import actions, queries
from defector.notifications.choices import NoticeKind
from defector.notifications.models import LastVisit, Notice

pytestmark = pytest.mark.django_db

ClientFor = Callable[[User], Client]


def tell(world: Any, summary: str) -> None:
    actions.notify_post_members(world.vienna, NoticeKind.CASE, summary, "/cases/")


def shown(html: str, section: str) -> list[str]:
    """The notice ids listed in a section of the page (``data-new`` or ``data-earlier``)."""
    match = re.search(rf"<ul [^>]*{section}>(.*?)</ul>", html, re.S)
    return re.findall(r'data-notice="(\d+)"', match.group(1)) if match else []


def test_the_first_visit_shows_everything_and_marks_it_read(
    world: Any, chair: User, client_for: ClientFor
) -> None:
    tell(world, "Case AEFOX at VIENNA: opened.")
    tell(world, "Case AEBLUE at VIENNA: opened.")
    browser = client_for(chair)
    page = browser.get("/notifications/")
    html = page.content.decode()
    assert page.status_code == 200
    ids = [
        str(pk) for pk in Notice.objects.order_by("-created_at", "-pk").values_list("pk", flat=True)
    ]
    assert shown(html, "data-new") == ids
    assert "Case AEFOX at VIENNA: opened." in html
    assert html.count("<strong>Unread</strong>") == 2
    assert "data-last-visit" not in html
    assert not Notice.objects.filter(read_at__isnull=True).exists()
    marker = LastVisit.objects.get(official__user=chair)
    [event] = AuditEvent.objects.filter(action="notifications.visit.record")
    assert event.after is not None
    assert event.after["marked_read"] == 2
    assert marker.visited_at is not None


def test_the_next_visit_shows_only_what_came_since(
    world: Any, chair: User, client_for: ClientFor
) -> None:
    tell(world, "Case AEFOX at VIENNA: opened.")
    browser = client_for(chair)
    browser.get("/notifications/")
    again = browser.get("/notifications/").content.decode()
    assert shown(again, "data-new") == []
    assert "Nothing has changed since your last visit." in again
    assert len(shown(again, "data-earlier")) == 1
    assert "data-last-visit" in again

    tell(world, "Case AEBLUE at VIENNA: status determined.")
    later = browser.get("/notifications/").content.decode()
    [new] = shown(later, "data-new")
    assert Notice.objects.get(pk=new).summary == "Case AEBLUE at VIENNA: status determined."
    assert len(shown(later, "data-earlier")) == 1
    assert later.count("<strong>Unread</strong>") == 1


def test_each_official_sees_only_their_own_notices(
    world: Any, chair: User, bonn_member: User, client_for: ClientFor
) -> None:
    tell(world, "Case AEFOX at VIENNA: opened.")
    actions.notify_post_members(world.bonn, NoticeKind.CASE, "Case AERED at BONN: opened.")
    html = client_for(bonn_member).get("/notifications/").content.decode()
    assert "AERED" in html
    assert "AEFOX" not in html
    assert Notice.objects.filter(recipient__user=chair, read_at__isnull=True).count() == 1


@pytest.mark.parametrize("seat", ["administrator", "auditor"])
def test_those_who_hold_no_case_matters_have_no_page(
    seat: str, request: pytest.FixtureRequest, client_for: ClientFor
) -> None:
    assert client_for(request.getfixturevalue(seat)).get("/notifications/").status_code == 404


def test_the_navigation_links_whats_new_for_officials(chair: User, client_for: ClientFor) -> None:
    html = client_for(chair).get("/notifications/").content.decode()
    assert 'href="/notifications/"' in html
    assert "What&#x27;s new" in html or "What's new" in html


# --- the API -----------------------------------------------------------------------------------


def test_reading_whats_new_through_the_api_changes_nothing_until_the_visit(
    world: Any, chair: User, api: Callable[[User], Any]
) -> None:
    tell(world, "Case AEFOX at VIENNA: opened.")
    caller = api(chair)
    first = caller.get("/whats-new").json()
    assert first["last_visit"] is None
    assert [n["summary"] for n in first["new"]] == ["Case AEFOX at VIENNA: opened."]
    assert first["new"][0]["clause"] == "6e"
    assert first["unread"] == 1
    assert caller.get("/whats-new").json()["unread"] == 1
    visit = caller.post("/visit", {"seen_until": first["taken_at"]})
    assert visit.status_code == 200
    assert visit.json()["previous"] is None
    assert visit.json()["marked_read"] == 1
    after = caller.get("/whats-new").json()
    assert after["new"] == []
    assert after["last_visit"] is not None
    assert [n["new"] for n in after["earlier"]] == [False]


def test_the_notice_list_and_marking_one_read(
    world: Any, chair: User, senior: User, api: Callable[[User], Any]
) -> None:
    tell(world, "Case AEFOX at VIENNA: opened.")
    actions.notify_post_members(world.vienna, NoticeKind.PROBLEM, "Mutual problem 1: raised.")
    caller = api(chair)
    assert [n["kind"] for n in caller.get("/notices").json()["items"]] == ["problem", "case"]
    assert [n["kind"] for n in caller.get("/notices", kind="case").json()["items"]] == ["case"]
    assert caller.get("/notices", kind="gossip").status_code == 422
    notice_id = caller.get("/notices", kind="case").json()["items"][0]["id"]
    read = caller.post(f"/notices/{notice_id}/read")
    assert read.status_code == 200
    assert read.json()["read_at"] is not None
    assert [n["kind"] for n in caller.get("/notices", unread="true").json()["items"]] == ["problem"]
    # Someone else's notice is not found.
    assert api(senior).post(f"/notices/{notice_id}/read").status_code == 404


def test_record_visit_refuses_a_time_in_the_future_or_without_a_zone(chair: User) -> None:
    with pytest.raises(InvalidInput) as refused:
        actions.record_visit(acting_user=chair, seen_until=timezone.now() + dt.timedelta(hours=1))
    assert refused.value.errors == [{"field": "seen_until", "message": "is in the future"}]
    with pytest.raises(InvalidInput):
        actions.record_visit(acting_user=chair, seen_until=dt.datetime(2026, 1, 1))  # noqa: DTZ001


def test_a_user_who_is_no_official_has_no_visit(make_user: Any) -> None:
    with pytest.raises(NotFound):
        actions.record_visit(acting_user=make_user("plain.user"))


def test_the_marker_never_moves_back(chair: User, world: Any) -> None:
    later = actions.record_visit(acting_user=chair)
    earlier = actions.record_visit(
        acting_user=chair, seen_until=later.visited_at - dt.timedelta(hours=1)
    )
    assert earlier.visited_at == later.visited_at
    assert queries.last_visit(chair) == later.visited_at
