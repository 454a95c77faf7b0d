"""The case page as a workspace, in the browser (demo data): at a desk's width (1,280 px) and
at a phone's (390 px) it opens with the header and the Next steps, every tab is reachable
from the row of tabs and marked current when open, and no tab scrolls sideways."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import expect

from defector.cases.models import Case
from defector.ops import demo

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SIZES = {"desk": {"width": 1280, "height": 900}, "phone": {"width": 390, "height": 844}}
WIDER = "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"


@pytest.fixture
def demo_site(world: Any, sealing_keys: None) -> tuple[demo.DemoAccount, ...]:
    Case.objects.all().delete()
    return demo.load()


def sign_in(page: Any, username: str) -> None:
    page.goto("/sign-in/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password", exact=True).fill(demo.DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page).not_to_have_url(re.compile(r"/sign-in/"))


def top(page: Any, selector: str) -> float:
    box = page.locator(selector).first.bounding_box()
    assert box is not None, selector
    return float(box["y"])


def test_the_case_page_opens_with_its_header_and_next_steps_and_every_tab_is_reachable(
    page: Any,
    problems: Any,
    demo_site: tuple[demo.DemoAccount, ...],
    assert_accessible: Any,
    screenshot: Any,
) -> None:
    case = Case.objects.filter(post__code="VIENNA").order_by("pk").first()
    assert case is not None
    sign_in(page, "committee.chair")
    for size, viewport in SIZES.items():
        page.set_viewport_size(viewport)
        page.goto(f"/cases/{case.pk}/")
        expect(page.get_by_role("heading", level=1)).to_have_text(case.cryptonym)
        expect(page.locator("[data-next-steps]")).to_be_visible()
        # the header, then the Next steps, then the row of tabs and the summary
        assert top(page, "h1") < top(page, "[data-next-steps]") < top(page, "[data-case-tabs]")
        assert top(page, "[data-next-steps]") < top(page, "#case-heading")
        assert page.evaluate(WIDER) <= 0, f"the Overview scrolls sideways at {size}"
        assert_accessible(page)
        screenshot(page, f"case-page-{size}")
        keys = page.locator("[data-case-tabs] [data-tab]").evaluate_all(
            "links => links.map(link => link.dataset.tab)"
        )
        assert keys[0] == "overview"
        assert len(keys) > 10
        for key in keys[1:]:
            page.locator(f"[data-case-tabs] [data-tab={key}]").click()
            current = page.locator(f"[data-case-tabs] [data-tab={key}]")
            expect(current).to_have_attribute("aria-current", "page")
            expect(page.locator(f"[data-section={key}]")).to_be_visible()
            expect(page.get_by_role("heading", level=1)).to_have_text(case.cryptonym)
            assert page.evaluate(WIDER) <= 0, f"the tab {key} scrolls sideways at {size}"
    assert problems.items == []
