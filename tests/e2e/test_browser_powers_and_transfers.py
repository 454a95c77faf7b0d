"""End to end in headless Chromium: the DCI's delegate records an active theater of war (``1``)
on Washington's powers and the case's assessment follows it; a case moves from Vienna to Bonn
when Bonn's chair accepts it (axe-core on both pages)."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "correct-horse-battery-staple-1976"
FACTS = {
    "nationalities": ["SU"],
    "location": "AT",
    "escaped_control": True,
    "unwilling_to_return": True,
    "special_value": ["information"],
}


def sign_in(page: Any, username: str) -> None:
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()


@pytest.fixture
def sealing_keys(monkeypatch: pytest.MonkeyPatch, settings: Any) -> Iterator[None]:
    from defector.core import sealing

    keys = sealing.Keyring(primary="e2e", keys={"e2e": b"\x05" * 32}).to_json()
    settings.DEFECTOR_SEALING_KEYS = keys
    monkeypatch.setenv(sealing.KEYS_ENV, keys)
    sealing.reset_keyring()
    yield
    sealing.reset_keyring()


@pytest.fixture
def cast(make_user: Callable[..., Any], sealing_keys: None) -> dict[str, Any]:
    """Vienna (a chair who opened a case) and Bonn (a chair); the DCI's delegate."""
    from defector.cases import actions as case_actions
    from defector.directory.models import Agency, Official, Post, RoleAssignment

    cia = Agency.objects.create(code="CIA", name="Central Intelligence Agency")
    vienna = Post.objects.create(code="VIENNA", name="Embassy Vienna", country="AT", city="Vienna")
    bonn = Post.objects.create(code="BONN", name="Embassy Bonn", country="DE", city="Bonn")
    people: dict[str, Any] = {"vienna": vienna, "bonn": bonn}
    for username, role, post in (
        ("vienna.chair", "committee_chair", vienna),
        ("bonn.chair", "committee_chair", bonn),
        ("dci.delegate", "dci_delegate", None),
    ):
        user = make_user(username, first_name=username.split(".")[0].title(), last_name="Test")
        official = Official.objects.create(user=user, agency=cia, post=post, clearance="SECRET")
        RoleAssignment.objects.create(official=official, role=role, post=post)
        people[username] = user
    people["case"] = case_actions.open_case(
        acting_user=people["vienna.chair"],
        post_id=vienna.pk,
        sensitivity="SECRET",
        true_name="Anatoli Testovich",
        facts=FACTS,
    )
    return people


def test_the_dci_delegate_records_a_theater_of_war_and_the_case_follows(
    page: Any,
    cast: dict[str, Any],
    problems: Any,
    assert_accessible: Callable[[Any], None],
    screenshot: Callable[[Any, str], None],
) -> None:
    case = cast["case"]
    page.goto("/powers/")
    sign_in(page, "dci.delegate")
    expect(page.get_by_role("heading", level=1)).to_have_text("Washington's powers")
    assert_accessible(page)
    form = page.locator("[data-power-form]")
    # USWDS draws its own radio buttons and checkboxes: their labels are what a person clicks.
    form.locator("label[for=id_kind_0]").click()
    form.get_by_label("Reference").fill("NSC determination 80-1")
    austria = form.locator("input[type=checkbox][value=AT]").get_attribute("id")
    form.locator(f"label[for={austria}]").click()
    form.get_by_label("First day").fill("1976-06-01")
    form.get_by_role("button", name="Record").click()
    expect(page.locator("[data-power]")).to_have_count(1)
    expect(page.locator("[data-power]")).to_contain_text("NSC determination 80-1")
    screenshot(page, "powers")
    page.goto(f"/cases/{case.pk}/assessment/")
    theater = page.locator("[data-power-fact=active_war_theater]")
    expect(theater).to_contain_text("NSC determination 80-1")
    expect(page.locator("[data-status=applies]")).to_contain_text("No")
    assert not problems.items, problems.items


def test_a_case_moves_to_bonn_when_bonns_chair_accepts(
    page: Any,
    cast: dict[str, Any],
    problems: Any,
    assert_accessible: Callable[[Any], None],
) -> None:
    case = cast["case"]
    page.goto(f"/cases/{case.pk}/transfer/")
    sign_in(page, "vienna.chair")
    form = page.locator("[data-transfer-form]")
    form.get_by_label("Move the case to").select_option(label="Embassy Bonn (BONN)")
    form.locator("label", has_text="Resettlement").click()
    form.get_by_label("Reason").fill("Family in the Federal Republic.")
    form.get_by_role("button", name="Propose the move").click()
    expect(page.locator("[data-transfer-status=proposed]")).to_have_count(1)
    page.get_by_role("button", name=re.compile("Sign out")).click()
    page.goto("/")
    sign_in(page, "bonn.chair")
    page.get_by_role("link", name=re.compile("Resettlement: move from VIENNA to BONN")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Move of {case.cryptonym}")
    assert_accessible(page)
    page.locator("[data-accept-form]").get_by_role("button", name="Accept").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(case.cryptonym)
    page.get_by_role("navigation", name=re.compile("case", re.I)).get_by_role(
        "link", name=re.compile("Transfer")
    ).click()
    expect(page.locator("[data-transfer-status=accepted]")).to_have_count(1)
    assert not problems.items, problems.items
