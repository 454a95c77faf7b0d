"""The browser's half of the crawl (``tests/web/test_crawl.py``): as every demo role, one page
of each kind that the role reaches, at a phone's width (390 px), scrolls only up and down —
never sideways — and offers no Ctrl-click list."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client
from playwright.sync_api import expect

from defector.cases.models import Case
from defector.ops import demo
from support.crawl import client_fetcher, crawl, one_per_role, one_per_view

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
#: At most this many pages of one role are opened in the browser (each tab of the case page
#: is a page of its own).
PAGES_PER_ROLE = 60

#: What is wider than the window, and what sticks out furthest (to say what to fix).
OVERFLOW = """() => {
    const width = document.documentElement.clientWidth;
    const scroll = document.documentElement.scrollWidth;
    if (scroll <= width) { return null; }
    let widest = null;
    for (const element of document.body.querySelectorAll("*")) {
        const box = element.getBoundingClientRect();
        if (box.right > width + 1 && (widest === null || box.right > widest.right)) {
            const name = element.tagName.toLowerCase()
                + (element.id ? "#" + element.id : "")
                + (element.className && typeof element.className === "string"
                    ? "." + element.className.trim().split(/\\s+/).join(".") : "");
            widest = {name: name, right: Math.round(box.right)};
        }
    }
    return {scroll: scroll, width: width, widest: widest};
}"""


@pytest.fixture
def demo_site(world: Any, sealing_keys: None) -> tuple[demo.DemoAccount, ...]:
    """The demo, on a database that holds only what it makes itself."""
    Case.objects.all().delete()
    return demo.load()


def sign_in(page: Any, username: str) -> None:
    page.goto("/sign-in/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password", exact=True).fill(demo.DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page).not_to_have_url(re.compile(r"/sign-in/"))


def test_no_page_of_any_demo_role_scrolls_sideways_on_a_phone(
    browser: Any, live_server: Any, demo_site: tuple[demo.DemoAccount, ...], django_user_model: Any
) -> None:
    problems: list[str] = []
    opened = 0
    for account in one_per_role(demo_site):
        client = Client()
        client.force_login(django_user_model.objects.get(username=account.username))
        pages = one_per_view(crawl(client_fetcher(client), who=account.username).pages)
        context = browser.new_context(base_url=live_server.url, viewport=PHONE)
        context.set_default_timeout(10_000)
        page = context.new_page()
        try:
            sign_in(page, account.username)
            for url in pages[:PAGES_PER_ROLE]:
                page.goto(url)
                opened += 1
                overflow = page.evaluate(OVERFLOW)
                if overflow is not None:
                    problems.append(
                        f"{account.username}: {url} is {overflow['scroll']} px wide at "
                        f"{overflow['width']} px; furthest out: {overflow['widest']}"
                    )
                if page.locator("select[multiple]").count():
                    problems.append(f"{account.username}: {url} has a Ctrl-click list")
        finally:
            context.close()
    assert opened > len(one_per_role(demo_site))
    assert not problems, "\n".join(problems)
