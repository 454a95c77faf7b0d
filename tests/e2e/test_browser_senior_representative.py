"""End to end in headless Chromium: the Senior US Representative records the political risk
determination (``7a``) of a case from the request in his work list ("My work", his home page),
and the request is gone from the list once it is recorded."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth.models import User
from playwright.sync_api import expect

from defector.cases.models import Case, PoliticalRiskDetermination
from support.builders import DEMO_PASSWORD, TRUE_NAME, case_opener
from support.fixtures import MakeOfficial
from support.world import World

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WALK_IN = {
    "nationalities": ["SU"],
    "escaped_control": True,
    "unwilling_to_return": True,
    "dissatisfied": True,
    "susceptible": True,
    "willing_to_defect": True,
    "special_value": ["information"],
    "requests": ["asylum"],
}


@pytest.fixture
def world_parts() -> tuple[str, ...]:
    return ("cia", "state", "vienna")


@pytest.fixture
def case(make_official: MakeOfficial, world: World, sealing_keys: None) -> Case:
    """A walk-in at Vienna, opened by the duty officer: its ``7a`` determination is requested
    of the Ambassador (the Senior US Representative, State)."""
    officer = make_official("dana.reyes", ("case_officer", world.vienna), password=DEMO_PASSWORD)
    make_official(
        "ruth.castillo",
        ("senior_representative", world.vienna),
        agency=world.state,
        password=DEMO_PASSWORD,
    )
    return case_opener(acting_user=officer, post_id=world.vienna.pk)(
        true_name=TRUE_NAME, facts=WALK_IN
    )


def test_the_senior_representative_records_a_7a_determination_from_his_work_list(
    page: Any,
    case: Case,
    problems: Any,
    assert_accessible: Callable[[Any], None],
    screenshot: Callable[[Any, str], None],
    django_user_model: type[User],
) -> None:
    page.goto("/")
    page.get_by_label("Username").fill("ruth.castillo")
    page.get_by_label("Password", exact=True).fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("My work")
    requests = page.locator("[data-work-section=determinations]")
    request = requests.locator("[data-work-line]", has_text=case.cryptonym)
    expect(request).to_contain_text("Political risk determination requested")
    assert_accessible(page)
    screenshot(page, "my-work-senior-representative")

    request.get_by_role("link", name="Political risk determination requested").click()
    expect(page).to_have_url(re.compile(rf"/cases/{case.pk}/"))
    form = (
        page.locator("form")
        .filter(has=page.get_by_label("Reasoning"))
        .filter(has=page.get_by_role("button", name="Record the determination"))
        .filter(has=page.get_by_label("Determination about"))
    )
    expect(form).to_be_visible()
    assert_accessible(page)
    form.get_by_label("Determination about").select_option("case")
    level = form.locator("input[name=level][value=low]")
    form.locator(f"label[for='{level.get_attribute('id')}']").click()
    expect(level).to_be_checked()
    form.get_by_label("Reasoning").fill(
        f"{case.cryptonym}: a quiet reception; no diplomatic cost foreseen."
    )
    form.get_by_role("button", name="Record the determination").click()
    expect(page.locator("[data-risk-in-force] [data-risk=case][data-level=low]")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("banner").get_by_role("link", name=re.compile("^Defector Program")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("My work")
    expect(requests).not_to_contain_text(case.cryptonym)
    expect(requests).to_contain_text("Nothing waits for you.")

    determination = PoliticalRiskDetermination.objects.get(case=case)
    assert determination.level == "low"
    assert determination.determined_by.user == django_user_model.objects.get(
        username="ruth.castillo"
    )
    assert problems.items == []
