"""The pages (``6b(3)(a)``): the red banner with its countdown at the top of a case with
threat information not yet disseminated and on the case list; issuing from it; the report's
page, whose deliveries htmx polls (with a refresh link without JavaScript); acknowledging
from the What's new page."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.utils import timezone

from defector.cases.choices import ObligationStatus
from defector.cases.models import Case, Obligation
from defector.core.access import Action, restrict
from defector.dissemination import actions
from defector.dissemination.models import ThreatReport
from defector.dissemination.queries import list_banner_data
from defector.dissemination.queries.common import THREAT
from support.builders import TRUE_NAME

from .conftest import REPORT, THREAT_FACTS

pytestmark = pytest.mark.django_db


def _csrf(client: Client, url: str) -> str:
    page = client.get(url).content.decode()
    found = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    assert found is not None
    return found.group(1)


def test_the_case_page_opens_with_a_red_banner_a_countdown_and_the_button(
    client_for: Callable[[User], Client], officer: User, threat_case: Case
) -> None:
    page = client_for(officer).get(f"/cases/{threat_case.pk}/").content.decode()
    banner = page.index("data-threat-banner")
    assert banner < page.index("<h1")  # at the top, above everything
    # and on every tab of the case page
    notes = client_for(officer).get(f"/cases/{threat_case.pk}/notes/").content.decode()
    assert notes.index("data-threat-banner") < notes.index("<h1")
    assert "Threat information not yet disseminated" in page
    assert re.search(r"\d+ min \d\d s left", page)
    assert "UTC</time>" in page[banner:]
    assert f'href="/dissemination/cases/{threat_case.pk}/new/"' in page
    assert "dissemination/countdown.js" in page


def test_an_overdue_banner_says_by_how_much(
    client_for: Callable[[User], Client], officer: User, threat_case: Case
) -> None:
    Obligation.objects.filter(case=threat_case, identifier="disseminate_threat_information").update(
        due_at=timezone.now() - dt.timedelta(minutes=7)
    )
    page = client_for(officer).get(f"/cases/{threat_case.pk}/").content.decode()
    assert re.search(r"overdue by 7 min \d\d s", page)


def test_the_banner_goes_once_the_report_is_issued(
    client_for: Callable[[User], Client],
    officer: User,
    threat_case: Case,
    issue: Callable[..., ThreatReport],
) -> None:
    issue()
    page = client_for(officer).get(f"/cases/{threat_case.pk}/").content.decode()
    assert "data-threat-banner" not in page


def test_the_case_list_marks_the_cases_with_undisseminated_threat_information(
    client_for: Callable[[User], Client], state_member: User, threat_case: Case
) -> None:
    page = client_for(state_member).get("/cases/").content.decode()
    assert "data-threat-list-banner" in page
    assert f'data-threat-case="{threat_case.cryptonym}"' in page


def test_a_member_who_may_not_issue_sees_the_banner_without_the_button(
    client_for: Callable[[User], Client], idc: User, threat_case: Case
) -> None:
    page = client_for(idc).get(f"/cases/{threat_case.pk}/").content.decode()
    assert "data-threat-banner" in page
    assert "data-issue-threat-report" not in page
    assert client_for(idc).get(f"/dissemination/cases/{threat_case.pk}/new/").status_code == 403


def test_the_officer_issues_from_the_form_and_lands_on_the_report(
    client_for: Callable[[User], Client], officer: User, threat_case: Case, committed: Any
) -> None:
    client = client_for(officer)
    url = f"/dissemination/cases/{threat_case.pk}/new/"
    token = _csrf(client, url)
    with committed():
        response = client.post(url, {**REPORT, "csrfmiddlewaretoken": token})
    assert response.status_code == 302
    report = ThreatReport.objects.get()
    assert response["Location"] == f"/dissemination/{report.pk}/"
    page = client.get(response["Location"]).content.decode()
    assert 'hx-trigger="every 3s"' in page
    assert f'hx-get="/dissemination/{report.pk}/deliveries/"' in page
    assert "vendor/htmx/htmx.min.js" in page
    assert "data-refresh" in page


def test_a_form_naming_the_subject_comes_back_with_the_error(
    client_for: Callable[[User], Client], officer: User, threat_case: Case
) -> None:
    client = client_for(officer)
    url = f"/dissemination/cases/{threat_case.pk}/new/"
    token = _csrf(client, url)
    response = client.post(
        url, {**REPORT, "location": f"{TRUE_NAME}'s flat", "csrfmiddlewaretoken": token}
    )
    assert response.status_code == 200
    assert "Must not contain the subject" in response.content.decode()
    assert not ThreatReport.objects.exists()


def test_a_recipient_acknowledges_from_the_inbox_and_the_partial_shows_it(
    client_for: Callable[[User], Client],
    officer: User,
    senior: User,
    issue: Callable[..., ThreatReport],
) -> None:
    report = issue()
    recipient = client_for(senior)
    inbox = recipient.get("/notifications/").content.decode()
    assert f'data-pending-link="/dissemination/{report.pk}/"' in inbox
    page = f"/dissemination/{report.pk}/"
    assert "data-acknowledge-form" in recipient.get(page).content.decode()
    token = _csrf(recipient, page)
    response = recipient.post(
        f"/dissemination/{report.pk}/acknowledge/", {"csrfmiddlewaretoken": token}
    )
    assert response.status_code == 302
    partial = client_for(officer).get(f"/dissemination/{report.pk}/deliveries/").content.decode()
    assert partial.count("data-acknowledged-at") == 1
    assert "<html" not in partial
    inbox = recipient.get("/notifications/").content.decode()
    assert f'data-pending-link="/dissemination/{report.pk}/"' not in inbox


def test_hidden_reports_are_404(
    client_for: Callable[[User], Client], bonn_member: User, issue: Callable[..., ThreatReport]
) -> None:
    report = issue()
    client = client_for(bonn_member)
    assert client.get(f"/dissemination/{report.pk}/").status_code == 404
    assert client.get(f"/dissemination/{report.pk}/deliveries/").status_code == 404


def test_the_chair_keeps_the_distribution_on_its_page(
    client_for: Callable[[User], Client],
    chair: User,
    state_member: User,
    security_officer: User,
    world: Any,
) -> None:
    client = client_for(chair)
    url = f"/dissemination/posts/{world.vienna.pk}/distribution/"
    token = _csrf(client, url)
    officer_id = security_officer.official.pk  # type: ignore[attr-defined]
    response = client.post(
        url,
        {
            "senior_representative": "on",
            "security_officers": [officer_id],
            "csrfmiddlewaretoken": token,
        },
    )
    assert response.status_code == 302
    page = client_for(state_member).get(url).content.decode()
    assert f'data-recipient="{officer_id}"' in page
    assert "Post security officer" in page
    assert "<form" not in page.split("data-recipients")[1]


def test_the_page_stops_polling_once_everyone_has_acknowledged(
    client_for: Callable[[User], Client],
    officer: User,
    committee: dict[str, User],
    issue: Callable[..., ThreatReport],
) -> None:
    report = issue()
    for who in ("senior", "chair", "idc"):
        actions.acknowledge_report(acting_user=committee[who], report_id=report.pk)
    partial = client_for(officer).get(f"/dissemination/{report.pk}/deliveries/").content.decode()
    assert "hx-trigger" not in partial
    assert "Acknowledged by 3 of 3: everyone" in partial


def test_the_list_marker_shows_the_open_threat_obligations_each_reader_may_see_soonest_first(
    open_case: Callable[..., Case],
    officer: User,
    state_member: User,
    idc: User,
    threat_case: Case,
) -> None:
    later = open_case(facts=THREAT_FACTS)
    undated = open_case(facts=THREAT_FACTS)
    threats = Obligation.objects.filter(identifier=THREAT, status=ObligationStatus.OPEN)
    threats.filter(case=later).update(due_at=timezone.now() + dt.timedelta(hours=5))
    threats.filter(case=undated).update(due_at=None)
    for user in (officer, state_member, idc):
        expected = [
            (row.case_id, row.case.cryptonym, row.case.post.code, row.due_at)
            for row in restrict(user, Action.VIEW, threats).order_by("due_at", "pk")[:50]
        ]
        data = list_banner_data(user)
        shown = [
            (item.case_id, item.cryptonym, item.post, item.due_at)
            for item in (data["items"] if data else [])
        ]
        assert shown == expected, user
    assert len(expected) == 3
