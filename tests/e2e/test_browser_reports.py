"""End to end in headless Chromium: a report to the IDC (``6d``). The duty officer drafts it
from the case's tab "Reports to the IDC"; the committee chair, in another browser, finds it on
the What's new page, reviews and sends it; an IDC member acknowledges it, and the worldwide
view counts it received. axe-core on the officer's pages, and no console error on any."""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from typing import Any

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "correct-horse-battery-staple-1976"
DEFECTOR = {
    "nationalities": ["SU"],
    "escaped_control": True,
    "unwilling_to_return": True,
    "dissatisfied": True,
    "susceptible": True,
    "willing_to_defect": True,
    "special_value": ["information"],
    "requests": ["asylum"],
}


def sign_in(page: Any, username: str) -> None:
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()


@pytest.fixture
def vienna(make_user: Callable[..., Any], settings: Any) -> dict[str, Any]:
    """Embassy Vienna: a duty officer with a defector's case, the committee chair, and an IDC
    member in Washington."""
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
        ("owen.park", "Owen", "Park", cia, "idc_member", False),
    ):
        user = make_user(username, first_name=first, last_name=last)
        official = Official.objects.create(
            user=user, agency=agency, post=post if at_post else None, clearance="SECRET"
        )
        RoleAssignment.objects.create(official=official, role=role, post=post if at_post else None)
        people[username] = official
    keys = sealing.Keyring(primary="e2e", keys={"e2e": b"\x03" * 32}).to_json()
    settings.DEFECTOR_SEALING_KEYS = keys
    previous = os.environ.get(sealing.KEYS_ENV)
    os.environ[sealing.KEYS_ENV] = keys
    sealing.reset_keyring()
    try:
        case = case_actions.open_case(
            acting_user=people["dana.reyes"].user,
            post_id=post.pk,
            sensitivity="SECRET",
            facts=DEFECTOR,
        )
    finally:
        if previous is None:
            os.environ.pop(sealing.KEYS_ENV, None)
        else:
            os.environ[sealing.KEYS_ENV] = previous
        sealing.reset_keyring()
    return {"case": case, **people}


def test_a_report_is_drafted_sent_by_the_chair_and_acknowledged_by_the_idc(
    page: Any,
    browser: Any,
    live_server: Any,
    vienna: dict[str, Any],
    problems: Any,
    assert_accessible: Callable[[Any], None],
    screenshot: Callable[[Any, str], None],
) -> None:
    case = vienna["case"]
    page.goto(f"/cases/{case.pk}/idc-reports/")
    sign_in(page, "dana.reyes")
    page.get_by_label("Comment of the post (optional)").fill("Cooperative; debriefings begin.")
    assert_accessible(page)
    page.get_by_role("button", name="Draft the report").click()
    expect(page).to_have_url(re.compile(r"/reports/\d+/$"))
    report_url = page.url
    expect(page.get_by_role("heading", level=1)).to_contain_text(case.cryptonym)
    expect(page.get_by_role("button", name="Send to the IDC")).to_have_count(0)
    assert_accessible(page)
    screenshot(page, "idc-report-drafted")

    for username, pending, button, done in (
        ("martin.hale", "Send report 1", "Send to the IDC", "by Martin Hale, for period 1"),
        ("owen.park", "Acknowledge report 1", "Acknowledge", "Acknowledged"),
    ):
        other = browser.new_context(
            base_url=live_server.url, viewport={"width": 1280, "height": 900}
        )
        other.set_default_timeout(10_000)
        try:
            them = other.new_page()
            problems.watch(them)
            them.goto("/notifications/")
            sign_in(them, username)
            item = them.get_by_role("link", name=re.compile(pending))
            item.click()
            expect(them).to_have_url(report_url)
            them.get_by_role("button", name=button).click()
            expect(them.locator("[data-report-steps]")).to_contain_text(done)
            if username == "owen.park":
                them.goto("/reports/world/")
                row = them.locator(f'[data-case="{case.cryptonym}"]')
                expect(row).to_contain_text("1")
                screenshot(them, "idc-reports-world")
        finally:
            other.close()
    assert problems.items == []
