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

    def follow(self, page: Any, link: Any) -> None:
        """Follow a link and wait for the new page's load event: htmx is a deferred script,
        and a box ticked before it has taken the form would not ask for a preview."""
        address = link.get_attribute("href")
        self.click(link)
        page.wait_for_url(f"**{address}", wait_until="load")

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


def sign_in(page: Any, username: str) -> int:
    """Sign in from the home page; the number of actions it took."""
    page.goto("/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("My work")
    return 3


def test_the_duty_officer_receives_a_walk_in_from_my_work(
    page: Any,
    duty_officer: Any,
    problems: Any,
    assert_accessible: Callable[[Any], None],
    screenshot: Callable[[Any, str], None],
) -> None:
    """From "My work", guided by the live preview (htmx): the nationality, then the five facts
    the preview names as missing for a walk-in (2e), then "Open case"."""
    from defector.cases.models import Case

    signing_in = sign_in(page, "dana.reyes")
    expect(page.locator("[data-work-section=obligations]")).to_contain_text(
        "Nothing waits for you."
    )
    assert_accessible(page)
    screenshot(page, "my-work-duty-officer")

    actions = Actions()
    started = time.monotonic()
    actions.follow(page, page.get_by_role("link", name="Receive walk-in"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Receive walk-in")
    preview = page.locator("#intake-preview")
    warning = preview.locator("[data-preview=not-walk-in]")
    expect(warning).to_contain_text("Not yet a walk-in")
    # The countries named in 2a come first, in the directive's order: the USSR heads the list.
    actions.tick(page, "input[name=nationalities][value=SU]")
    # The preview is asked again at once (htmx): assessed now, and still no walk-in.
    expect(warning).to_contain_text("These facts do not make a walk-in")
    missing = warning.locator("[data-preview=missing]")
    expect(missing).to_contain_text("Has indicated willingness or desire to defect")
    expect(missing).not_to_contain_text("A nationality of a country named in 2a")
    expect(preview.locator("[data-scope='1']")).to_contain_text("Yes")
    actions.tick(page, "input[name=requests][value=asylum]")
    expect(missing).not_to_contain_text("Asked for asylum")
    actions.tick(page, "input[name=willing_to_defect]")
    actions.tick(page, "input[name=dissatisfied]")
    actions.tick(page, "input[name=susceptible]")
    actions.tick(page, "input[name=special_value][value=information]")
    expect(warning).to_have_count(0)
    expect(preview.locator("[data-category='2e']")).to_contain_text("Walk-in")
    expect(preview.locator("[data-category='2d']")).to_contain_text("Disaffected person")
    expect(preview.locator("[data-preview=obligations]")).to_contain_text(
        "Receive and handle the person securely and expeditiously"
    )
    checking = time.monotonic()  # the checks of the test are not the officer's time
    assert_accessible(page)
    screenshot(page, "intake-walk-in-preview")
    started += time.monotonic() - checking
    actions.click(page.get_by_role("button", name="Open case"))
    expect(page).to_have_url(re.compile(r"/cases/[0-9]+/$"))
    case = Case.objects.get()
    expect(page.get_by_role("heading", level=1)).to_have_text(case.cryptonym)
    seconds = time.monotonic() - started
    screenshot(page, "my-work-walk-in-opened")
    assert "walk_in" in case.assessments.get().categories
    print(
        f"\nwalk-in from My work: {actions.count} actions, {seconds:.1f} seconds "
        f"(and {signing_in} actions to sign in before)"
    )
    assert actions.count <= MOST_ACTIONS
    assert not problems.items, problems.items


def test_the_walk_in_preview_works_without_javascript_and_on_a_phone(
    browser: Any, live_server: Any, duty_officer: Any, problems: Any
) -> None:
    """Without JavaScript the "Preview" button posts the form and the page comes back with
    the preview; at 390 px nothing scrolls sideways."""
    from defector.cases.models import Case

    context = browser.new_context(
        base_url=live_server.url, viewport={"width": 390, "height": 844}, java_script_enabled=False
    )
    context.set_default_timeout(10_000)
    page = context.new_page()
    problems.watch(page)
    try:
        sign_in(page, "dana.reyes")
        page.get_by_role("link", name="Receive walk-in").click()
        Actions().tick(page, "input[name=nationalities][value=SU]")
        page.get_by_role("button", name="Preview").click()
        warning = page.locator("#intake-preview [data-preview=not-walk-in]")
        expect(warning).to_contain_text("These facts do not make a walk-in")
        expect(page.locator("input[name=nationalities][value=SU]")).to_be_checked()
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 390, width
        assert not Case.objects.exists()
    finally:
        context.close()
    assert not problems.items, problems.items


def test_the_location_is_picked_by_typing_and_the_preview_follows_it(
    page: Any, duty_officer: Any, problems: Any, assert_accessible: Callable[[Any], None]
) -> None:
    """The location is a combo box (USWDS): typing narrows the countries; picking the United
    States takes the person out of the directive's scope (1), and the preview says so."""
    sign_in(page, "dana.reyes")
    actions = Actions()
    actions.follow(page, page.get_by_role("link", name="Receive walk-in"))
    actions.tick(page, "input[name=nationalities][value=SU]")
    preview = page.locator("#intake-preview")
    expect(preview.locator("[data-scope='1']")).to_contain_text("Yes")
    page.locator("[data-fold=more-facts] > summary").click()
    location = page.get_by_role("combobox", name="Where the person is now")
    location.fill("United States")
    page.get_by_role("option", name="United States (US)").click()
    expect(page.locator("select[name=location]")).to_have_value("US")
    expect(preview.locator("[data-scope='1']")).to_contain_text("No")
    expect(preview.locator("[data-preview=obligations]")).to_contain_text(
        "the directive does not apply"
    )
    assert_accessible(page)
    assert not problems.items, problems.items
