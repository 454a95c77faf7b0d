"""The case page and the pages that change a case: its sections (assessment with the clause
texts, obligations with the overdue in red, notes, timeline), the facts, the stage, an
obligation — each form explaining its errors, nothing partial saved."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from html.parser import HTMLParser
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse
from pytest_django.asserts import assertContains, assertNotContains

from defector.cases import sections
from defector.cases.models import Assessment, Case, CaseNote, Obligation

pytestmark = pytest.mark.django_db

ClientFor = Callable[[User], Client]
FACTS: dict[str, Any] = {
    "nationalities": ["SU"],
    "escaped_control": True,
    "unwilling_to_return": True,
    "dissatisfied": True,
    "susceptible": True,
    "willing_to_defect": True,
    "special_value": ["information"],
    "requests": ["asylum"],
    "threat_information": True,
}


class Markup(HTMLParser):
    """What the strict CSP forbids, and ids used twice."""

    def __init__(self) -> None:
        super().__init__()
        self.problems: list[str] = []
        self.ids: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        named = dict(attrs)
        if tag == "script" and not named.get("src"):
            self.problems.append("inline script")
        if tag == "style" or "style" in named:
            self.problems.append(f"style on <{tag}>")
        self.problems += [f"{name} on <{tag}>" for name in named if name.startswith("on")]
        if named.get("id"):
            self.ids.append(str(named["id"]))


def assert_clean_markup(response: Any) -> None:
    parser = Markup()
    parser.feed(response.content.decode())
    assert parser.problems == []
    doubled = {i for i in parser.ids if parser.ids.count(i) > 1}
    assert doubled == set()


def post(client: Client, url: str, data: dict[str, Any], *, page: str) -> Any:
    client.get(page)
    return client.post(url, {**data, "csrfmiddlewaretoken": client.cookies["csrftoken"].value})


@pytest.fixture
def case(open_case: Any) -> Case:
    return open_case(
        facts=FACTS,
        received_at=dt.datetime.now(dt.UTC) - dt.timedelta(hours=1),
        received_where="Consular section",
        note="Came alone, asked for the ambassador.",
    )


def tab(case: Case, key: str) -> str:
    return reverse("cases:tab", args=[case.pk, key])


def test_the_case_page_has_a_tab_for_every_section_and_shows_one_at_a_time(
    client_for: ClientFor, officer: User, case: Case
) -> None:
    client = client_for(officer)
    response = client.get(reverse("cases:detail", args=[case.pk]))
    assert response.status_code == 200
    body = response.content.decode()
    expected = [
        section.key
        for section in sections.registered()
        if section.visible is None or section.visible(officer, case)
    ]
    # every section the officer may see is a tab, in the registered order, after the Overview
    assert re.findall(r'data-tab="([a-z-]+)"', body) == ["overview", *expected]
    assert {"assessment", "obligations", "subject", "notes", "timeline"} <= set(expected)
    assert re.findall(r'data-section="([a-z-]+)"', body) == ["overview"]
    assertContains(response, 'data-tab="overview" href="/cases/')
    assert re.findall(r'data-tab="([a-z-]+)"[^>]*aria-current="page"', body) == ["overview"]
    assertContains(response, "Consular section")
    assertContains(response, 'data-case-stage="reception"')
    assertContains(response, "data-next-steps")
    assert_clean_markup(response)
    for key in expected:
        page = client.get(tab(case, key))
        assert page.status_code == 200, key
        shown = re.findall(r'data-section="([a-z-]+)"', page.content.decode())
        assert shown == [key]
        assertContains(page, f'data-tab="{key}" href="{tab(case, key)}" aria-current="page"')
        assertContains(page, 'data-case-stage="reception"')  # the header on every tab
        assert_clean_markup(page)


def test_a_tab_that_is_not_registered_is_not_found_and_the_overview_has_one_address(
    client_for: ClientFor, officer: User, case: Case
) -> None:
    client = client_for(officer)
    assert client.get(tab(case, "no-such-tab")).status_code == 404
    response = client.get(tab(case, "overview"))
    assert response.status_code == 302
    assert response["Location"] == reverse("cases:detail", args=[case.pk])


def test_the_header_says_the_categories_as_assessed_even_when_there_are_none(
    client_for: ClientFor, officer: User, open_case: Any
) -> None:
    client = client_for(officer)
    none_apply = open_case(facts={"nationalities": ["FR"]})
    body = client.get(reverse("cases:detail", args=[none_apply.pk])).content.decode()
    header = re.search(r"data-header-categories>(.*?)</dd>", body, flags=re.S)
    assert header is not None
    assert "None assessed yet" not in header.group(1)
    assert "finds none of the directive" in header.group(1)
    assessed = open_case(facts=FACTS)
    body = client.get(reverse("cases:detail", args=[assessed.pk])).content.decode()
    header = re.search(r"data-header-categories>(.*?)</dd>", body, flags=re.S)
    assert header is not None
    assert "Defector" in header.group(1)


def test_next_steps_name_what_blocks_the_grant_with_clauses_and_tabs_and_what_falls_due(
    client_for: ClientFor, officer: User, case: Case
) -> None:
    body = client_for(officer).get(reverse("cases:detail", args=[case.pk])).content.decode()
    blockers = dict(
        re.findall(r'<li data-blocker="([^"]+)"><a class="usa-link text-bold" href="([^"]+)"', body)
    )
    # the latest assessment finds a defector: bona fides, the statement and 7a are missing
    assert blockers == {
        "6b(3)(b)": tab(case, "bona-fides"),
        "6b(3)(c)": tab(case, "statement"),
        "7a": tab(case, "political-risk"),
    }
    due = re.findall(r'<li data-due="([a-z_]+)">(.*?)</li>', body, flags=re.S)
    assert due[0][0] == "disseminate_threat_information"  # 15 minutes: the soonest
    assert "UTC" in due[0][1]
    assert "due in" in due[0][1] or "overdue by" in due[0][1]
    assert body.index("data-next-steps") < body.index("data-case-tabs")


def test_the_assessment_shows_categories_obligations_and_the_clause_texts(
    client_for: ClientFor, officer: User, case: Case
) -> None:
    response = client_for(officer).get(tab(case, "assessment"))
    assertContains(response, 'data-category="defector"')
    assertContains(response, 'data-obligation="disseminate_threat_information"')
    assertContains(response, 'data-clause="2e"')
    assertContains(response, "data-clause-texts")
    # the text of 6b(3)(a), in full
    assertContains(response, "disseminated as a matter of immediate priority")
    assertContains(response, reverse("cases:facts", args=[case.pk]))


def test_overdue_obligations_show_in_red(
    client_for: ClientFor, officer: User, open_case: Any
) -> None:
    case = open_case(facts=FACTS, received_at=dt.datetime.now(dt.UTC) - dt.timedelta(hours=25))
    body = client_for(officer).get(tab(case, "obligations")).content.decode()
    # secure reception is due 24 hours after the reception: the person came 25 hours ago
    row = re.search(r'<tr data-obligation="secure_reception"[^>]*>', body)
    assert row is not None
    assert "text-error-dark" in row.group(0)
    statement = re.search(
        r'<tr data-obligation="obtain_voluntary_statement".*?</tr>', body, flags=re.S
    )
    assert statement is not None
    assert "Before status is granted" in statement.group(0)
    assert "data-overdue" not in statement.group(0)


def test_the_timeline_and_the_notes_are_on_the_page(
    client_for: ClientFor, officer: User, case: Case
) -> None:
    client = client_for(officer)
    response = client.get(tab(case, "timeline"))
    assertContains(response, 'data-kind="cases.case.open"')
    assertContains(response, 'data-kind="cases.case.categories"')
    assertContains(client.get(tab(case, "notes")), "Came alone, asked for the ambassador.")


def test_those_who_may_only_see_get_no_forms(client_for: ClientFor, idc: User, case: Case) -> None:
    client = client_for(idc)
    for page in (reverse("cases:detail", args=[case.pk]), tab(case, "notes")):
        response = client.get(page)
        assert response.status_code == 200
        assertNotContains(response, reverse("cases:move", args=[case.pk]))
        assertNotContains(response, 'method="post" action="/cases/')
        assertNotContains(response, reverse("cases:facts", args=[case.pk]))


def test_a_section_registered_by_another_part_shows_on_the_page(
    client_for: ClientFor, officer: User, case: Case
) -> None:
    key = "test-stand-in"
    before = {section.key: section for section in sections.registered()}
    sections.register_section(
        sections.CaseSection(
            key=key,
            title="A stand-in",
            template="cases/sections/subject.html",
            order=31,
        )
    )
    try:
        client = client_for(officer)
        body = client.get(reverse("cases:detail", args=[case.pk])).content.decode()
        own = client.get(tab(case, key)).content.decode()
    finally:
        sections.unregister_section(key)
        if key in before:
            sections.register_section(before[key])
    assert {section.key: section for section in sections.registered()} == before
    keys = re.findall(r'data-tab="([a-z-]+)"', body)
    assert keys[:4] == ["overview", "assessment", "obligations", key]
    assert re.findall(r'data-section="([a-z-]+)"', own) == [key]


# --- facts ----------------------------------------------------------------------------------


def test_the_facts_page_starts_from_the_latest_facts(
    client_for: ClientFor, officer: User, case: Case
) -> None:
    response = client_for(officer).get(reverse("cases:facts", args=[case.pk]))
    assert response.status_code == 200
    form = response.context["form"]
    assert form.initial["nationalities"] == ["SU"]
    assert form.initial["version"] == 1
    assertContains(response, 'name="version"')
    assert_clean_markup(response)


def test_changing_the_facts_on_the_page_adds_an_assessment(
    client_for: ClientFor, officer: User, case: Case
) -> None:
    client = client_for(officer)
    url = reverse("cases:facts", args=[case.pk])
    response = post(
        client,
        url,
        {"version": 1, "nationalities": ["SU"], "location": "AT", "special_value": ["information"]},
        page=url,
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert Assessment.objects.filter(case=case).count() == 2
    page = client.get(response["Location"])
    assertContains(page, "Facts saved: assessment 2.")
    assertContains(page, "data-assessment-history")


def test_bad_facts_on_the_page_are_explained_and_nothing_is_saved(
    client_for: ClientFor, officer: User, case: Case, counts: Any
) -> None:
    before = counts()
    url = reverse("cases:facts", args=[case.pk])
    response = post(client_for(officer), url, {"version": 1, "location": "AT"}, page=url)
    assert response.status_code == 200
    assertContains(response, 'id="error-summary"')
    assertContains(response, "Select at least one nationality.")
    assert counts() == before


def test_the_facts_page_is_refused_to_those_who_may_only_see(
    client_for: ClientFor, idc: User, officer_in_bonn: User, case: Case
) -> None:
    url = reverse("cases:facts", args=[case.pk])
    assert client_for(idc).get(url).status_code == 403
    assert client_for(officer_in_bonn).get(url).status_code == 404


# --- the stage ------------------------------------------------------------------------------


def test_moving_the_case_on_from_its_page(client_for: ClientFor, officer: User, case: Case) -> None:
    client = client_for(officer)
    page = reverse("cases:detail", args=[case.pk])
    response = post(
        client, reverse("cases:move", args=[case.pk]), {"version": 1, "to": "assessment"}, page=page
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.stage == "assessment"
    assertContains(client.get(page), f"Case {case.cryptonym} is now at Assessment.")


def test_an_illegal_move_on_the_page_is_explained(
    client_for: ClientFor, officer: User, case: Case, counts: Any
) -> None:
    before = counts()
    page = reverse("cases:detail", args=[case.pk])
    response = post(
        client_for(officer),
        reverse("cases:move", args=[case.pk]),
        {"version": 1, "to": "closed"},
        page=page,
    )
    assert response.status_code == 200
    assertContains(response, "Is required to close a case: say how it ended")
    assert counts() == before


# --- notes ------------------------------------------------------------------------------------


def test_adding_a_note_from_the_page(client_for: ClientFor, officer: User, case: Case) -> None:
    client = client_for(officer)
    page = reverse("cases:detail", args=[case.pk])
    response = post(
        client,
        reverse("cases:note", args=[case.pk]),
        {"version": 1, "text": "Moved to the safe flat at 11:00."},
        page=page,
    )
    assert response.status_code == 302
    assert response["Location"] == tab(case, "notes")
    assert CaseNote.objects.filter(case=case, text="Moved to the safe flat at 11:00.").exists()


def test_an_empty_note_is_explained(
    client_for: ClientFor, officer: User, case: Case, counts: Any
) -> None:
    before = counts()
    page = reverse("cases:detail", args=[case.pk])
    response = post(
        client_for(officer), reverse("cases:note", args=[case.pk]), {"version": 1}, page=page
    )
    assertContains(response, "Write the note.")
    assert counts() == before


@pytest.mark.parametrize(
    "form",
    ["cases:note", "cases:political_risk", "cases:check-add"],
    ids=["a case form", "a determination form", "a handling section's form"],
)
def test_a_form_with_errors_puts_error_in_the_page_title(
    client_for: ClientFor, officer: User, case: Case, form: str
) -> None:
    page = reverse("cases:detail", args=[case.pk])
    client = client_for(officer)
    assertContains(client.get(page), f"<title>{case.cryptonym}")
    response = post(client, reverse(form, args=[case.pk]), {"version": 1}, page=page)
    assert response.status_code == 200
    assertContains(response, f"<title>Error: {case.cryptonym}")


# --- an obligation ----------------------------------------------------------------------------


def test_an_obligation_page_discharges_it_with_evidence(
    client_for: ClientFor, officer: User, case: Case
) -> None:
    threat = Obligation.objects.get(case=case, identifier="disseminate_threat_information")
    client = client_for(officer)
    page = reverse("cases:obligation", args=[case.pk, threat.pk])
    shown = client.get(page)
    assert shown.status_code == 200
    assertContains(shown, "Mark it done")
    assertNotContains(shown, "Waive it")  # a case officer may not waive
    assert_clean_markup(shown)
    response = post(
        client,
        reverse("cases:discharge", args=[case.pk, threat.pk]),
        {"version": 1, "evidence": "Flash cable to Washington at 09:41."},
        page=page,
    )
    assert response.status_code == 302
    threat.refresh_from_db()
    assert threat.status == "done"


def test_an_obligation_page_refuses_a_discharge_without_evidence(
    client_for: ClientFor, officer: User, case: Case, counts: Any
) -> None:
    threat = Obligation.objects.get(case=case, identifier="disseminate_threat_information")
    before = counts()
    page = reverse("cases:obligation", args=[case.pk, threat.pk])
    response = post(
        client_for(officer),
        reverse("cases:discharge", args=[case.pk, threat.pk]),
        {"version": 1, "evidence": "ok"},
        page=page,
    )
    assert response.status_code == 200
    assertContains(response, "Must be at least 10 characters")
    assert counts() == before


def test_the_chair_sees_the_waiver_form(client_for: ClientFor, chair: User, case: Case) -> None:
    threat = Obligation.objects.get(case=case, identifier="report_to_idc")
    response = client_for(chair).get(reverse("cases:obligation", args=[case.pk, threat.pk]))
    assertContains(response, "Waive it")


def test_an_obligation_of_a_case_the_user_may_not_see_is_not_found(
    client_for: ClientFor, officer_in_bonn: User, case: Case
) -> None:
    threat = Obligation.objects.get(case=case, identifier="report_to_idc")
    url = reverse("cases:obligation", args=[case.pk, threat.pk])
    assert client_for(officer_in_bonn).get(url).status_code == 404


def test_a_registered_section_adds_its_badge_and_its_next_steps_to_the_page(
    client_for: ClientFor, officer: User, case: Case
) -> None:
    key = "test-stand-in"
    sections.register_section(
        sections.CaseSection(
            key=key,
            title="A stand-in with work",
            template="cases/sections/subject.html",
            order=99,
            tab_label="Stand-in",
            badge=lambda user, case: 4,
            next_steps=lambda user, case: [
                sections.NextStep("Debrief against the requirements", ("4a",), tab=key)
            ],
        )
    )
    try:
        body = client_for(officer).get(reverse("cases:detail", args=[case.pk])).content.decode()
    finally:
        sections.unregister_section(key)
    tab_link = re.search(rf'data-tab="{key}" href="[^"]+">(.*?)</a>', body, flags=re.S)
    assert tab_link is not None
    assert tab_link.group(1).startswith("Stand-in")
    assert ">4<" in tab_link.group(1)
    steps = re.search(r"<ul[^>]*data-more-steps>(.*?)</ul>", body, flags=re.S)
    assert steps is not None
    assert f'href="{tab(case, key)}">Debrief against the requirements</a>' in steps.group(1)
