"""End to end in headless Chromium: the duty officer issues a FLASH from the red banner of a
case holding threat information (``6b(3)(a)``); the committee chair, signed in in another
browser, acknowledges it from the What's new page; and the officer's report page shows the
acknowledgement without being reloaded (htmx polls its deliveries). axe-core on each page,
and no console error (a Content-Security-Policy violation among them)."""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from typing import Any

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# The password of every user that ``make_user`` (tests/conftest.py) creates.
PASSWORD = "correct-horse-battery-staple-1976"
THREAT_FACTS = {
    "nationalities": ["SU"],
    "escaped_control": True,
    "unwilling_to_return": True,
    "requests": ["asylum"],
    "threat_information": True,
}


def sign_in(page: Any, username: str) -> None:
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()


@pytest.fixture
def vienna(make_user: Callable[..., Any], settings: Any) -> dict[str, Any]:
    """Embassy Vienna: a duty officer with a walk-in who holds threat information, the
    committee chair, the senior US representative, and an IDC member in Washington."""
    from defector.cases import actions as case_actions
    from defector.core import sealing
    from defector.directory.models import Agency, Official, Post, RoleAssignment

    cia = Agency.objects.create(code="CIA", name="Central Intelligence Agency")
    state = Agency.objects.create(code="STATE", name="Department of State")
    post = Post.objects.create(code="VIENNA", name="Embassy Vienna", country="AT", city="Vienna")
    people: dict[str, Any] = {}
    for username, first, last, agency, role, at_post in (
        ("dana.reyes", "Dana", "Reyes", cia, "case_officer", True),
        ("martin.hale", "Martin", "Hale", state, "committee_chair", True),
        ("anne.wells", "Anne", "Wells", state, "senior_representative", True),
        ("owen.park", "Owen", "Park", cia, "idc_member", False),
    ):
        user = make_user(username, first_name=first, last_name=last)
        official = Official.objects.create(
            user=user, agency=agency, post=post if at_post else None, clearance="SECRET"
        )
        RoleAssignment.objects.create(official=official, role=role, post=post if at_post else None)
        people[username] = official
    keys = sealing.Keyring(primary="e2e", keys={"e2e": b"\x02" * 32}).to_json()
    settings.DEFECTOR_SEALING_KEYS = keys
    previous = os.environ.get(sealing.KEYS_ENV)
    os.environ[sealing.KEYS_ENV] = keys
    sealing.reset_keyring()
    try:
        case = case_actions.open_case(
            acting_user=people["dana.reyes"].user,
            post_id=post.pk,
            sensitivity="SECRET",
            facts=THREAT_FACTS,
        )
    finally:
        if previous is None:
            os.environ.pop(sealing.KEYS_ENV, None)
        else:
            os.environ[sealing.KEYS_ENV] = previous
        sealing.reset_keyring()
    return {"case": case, **people}


def test_a_flash_issued_from_the_banner_is_acknowledged_from_the_inbox_live(
    page: Any,
    browser: Any,
    live_server: Any,
    vienna: dict[str, Any],
    problems: Any,
    assert_accessible: Callable[[Any], None],
    screenshot: Callable[[Any, str], None],
) -> None:
    case = vienna["case"]
    # The duty officer: the case page opens with the red banner and its countdown.
    page.goto(f"/cases/{case.pk}/")
    sign_in(page, "dana.reyes")
    banner = page.locator("[data-threat-banner]")
    expect(banner).to_be_visible()
    expect(banner.locator("[data-countdown-due]")).to_have_text(re.compile(r"\d+ min \d\d s left"))
    assert_accessible(page)
    screenshot(page, "threat-banner")
    banner.get_by_role("link", name="Issue threat report").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Issue a threat report")
    expect(page.get_by_label("FLASH")).to_be_checked()
    page.get_by_label("What is threatened").fill("The embassy's motor pool")
    page.get_by_label("Where").fill("Vienna, the embassy garage")
    page.get_by_label("When").fill("Tonight, before midnight local time")
    assert_accessible(page)
    page.get_by_role("button", name="Issue threat report").click()

    expect(page).to_have_url(re.compile(r"/dissemination/\d+/$"))
    report_url = page.url
    deliveries = page.locator("[data-deliveries]")
    expect(deliveries.locator("caption")).to_contain_text("Acknowledged by 0 of 3")
    expect(deliveries.locator("[data-acknowledged-at]")).to_have_count(0)
    assert_accessible(page)
    screenshot(page, "threat-report-issued")

    # The chair, in another browser: the inbox asks for the acknowledgement.
    other = browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 900})
    other.set_default_timeout(10_000)
    try:
        chair = other.new_page()
        problems.watch(chair)
        chair.goto("/notifications/")
        sign_in(chair, "martin.hale")
        pending = chair.locator("[data-pending-elsewhere]")
        expect(pending).to_contain_text(f"FLASH threat report on {case.cryptonym}")
        pending.get_by_role("link").first.click()
        expect(chair).to_have_url(report_url)
        chair.get_by_role("button", name="Acknowledge").click()
        expect(chair.locator("[data-my-acknowledgement]")).to_be_visible()
    finally:
        other.close()

    # The officer's page, never reloaded, shows it within a few polls.
    expect(deliveries.locator("[data-acknowledged-at]")).to_have_count(1, timeout=15_000)
    expect(page.locator("[data-deliveries] caption")).to_contain_text("Acknowledged by 1 of 3")
    assert page.url == report_url
    assert_accessible(page)
    screenshot(page, "threat-report-acknowledged")
    assert problems.items == []
