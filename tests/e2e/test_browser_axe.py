"""axe-core over every kind of page, as the demo roles see them: WCAG 2.2 A/AA, no violation.

The pages are found by the crawl (``support.crawl``, the same as ``tests/web/test_crawl.py``),
never listed by hand, so a new page is checked as soon as a link leads to it. To bound the
time, one demo account of each set of roles crawls, and each view (URL name) is checked once —
on the first account whose crawl reaches it — except home ("My work"), which differs by role
and is checked for every role; the sign-in page and the site's own 404 page are checked too.
The demo has a record of every kind (a meeting, procedures, guidance, a problem, a task, a
statement, a threat report, a name trace …), so the page of each is reached. Each page is
checked at a desktop's width and at a phone's.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from playwright.sync_api import expect

from defector.cases.models import Case
from defector.ops import demo
from support.crawl import client_fetcher, crawl, one_per_role, view_of

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}
#: An address no view answers: the site's own "not found" page.
MISSING = "/no-such-page/"


@pytest.fixture
def demo_site(world: Any, sealing_keys: None) -> tuple[demo.DemoAccount, ...]:
    """The demo, on a database that holds only what it makes itself: it has a record of every
    kind (``tests/ops/test_demo_records.py``), so every kind of page is reached."""
    Case.objects.all().delete()
    return demo.load()


def sign_in(page: Any, username: str) -> None:
    page.goto("/sign-in/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password", exact=True).fill(demo.DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page).not_to_have_url(re.compile(r"/sign-in/"))


def pages_to_check(
    accounts: list[demo.DemoAccount], django_user_model: Any
) -> dict[str, list[str]]:
    """For each account, the pages it checks: its home, and one page of each view that no
    account before it reached."""
    chosen: dict[str, list[str]] = {}
    views: set[str] = {"web:home"}
    for account in accounts:
        client = Client()
        client.force_login(django_user_model.objects.get(username=account.username))
        urls = ["/"]
        for url in crawl(client_fetcher(client), who=account.username).pages:
            view = view_of(url.split("?", 1)[0]) or url
            if view not in views:
                views.add(view)
                urls.append(url)
        if urls:
            chosen[account.username] = urls
    return chosen


def test_axe_finds_a_violation_where_there_is_one(
    open_context: Callable[..., Any], check_axe: Callable[[Any], str]
) -> None:
    context = open_context()
    try:
        page = context.new_page()
        page.goto(MISSING)
        page.evaluate(
            """() => { const image = document.createElement("img");
                image.src = "/static/none.png"; document.querySelector("main").append(image); }"""
        )
        assert "image-alt" in check_axe(page)
    finally:
        context.close()


def test_every_kind_of_page_has_no_wcag_violation_for_any_demo_role(
    open_context: Callable[..., Any],
    check_axe: Callable[[Any], str],
    demo_site: tuple[demo.DemoAccount, ...],
    django_user_model: Any,
) -> None:
    accounts = one_per_role(demo_site)
    plan = pages_to_check(accounts, django_user_model)
    plan[next(iter(plan))].append(MISSING)
    problems: list[str] = []
    checked: list[str] = []

    def check(page: Any, url: str, who: str) -> None:
        """The page at both widths: a phone's layout (the menu folded) differs."""
        checked.append(url)
        for width, viewport in (("desktop", DESKTOP), ("phone", PHONE)):
            page.set_viewport_size(viewport)
            if width == "desktop":
                page.goto(url)
            found = check_axe(page)
            if found:
                problems.append(f"{who}, {url} ({width}):\n{found}")

    for number, (username, urls) in enumerate(plan.items()):
        context = open_context()
        page = context.new_page()
        try:
            if number == 0:
                check(page, "/sign-in/", "signed out")
            sign_in(page, username)
            for url in urls:
                check(page, url, f"as {username}")
        finally:
            context.close()
    homes = len(accounts)
    print(f"\naxe-core checked {len(checked)} pages ({homes} roles' homes included):")
    for url in checked:
        print(f"  {view_of(url.split('?', 1)[0]) or 'not found'}: {url}")
    assert len(checked) > 2 * homes
    assert MISSING in checked
    assert not problems, "\n".join(problems)
