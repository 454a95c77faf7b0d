"""End to end in headless Chromium: a committee meeting from its agenda to minutes whose
receipt the Interagency Defector Committee acknowledges (``6a``), with axe-core on each page.

Each step starts where its official starts, on their home page ("My work"): the chair schedules
the meeting, comes back to write the minutes and to forward them; the IDC member finds the
minutes to acknowledge there, and they are gone from the list once acknowledged."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# The password of every user that ``make_user`` (tests/conftest.py) creates.
PASSWORD = "correct-horse-battery-staple-1976"


def sign_in(page: Any, username: str) -> None:
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def work_section(page: Any, key: str) -> Any:
    """A section of "My work", after going home by the site's name in the header."""
    page.get_by_role("banner").get_by_role("link", name=re.compile("^Defector Program")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("My work")
    return page.locator(f"[data-work-section={key}]")


def sign_out(page: Any) -> None:
    page.get_by_role("button", name="Sign out").click()
    expect(page).to_have_url(re.compile(r"/sign-in/$"))


@pytest.fixture
def vienna(make_user: Callable[..., Any], settings: Any) -> dict[str, Any]:
    """Embassy Vienna with its committee: a chair, a DOD member, a case officer with an open
    case, and an IDC member in Washington."""
    from defector.cases import actions as case_actions
    from defector.committees import actions
    from defector.core import sealing
    from defector.directory.models import Agency, Official, Post, RoleAssignment

    cia = Agency.objects.create(code="CIA", name="Central Intelligence Agency")
    dod = Agency.objects.create(code="DOD", name="Department of Defense")
    post = Post.objects.create(code="VIENNA", name="Embassy Vienna", country="AT", city="Vienna")
    people: dict[str, Any] = {}
    for username, first, last, agency, role, at_post in (
        ("martin.hale", "Martin", "Hale", cia, "committee_chair", True),
        ("paul.lindqvist", "Paul", "Lindqvist", dod, "committee_member", True),
        ("dana.reyes", "Dana", "Reyes", cia, "case_officer", True),
        ("owen.park", "Owen", "Park", cia, "idc_member", False),
    ):
        user = make_user(username, first_name=first, last_name=last)
        official = Official.objects.create(
            user=user, agency=agency, post=post if at_post else None, clearance="SECRET"
        )
        RoleAssignment.objects.create(official=official, role=role, post=post if at_post else None)
        people[username] = official
    committee, _ = actions.ensure_committee(post)
    keys = sealing.Keyring(primary="e2e", keys={"e2e": b"\x01" * 32}).to_json()
    settings.DEFECTOR_SEALING_KEYS = keys
    import os

    previous = os.environ.get(sealing.KEYS_ENV)
    os.environ[sealing.KEYS_ENV] = keys
    sealing.reset_keyring()
    try:
        case = case_actions.open_case(
            acting_user=people["dana.reyes"].user, post_id=post.pk, sensitivity="SECRET"
        )
    finally:
        if previous is None:
            os.environ.pop(sealing.KEYS_ENV, None)
        else:
            os.environ[sealing.KEYS_ENV] = previous
        sealing.reset_keyring()
    return {"committee": committee, "case": case, **people}


def test_a_meeting_from_its_agenda_to_minutes_acknowledged_by_the_idc(
    page: Any,
    vienna: dict[str, Any],
    problems: Any,
    assert_accessible: Callable[[Any], None],
    screenshot: Callable[[Any, str], None],
) -> None:
    committee = vienna["committee"]
    cryptonym = vienna["case"].cryptonym
    page.goto("/")
    sign_in(page, "martin.hale")
    expect(page.get_by_role("heading", level=1)).to_have_text("My work")
    work = page.locator("[data-work-section=minutes]")
    expect(work).to_contain_text("Nothing waits for you.")
    assert_accessible(page)
    screenshot(page, "my-work-chair")

    work.get_by_role("link", name="Schedule a meeting").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Defector Committee, Embassy Vienna")
    expect(page.locator("[data-member='paul.lindqvist']")).to_contain_text("DOD")
    assert_accessible(page)

    # A mistake first: the meeting ends before it starts.
    start = timezone.now() - dt.timedelta(hours=3)
    page.get_by_label("Starts (UTC)").fill(start.strftime("%Y-%m-%dT%H:%M"))
    page.get_by_label("Ends (UTC)").fill((start - dt.timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"))
    page.get_by_label("Place").fill("Chancery, secure conference room")
    page.get_by_role("button", name="Schedule").click()
    summary = page.locator("#error-summary")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("Must be after the start.")
    assert_accessible(page)
    page.get_by_label("Ends (UTC)").fill((start + dt.timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M"))
    page.get_by_role("button", name="Schedule").click()
    expect(page.get_by_text("Meeting scheduled.")).to_be_visible()
    expect(page.locator("[data-field=status]")).to_have_text("Scheduled")

    # The agenda: the post's open case by cryptonym, and other business.
    page.get_by_role("button", name="Draw the agenda from open items").click()
    expect(page.get_by_text("1 item(s) added to the agenda.")).to_be_visible()
    expect(page.locator("[data-agenda]")).to_contain_text(f"Case {cryptonym}")
    page.locator("summary", has_text="Add other business").click()
    page.get_by_label("Item").fill("Walk-in drill at the consular entrance")
    page.get_by_role("button", name="Add to the agenda").click()
    expect(page.locator("[data-agenda]")).to_contain_text("Walk-in drill")
    assert_accessible(page)
    screenshot(page, "meeting-agenda")

    # Home again: the meeting waits to be held.
    meeting_line = work_section(page, "minutes").get_by_role("link", name=re.compile("hold it"))
    expect(meeting_line).to_contain_text("VIENNA")
    meeting_line.click()

    # Held; attendance; minutes drafted, approved, forwarded.
    page.get_by_role("button", name="Record as held").click()
    expect(page.locator("[data-field=status]")).to_have_text("Held")
    work_section(page, "minutes").get_by_role("link", name=re.compile("write them")).click()
    page.get_by_label(re.compile(r"^Paul Lindqvist")).select_option("present")
    page.get_by_label(re.compile(r"^Martin Hale")).select_option("present")
    page.get_by_role("button", name="Record the attendance").click()
    expect(page.get_by_text("Attendance recorded (2 change(s)).")).to_be_visible()
    page.get_by_label("Text of the minutes").fill(
        f"{cryptonym}: bona fides checks continue; traces requested.\nDrill held."
    )
    page.get_by_role("button", name="Save the draft").click()
    expect(page.locator("[data-minutes-status=draft]")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Approve the minutes").click()
    expect(page.locator("[data-minutes-status=approved]")).to_be_visible()
    work_section(page, "minutes").get_by_role(
        "link", name=re.compile("forward them to the IDC")
    ).click()
    page.get_by_role("button", name="Forward to the IDC").click()
    expect(
        page.get_by_text("Minutes forwarded to the Interagency Defector Committee.")
    ).to_be_visible()
    expect(page.locator("[data-minutes-status=forwarded]")).to_be_visible()
    assert_accessible(page)
    screenshot(page, "meeting-forwarded")
    expect(work_section(page, "minutes")).to_contain_text("Nothing waits for you.")
    sign_out(page)

    # Washington finds them on its home page, and acknowledges receipt.
    page.goto("/")
    sign_in(page, "owen.park")
    expect(page.get_by_role("heading", level=1)).to_have_text("My work")
    waiting = page.locator("[data-work-section=minutes]")
    assert_accessible(page)
    screenshot(page, "my-work-idc")
    waiting.get_by_role("link", name=re.compile("VIENNA.*acknowledge receipt")).click()
    expect(page).to_have_url(re.compile(r"/committees/minutes-received/$"))
    row = page.locator("[data-minutes=VIENNA]")
    expect(row).to_contain_text("Embassy Vienna")
    assert_accessible(page)
    screenshot(page, "minutes-received")
    row.get_by_role("button", name="Acknowledge receipt").click()
    expect(
        page.get_by_text("Receipt of the minutes from Embassy Vienna acknowledged.")
    ).to_be_visible()
    expect(page.locator("[data-minutes=VIENNA] [data-acknowledged]")).to_contain_text("Owen Park")
    assert_accessible(page)
    expect(work_section(page, "minutes")).to_contain_text("Nothing waits for you.")
    page.goto("/committees/minutes-received/")
    row = page.locator("[data-minutes=VIENNA]")
    row.get_by_role("link").click()
    expect(page.locator("[data-receipt]")).to_contain_text(
        "Receipt acknowledged by Owen Park (IDC)"
    )
    expect(page.locator("[data-minutes-text]")).to_contain_text(cryptonym)
    assert_accessible(page)

    assert committee.meetings.get().minutes.receipt_acknowledged_by == vienna["owen.park"]
    assert problems.items == []
