"""End to end in headless Chromium: a publicity proposal (``6f``) from the case page's section,
through the sign-offs of State and USIA (``5a(6)``: USIA objects, on record) to the IDC's
decision, with axe-core on the proposal's page."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# The password of every user that ``make_user`` (tests/conftest.py) creates.
PASSWORD = "correct-horse-battery-staple-1976"


def sign_in_as(page: Any, username: str, path: str) -> None:
    page.context.clear_cookies()
    page.goto(path)
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()


@pytest.fixture
def sealing_keys(monkeypatch: pytest.MonkeyPatch, settings: Any) -> Iterator[None]:
    """Sealing keys for the whole test: the live server seals the case's true name."""
    from defector.core import sealing

    keys = sealing.Keyring(primary="e2e", keys={"e2e": b"\x04" * 32}).to_json()
    settings.DEFECTOR_SEALING_KEYS = keys
    monkeypatch.setenv(sealing.KEYS_ENV, keys)
    sealing.reset_keyring()
    yield
    sealing.reset_keyring()


@pytest.fixture
def case(make_user: Callable[..., Any], sealing_keys: None) -> Any:
    """Embassy Vienna's chair and Ambassador, the IDC's members of State and USIA, and a case
    whose intelligence requirement is satisfied, with the 7a determination on publicity."""
    from defector.cases import actions as case_actions
    from defector.directory.models import Agency, Official, Post, RoleAssignment
    from defector.exploitation.models import CaseRequirement, Requirement

    agencies = {
        code: Agency.objects.create(code=code, name=name)
        for code, name in (
            ("CIA", "Central Intelligence Agency"),
            ("STATE", "Department of State"),
            ("USIA", "United States Information Agency"),
        )
    }
    post = Post.objects.create(code="VIENNA", name="Embassy Vienna", country="AT", city="Vienna")
    users = {}
    for username, agency, role, where in (
        ("martin.hale", "CIA", "committee_chair", post),
        ("ruth.castillo", "STATE", "senior_representative", post),
        ("owen.park", "STATE", "idc_member", None),
        ("nora.ellison", "USIA", "idc_member", None),
    ):
        first, last = username.split(".")
        user = make_user(username, first_name=first.title(), last_name=last.title())
        official = Official.objects.create(
            user=user, agency=agencies[agency], post=where, clearance="SECRET"
        )
        RoleAssignment.objects.create(official=official, role=role, post=where)
        users[username] = user
    opened = case_actions.open_case(
        acting_user=users["martin.hale"],
        post_id=post.pk,
        sensitivity="SECRET",
        true_name="Arkady Shevchenko",
    )
    case_actions.determine_political_risk(
        acting_user=users["ruth.castillo"],
        case_id=opened.pk,
        expected_version=opened.version,
        subject="publicity",
        level="low",
        reasoning="Publicity in Washington costs little with the host government.",
    )
    requirement = Requirement.objects.create(
        code="DCI-7",
        title="Soviet negotiating positions",
        issuing_agency=agencies["CIA"],
        active_from=dt.date(1970, 1, 1),
    )
    CaseRequirement.objects.create(
        case=opened, requirement=requirement, status="satisfied", added_by_agency=agencies["CIA"]
    )
    return opened


def test_a_proposal_through_both_sign_offs_to_the_idcs_decision(
    page: Any,
    case: Any,
    problems: Any,
    assert_accessible: Callable[[Any], None],
    screenshot: Callable[[Any, str], None],
) -> None:
    # The chair proposes from the case page's Publicity section.
    sign_in_as(page, "martin.hale", f"/cases/{case.pk}/publicity/")
    expect(page.get_by_role("heading", level=1)).to_have_text(case.cryptonym)
    page.get_by_role("link", name="Propose publicity or surfacing").click()
    start = timezone.localdate() + dt.timedelta(days=30)
    page.get_by_label("What is proposed").fill(f"Present {case.cryptonym} to the press.")
    page.get_by_label("Proposed date, or first day of the window").fill(start.isoformat())
    # USWDS draws its own box and keeps the input off screen: click the label, as a person does.
    page.locator("label", has_text="Press conference or statement to the press").click()
    page.locator("label", has_text="Congressional testimony").click()
    expect(page.get_by_label("Congressional testimony")).to_be_checked()
    page.get_by_label("Risks").fill("Reprisals against his family.")
    page.get_by_role("button", name="Send the proposal to the IDC").click()
    expect(page).to_have_url(re.compile(r"/publicity/[0-9]+/$"))
    url = page.url
    expect(page.locator("[data-field=status]")).to_have_text(
        "Awaiting the sign-offs of State and USIA"
    )
    expect(page.locator("[data-step]")).to_have_count(1)  # withdraw only

    # State's IDC member finds it in the Washington list and approves.
    sign_in_as(page, "owen.park", "/publicity/")
    page.get_by_role("link", name=re.compile(r"^Proposal [0-9]+$")).first.click()
    expect(page.locator("[data-step=decide]")).to_have_count(0)
    page.get_by_label("Your agency's position").select_option("approve")
    page.get_by_role("button", name="Record the sign-off").click()
    expect(page.locator("[data-sign-off='Department of State'] [data-position]")).to_have_text(
        "Approves"
    )

    # USIA's IDC member objects, with comments.
    sign_in_as(page, "nora.ellison", url)
    page.get_by_label("Your agency's position").select_option("object")
    page.get_by_role("button", name="Record the sign-off").click()
    expect(page.locator("#id_comments_error")).to_contain_text("an objection goes to the IDC")
    page.get_by_label("Comments").fill("VOA is not ready; wait a month.")
    page.get_by_role("button", name="Record the sign-off").click()
    expect(page.locator("[data-field=status]")).to_have_text("Awaiting the IDC's decision")

    # The IDC decides: the objection is on record, not a bar.
    sign_in_as(page, "owen.park", url)
    expect(page.locator("[data-sign-off='United States Information Agency']")).to_contain_text(
        "VOA is not ready"
    )
    assert_accessible(page)
    screenshot(page, "publicity-proposal")
    page.get_by_label("Decision").select_option("approve")
    page.get_by_role("button", name="Record the decision").click()
    expect(page.locator("[data-field=status]")).to_have_text("Approved by the IDC")
    expect(page.locator("[data-field=decision]")).to_contain_text("Approved by Owen Park")
    assert problems.items == []
