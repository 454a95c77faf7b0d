"""A crawl of every page as every demo role (``defector demo``): from home, every same-origin
link (bounded), and a GET of every form's action. It fails on any 5xx, any 405 answering a
GET, any page that costs more than ``PAGE_QUERIES`` SQL queries, any identifier on screen (a
``snake_case`` word in the visible text), any time of day shown without its zone, and any
Ctrl-click list (``<select multiple>``).

Every tab of every case page reached is visited (each tab counts as a view of its own).

The browser's half (no horizontal scroll at 390 px) is ``tests/e2e/test_browser_crawl.py``.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client

from defector.cases.models import Case
from defector.ops import demo
from support.crawl import (
    client_fetcher,
    crawl,
    identifiers,
    one_per_role,
    parse,
    zoneless_times,
)

pytestmark = pytest.mark.django_db

#: The most SQL queries any page may cost (issue 15: the case page's 20, and a few more for a
#: page with its own banners). ``tests/scale`` holds the main pages to their own bounds and
#: checks that the count stays the same when the rows and officials triple.
PAGE_QUERIES = 25


@pytest.fixture
def demo_site(world: Any, sealing_keys: None) -> tuple[demo.DemoAccount, ...]:
    """The demo, on a database that holds only what it makes itself."""
    Case.objects.all().delete()
    return demo.load()


def test_the_identifier_pattern_finds_snake_case_words_and_nothing_else() -> None:
    found = identifiers(
        "Reception: secure_reception; walk_in; e.g. cases.casenote; duty.officer@demo.invalid "
        "6b(3)(a) US personnel AEBEACON /cases/1/ walk-in"
    )
    assert found == ["secure_reception", "walk_in"]


def test_a_time_without_its_zone_is_found() -> None:
    text = (
        "at 09:14 UTC; at 10:15; 11:16:17.123 UTC; 2026-12-04T09:14Z; at 7:05; "
        "09:00 to 11:00 UTC; 12:00 to 13:00."
    )
    assert zoneless_times(text) == ["10:15", "7:05", "12:00", "13:00"]


def test_the_page_parser_reads_links_form_actions_and_visible_text_only() -> None:
    """A ``GET`` form's action is a link (a search leads to a page); a ``POST`` form's is an
    action."""
    page = parse(
        '<a href="/a/">A</a><form method="post" action="/b/"><select><option value="x_y">'
        "Label</option></select></form><script>var no_label = 1;</script><pre>a_b</pre>"
        '<p title="not_text">text_here</p><select name="many" multiple></select>'
        '<form method="get" action="/search/"><input name="q"></form>'
    )
    assert page.multiple_selects == ["many"]
    assert page.links == ["/a/", "/search/"]
    assert page.actions == ["/b/"]
    assert identifiers(" ".join(page.text)) == ["text_here"]


def _tabs_missed(client: Client, who: str, pages: list[str]) -> list[str]:
    """Every tab of each case page the crawl reached must have been visited too."""
    visited = {page.split("?")[0] for page in pages}
    missed = []
    for page in visited:
        if not re.fullmatch(r"/cases/\d+/", page):
            continue
        html = client.get(page).content.decode()
        tabs = re.findall(r'data-tab="[a-z-]+" href="([^"]+)"', html)
        missed += [
            f"{who}: the tab {tab} of {page} was not visited" for tab in tabs if tab not in visited
        ]
    return missed


# A sweep of every page as every role: run once (``make test`` runs the marker ``attack`` on
# one database; the pages are the same on either).
@pytest.mark.attack
def test_every_page_of_every_demo_role_answers_without_error_or_identifier(
    demo_site: tuple[demo.DemoAccount, ...], django_user_model: Any
) -> None:
    problems: list[str] = []
    visited = 0
    reached_cases = 0
    for account in one_per_role(demo_site):
        client = Client()
        client.force_login(django_user_model.objects.get(username=account.username))
        result = crawl(client_fetcher(client), who=account.username)
        problems += result.problems
        problems += [
            f"{account.username}: {url} costs {count} SQL queries (at most {PAGE_QUERIES})"
            for url, count in result.queries.items()
            if count > PAGE_QUERIES
        ]
        visited += len(result.pages)
        assert result.pages, f"{account.username} reached no page"
        problems += _tabs_missed(client, account.username, result.pages)
        reached_cases += any(re.fullmatch(r"/cases/\d+/", page) for page in result.pages)
    assert reached_cases, "no role reached a case page"
    assert visited > 3 * len(one_per_role(demo_site))
    assert not problems, "\n".join(problems)
