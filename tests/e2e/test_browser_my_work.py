"""End to end in headless Chromium: the duty officer receives a walk-in from "My work" (her
home page, ``6b(1)``) and sees the case; the actions (clicks and fills) and the seconds it
takes are counted and printed."""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# The password of every user that ``make_user`` (tests/conftest.py) creates.
PASSWORD = "correct-horse-battery-staple-1976"
#: The issue's bound: a walk-in from "My work" in under ten actions.
MOST_ACTIONS = 9


@dataclass
class Actions:
    """Counts what the user does: each click, fill or tick is one action."""

    count: int = 0

    def click(self, locator: Any) -> None:
        self.count += 1
        locator.click()

    def fill(self, locator: Any, value: str) -> None:
        self.count += 1
        locator.fill(value)

    def tick(self, page: Any, selector: str) -> None:
        """Tick a USWDS checkbox by its label (the input itself is moved off screen)."""
        control = page.locator(selector)
        self.click(page.locator(f"label[for='{control.get_attribute('id')}']"))
        expect(control).to_be_checked()


@pytest.fixture
def sealing_keys(monkeypatch: pytest.MonkeyPatch, settings: Any) -> Iterator[None]:
    """Sealing keys for the whole test: the live server seals the identity."""
    from defector.core import sealing

    keys = sealing.Keyring(primary="e2e", keys={"e2e": b"\x03" * 32}).to_json()
    settings.DEFECTOR_SEALING_KEYS = keys
    monkeypatch.setenv(sealing.KEYS_ENV, keys)
    sealing.reset_keyring()
    yield
    sealing.reset_keyring()


@pytest.fixture
def duty_officer(make_user: Callable[..., Any], sealing_keys: None) -> Any:
    """The case officer on duty at Embassy Vienna (CIA, SECRET)."""
    from defector.directory.models import Agency, Official, Post, RoleAssignment

    cia = Agency.objects.create(code="CIA", name="Central Intelligence Agency")
    post = Post.objects.create(code="VIENNA", name="Embassy Vienna", country="AT", city="Vienna")
    user = make_user("dana.reyes", first_name="Dana", last_name="Reyes")
    official = Official.objects.create(user=user, agency=cia, post=post, clearance="SECRET")
    RoleAssignment.objects.create(official=official, role="case_officer", post=post)
    return official


def test_the_duty_officer_receives_a_walk_in_from_my_work(
    page: Any,
    duty_officer: Any,
    problems: Any,
    assert_accessible: Callable[[Any], None],
    screenshot: Callable[[Any, str], None],
) -> None:
    from defector.cases.models import Case

    actions = Actions()
    page.goto("/")
    started = time.monotonic()
    actions.fill(page.get_by_label("Username"), "dana.reyes")
    actions.fill(page.get_by_label("Password", exact=True), PASSWORD)
    actions.click(page.get_by_role("button", name="Sign in"))
    expect(page.get_by_role("heading", level=1)).to_have_text("My work")
    expect(page.locator("[data-work-section=obligations]")).to_contain_text(
        "Nothing waits for you."
    )
    assert_accessible(page)
    screenshot(page, "my-work-duty-officer")

    actions.click(page.get_by_role("link", name="Receive walk-in"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Receive walk-in")
    actions.fill(page.get_by_label("Find in the list").first, "Soviet")
    actions.tick(page, "input[name=nationalities][value=SU]")
    actions.tick(page, "input[name=requests][value=asylum]")
    actions.click(page.get_by_role("button", name="Open case"))
    expect(page).to_have_url(re.compile(r"/cases/[0-9]+/$"))
    case = Case.objects.get()
    expect(page.get_by_role("heading", level=1)).to_have_text(case.cryptonym)
    seconds = time.monotonic() - started
    screenshot(page, "my-work-walk-in-opened")
    print(f"\nwalk-in from My work: {actions.count} actions, {seconds:.1f} seconds")
    assert actions.count <= MOST_ACTIONS
    assert not problems.items, problems.items
