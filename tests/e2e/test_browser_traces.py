"""End to end in headless Chromium: a name trace on a case (``6b(3)(b)``), from the case page's
section to the ranked hits, a match mark, and the conclusion on the bona fides checklist, with
axe-core on the trace page."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# The password of every user that ``make_user`` (tests/conftest.py) creates.
PASSWORD = "correct-horse-battery-staple-1976"
LIST = (
    "reference,name,aliases,date_of_birth,nationality\n"
    "A-1142,Юрий Иванович Носенко,Iurii Nossenko;Yura Nosenko,1927-10-30,SU\n"
    "B-7,Jan Kowalski,,1950,PL\n"
)


def sign_in(page: Any, username: str) -> None:
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()


@pytest.fixture
def sealing_keys(monkeypatch: pytest.MonkeyPatch, settings: Any) -> Iterator[None]:
    """Sealing keys for the whole test: the live server seals and indexes the names."""
    from defector.core import sealing

    keys = sealing.Keyring(primary="e2e", keys={"e2e": b"\x03" * 32}).to_json()
    settings.DEFECTOR_SEALING_KEYS = keys
    monkeypatch.setenv(sealing.KEYS_ENV, keys)
    sealing.reset_keyring()
    yield
    sealing.reset_keyring()


@pytest.fixture
def traced_case(make_user: Callable[..., Any], sealing_keys: None) -> Any:
    """Embassy Vienna, its case officer, a watch list, and a case about Yuri Nosenko."""
    from defector.cases import actions as case_actions
    from defector.directory.models import Agency, Official, Post, RoleAssignment
    from defector.traces import actions

    cia = Agency.objects.create(code="CIA", name="Central Intelligence Agency")
    post = Post.objects.create(code="VIENNA", name="Embassy Vienna", country="AT", city="Vienna")
    user = make_user("dana.reyes", first_name="Dana", last_name="Reyes")
    official = Official.objects.create(user=user, agency=cia, post=post, clearance="SECRET")
    RoleAssignment.objects.create(official=official, role="case_officer", post=post)
    actions.import_watchlist(acting_user=None, source="liaison-1964", data=LIST.encode())
    return case_actions.open_case(
        acting_user=user, post_id=post.pk, sensitivity="SECRET", true_name="Iurii Nossenko"
    )


def test_a_name_trace_from_the_case_page_to_the_bona_fides_checklist(
    page: Any,
    traced_case: Any,
    problems: Any,
    assert_accessible: Callable[[Any], None],
    screenshot: Callable[[Any, str], None],
) -> None:
    case = traced_case
    page.goto(f"/cases/{case.pk}/")
    sign_in(page, "dana.reyes")
    expect(page.get_by_role("heading", level=1)).to_have_text(case.cryptonym)
    page.locator("[data-case-tabs] [data-tab=name-traces]").click()
    section = page.locator("[data-section=name-traces]")
    section.get_by_role("link", name=re.compile("Name traces")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Name traces of {case.cryptonym}")
    page.get_by_role("button", name="Run the trace").click()
    expect(page).to_have_url(re.compile(rf"/traces/cases/{case.pk}/[0-9]+/$"))
    hits = page.locator("[data-hits] tbody tr")
    expect(hits.first).to_contain_text("A-1142")
    expect(hits.first).to_contain_text("liaison-1964")
    expect(hits.first.locator("[data-score]")).to_have_text(re.compile(r"^[01]\.[0-9]{2}$"))
    assert_accessible(page)
    screenshot(page, "trace-hits")
    for index in range(hits.count()):
        row = page.locator("[data-hits] tbody tr").nth(index)
        label = f"Mark hit {index + 1} {'a match' if index == 0 else 'no match'}"
        row.get_by_role("button", name=label, exact=True).click()
        expect(page.locator("[data-hits] tbody tr").nth(index)).to_have_attribute(
            "data-mark", "match" if index == 0 else "no_match"
        )
    page.get_by_label("Result for the bona fides checklist").select_option("inconsistent")
    page.get_by_role("button", name="Record on the checklist").click()
    expect(page.locator("[data-concluded]")).to_contain_text("check")
    assert problems.items == []
