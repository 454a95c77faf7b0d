"""axe-core over every kind of page, as the demo roles see them: WCAG 2.2 A/AA, no violation.

The pages are found by the crawl (``support.crawl``, the same as ``tests/web/test_crawl.py``),
never listed by hand, so a new page is checked as soon as a link leads to it. To bound the
time, one demo account of each set of roles crawls, and each view (URL name) is checked once —
on the first account whose crawl reaches it — except home ("My work"), which differs by role
and is checked for every role; the sign-in page and the site's own 404 page are checked too.
A day's work at Vienna is added to the demo first, so that the pages of records the demo
lacks (a meeting, procedures, guidance, a problem, a task, a statement, a threat report) are
reached. Each page is checked at a desktop's width and at a phone's.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.utils import timezone
from playwright.sync_api import expect

from defector.cases import actions as case_actions
from defector.cases.models import Case
from defector.committees import actions as committees
from defector.committees.models import Committee
from defector.directory.models import Agency, Official
from defector.dissemination import actions as dissemination
from defector.dissemination.choices import Precedence
from defector.dissemination.queries.threats import has_threat_information
from defector.escalations import actions as escalations
from defector.ops import demo
from defector.ops.demo.grants import signature_png
from defector.policy.gates.committees import REQUIRED_SECTIONS
from support.crawl import client_fetcher, crawl, one_per_role, view_of

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}
#: An address no view answers: the site's own "not found" page.
MISSING = "/no-such-page/"


@pytest.fixture
def demo_site(world: Any, sealing_keys: None) -> tuple[demo.DemoAccount, ...]:
    """The demo, on a database that holds only what it makes itself, and a day's work at
    Vienna on top (so that pages the demo has no record for are reached too)."""
    Case.objects.all().delete()
    accounts = demo.load()
    a_day_at_vienna()
    return accounts


def a_day_at_vienna() -> None:
    """Through the actions, at Vienna: a meeting held with its minutes forwarded to the IDC,
    two versions of the local procedures, the Ambassador's guidance, a mutual problem raised,
    a task, a bona fides check and a signed statement on the post's first case, and a threat
    report from its threat case."""
    users = {user.username: user for user in User.objects.all()}
    chair, officer = users["committee.chair"], users["duty.officer"]
    committee = Committee.objects.get(post__code="VIENNA")
    start = timezone.now() - dt.timedelta(days=2)
    meeting = committees.schedule_meeting(
        acting_user=chair,
        committee_id=committee.pk,
        starts_at=start,
        ends_at=start + dt.timedelta(hours=2),
        place="Chancery, secure conference room",
    )
    committees.mark_meeting_held(acting_user=chair, meeting_id=meeting.pk)
    committees.save_minutes(
        acting_user=chair, meeting_id=meeting.pk, text="Open cases reviewed; traces requested."
    )
    committees.approve_minutes(acting_user=chair, meeting_id=meeting.pk)
    committees.forward_minutes(acting_user=chair, meeting_id=meeting.pk)
    version = committees.create_procedures_draft(
        acting_user=chair,
        committee_id=committee.pk,
        sections={key: f"The post's practice for {key}." for key in REQUIRED_SECTIONS},
        note="First local procedures.",
    )
    for approver in (chair, users["senior.rep"]):
        committees.approve_procedures(acting_user=approver, version_id=version.pk)
    version = committees.create_procedures_draft(
        acting_user=chair, committee_id=committee.pk, note="Walk-ins at the side entrance."
    )
    for approver in (chair, users["senior.rep"]):
        committees.approve_procedures(acting_user=approver, version_id=version.pk)
    committees.issue_guidance(
        acting_user=users["senior.rep"],
        committee_id=committee.pk,
        title="Contacts with the host government",
        body="Tell the Ambassador before any contact with the host government about a case.",
    )
    escalations.raise_problem(
        acting_user=chair, post_id=committee.post_id, title="Interpreter for Hungarian walk-ins"
    )
    cases = list(Case.objects.filter(post__code="VIENNA").order_by("pk"))
    first = cases[0]
    case_actions.create_task(
        acting_user=officer,
        case_id=first.pk,
        expected_version=first.version,
        title="Check the travel documents",
        due_on=timezone.localdate() + dt.timedelta(days=3),
        agency_id=Agency.objects.get(code="CIA").pk,
    )
    first.refresh_from_db()
    case_actions.add_bona_fides_check(
        acting_user=officer,
        case_id=first.pk,
        expected_version=first.version,
        kind="name_traces",
        analyst_id=Official.objects.get(user=officer).pk,
    )
    first.refresh_from_db()
    case_actions.record_statement(
        acting_user=officer,
        case_id=first.pk,
        expected_version=first.version,
        language_code="hu",
        language_name="Hungarian",
        text_original="Önként jöttem, és politikai menedékjogot kérek.",
        text_english="I came of my own free will and ask for political asylum.",
        signed_at=timezone.now() - dt.timedelta(hours=1),
        signature_drawing=signature_png(),
    )
    threat = next(case for case in cases if has_threat_information(case))
    dissemination.issue_report(
        acting_user=officer,
        case_id=threat.pk,
        precedence=Precedence.IMMEDIATE,
        threatened="The chancery",
        location="Vienna",
        timing="Not known",
    )


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
