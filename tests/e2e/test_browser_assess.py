"""End to end in headless Chromium: sign in, assess a walk-in, follow a clause, sign out."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# The password of every user that ``make_user`` (tests/conftest.py) creates.
PASSWORD = "correct-horse-battery-staple-1976"


def sign_in(page: Any, username: str) -> None:
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def tick(page: Any, name: str) -> None:
    """Check a USWDS checkbox the way a person does: by its label."""
    page.locator(f"label[for='id_{name}']").click()
    expect(page.locator(f"#id_{name}")).to_be_checked()


def pick(page: Any, name: str, value: str) -> None:
    """Tick one choice of a list of checkboxes (a field of several choices) by its label."""
    control = page.locator(f"input[name={name}][value={value}]")
    page.locator(f"label[for='{control.get_attribute('id')}']").click()
    expect(control).to_be_checked()


def test_an_official_assesses_a_walk_in_and_follows_a_clause(
    page: Any,
    make_user: Callable[..., Any],
    problems: Any,
    assert_accessible: Callable[[Any], None],
    screenshot: Callable[[Any, str], None],
) -> None:
    make_user("kestrel", first_name="Anna", last_name="Kestrel")

    page.goto("/")
    expect(page).to_have_url(re.compile(r"/sign-in/\?next=/$"))
    expect(page.get_by_role("heading", name="Sign in", level=1)).to_be_visible()
    assert_accessible(page)
    screenshot(page, "sign-in")

    sign_in(page, "kestrel")
    expect(page).to_have_url(re.compile(r"/$"))
    expect(page.get_by_text("Signed in as").first).to_be_visible()
    assert_accessible(page)
    screenshot(page, "home")

    page.get_by_role("navigation", name="Primary").get_by_role("link", name="Assess").click()
    expect(page).to_have_url(re.compile(r"/assess/$"))
    assert_accessible(page)
    pick(page, "nationalities", "SU")
    page.get_by_label("Where the person is now").select_option("AT")
    for name in (
        "escaped_control",
        "dissatisfied",
        "susceptible",
        "willing_to_defect",
        "at_us_installation",
    ):
        tick(page, name)
    pick(page, "special_value", "information")
    pick(page, "requests", "asylum")
    page.get_by_role("button", name="Assess", exact=True).click()

    outcome = page.locator("#outcome")
    expect(outcome.get_by_role("heading", name="Outcome")).to_be_visible()
    expect(outcome.locator("[data-category=defector]")).to_contain_text("Defector")
    expect(outcome.locator("[data-category=walk_in]")).to_contain_text("Walk-in")
    expect(outcome.locator("[data-obligation=secure_reception]")).to_be_visible()
    clause_2e = outcome.locator("[data-category=walk_in]").get_by_role("link", name="Clause 2e")
    expect(clause_2e).to_have_attribute("href", "/directive/#clause-2e")
    expect(clause_2e).to_have_attribute("title", "Walk-in")
    expect(outcome.locator("[data-status=applies]")).to_contain_text("Yes")
    assert_accessible(page)
    screenshot(page, "assess")

    clause_2e.click()
    expect(page).to_have_url(re.compile(r"/directive/#clause-2e$"))
    clause = page.locator("#clause-2e")
    expect(clause).to_contain_text("Walk-in")
    expect(clause).to_contain_text("presents themselves to a US installation")
    expect(clause).to_be_in_viewport()
    assert_accessible(page)
    screenshot(page, "directive")

    page.get_by_role("button", name="Sign out").click()
    expect(page).to_have_url(re.compile(r"/sign-in/$"))
    expect(page.get_by_text("You have signed out.")).to_be_visible()
    assert_accessible(page)

    assert problems.items == []


def test_an_assessment_without_a_nationality_shows_the_error_summary(
    page: Any,
    make_user: Callable[..., Any],
    problems: Any,
    assert_accessible: Callable[[Any], None],
    screenshot: Callable[[Any, str], None],
) -> None:
    make_user("kestrel")
    page.goto("/assess/")
    sign_in(page, "kestrel")
    expect(page).to_have_url(re.compile(r"/assess/$"))

    page.get_by_label("Where the person is now").select_option("AT")
    page.get_by_role("button", name="Assess", exact=True).click()

    summary = page.locator("#error-summary")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("There is a problem")
    expect(page.locator("#outcome")).to_have_count(0)
    summary.get_by_role("link", name=re.compile("Nationalities")).click()
    # a list of checkboxes: the link leads to its first box (the fieldset takes no focus)
    expect(page.locator("#id_nationalities_options input[type=checkbox]").first).to_be_focused()
    expect(page.locator("#id_nationalities_error")).to_have_text("Select at least one nationality.")
    expect(page.get_by_label("Where the person is now")).to_have_value("AT")
    assert_accessible(page)
    screenshot(page, "assess-error")

    assert problems.items == []
