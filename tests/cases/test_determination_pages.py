"""The determinations on the case page: three sections (political risk, status, inducement),
each form only for those who may use it, posting to its view and coming back with the
action's errors — a refusal naming its clauses, a stale version explained — and nothing
partial saved."""

from __future__ import annotations

import re
from collections.abc import Callable
from html.parser import HTMLParser
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse
from pytest_django.asserts import assertContains, assertNotContains

from defector.cases.models import (
    Case,
    InducementPlan,
    PoliticalRiskDetermination,
    RecruitmentConsideration,
    StatusDetermination,
)
from defector.directory.models import Official

pytestmark = pytest.mark.django_db

ClientFor = Callable[[User], Client]
UNDER_CONTROL: dict[str, Any] = {
    "nationalities": ["PL"],
    "location": "AT",
    "dissatisfied": True,
    "susceptible": True,
    "special_value": ["operational"],
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


def version(case: Case) -> int:
    case.refresh_from_db()
    return case.version


@pytest.fixture
def case(open_case: Any, walk_in_facts: dict[str, Any], world: Any, member: User) -> Case:
    Official.objects.filter(user=member).update(agency=world.state)
    return open_case(facts=walk_in_facts)


def page_of(case: Case, tab: str = "status") -> str:
    """A tab of the case page (the defector status, unless told)."""
    return reverse("cases:tab", args=[case.pk, tab])


def action(name: str, case: Case) -> str:
    """A form's action attribute (a tab's link may share the address)."""
    return f'action="{reverse(name, args=[case.pk])}"'


def test_the_case_page_has_the_three_sections(
    client_for: ClientFor, officer: User, case: Case
) -> None:
    client = client_for(officer)
    overview = client.get(reverse("cases:detail", args=[case.pk]))
    keys = re.findall(r'data-tab="([a-z-]+)"', overview.content.decode())
    assert [k for k in keys if k in {"political-risk", "status", "inducement"}] == [
        "political-risk",
        "status",
        "inducement",
    ]
    response = client.get(page_of(case))
    assertContains(response, 'data-grant-checklist data-allowed="false"')
    assertContains(response, 'data-clause="6b(3)(b)" data-met="false"')
    assert_clean_markup(response)


def test_only_the_senior_representative_sees_the_7a_form(
    client_for: ClientFor, officer: User, chair: User, senior: User, case: Case
) -> None:
    form = action("cases:political_risk", case)
    tab = page_of(case, "political-risk")
    assertNotContains(client_for(officer).get(tab), form)
    assertNotContains(client_for(chair).get(tab), form)
    shown = client_for(senior).get(tab)
    assertContains(shown, form)
    assert_clean_markup(shown)


def test_the_senior_representative_records_7a_from_the_page(
    client_for: ClientFor, senior: User, case: Case
) -> None:
    client = client_for(senior)
    response = post(
        client,
        reverse("cases:political_risk", args=[case.pk]),
        {
            "version": version(case),
            "subject": "case",
            "level": "high",
            "reasoning": "The talks in progress would suffer badly.",
        },
        page=page_of(case),
    )
    assert response.status_code == 302
    assert response["Location"] == page_of(case, "political-risk")
    shown = client.get(page_of(case, "political-risk"))
    assertContains(shown, "Political risk of the case determined: high.")
    assertContains(shown, 'data-risk="case" data-level="high"')


def test_a_chair_posting_7a_is_forbidden(client_for: ClientFor, chair: User, case: Case) -> None:
    response = post(
        client_for(chair),
        reverse("cases:political_risk", args=[case.pk]),
        {"version": version(case), "subject": "case", "level": "low", "reasoning": "x" * 20},
        page=page_of(case),
    )
    assert response.status_code == 403
    assert PoliticalRiskDetermination.objects.count() == 0


def test_a_bad_7a_form_comes_back_with_its_errors(
    client_for: ClientFor, senior: User, case: Case
) -> None:
    response = post(
        client_for(senior),
        reverse("cases:political_risk", args=[case.pk]),
        {"version": version(case), "subject": "case", "reasoning": "short"},
        page=page_of(case),
    )
    assert response.status_code == 200
    assertContains(response, "Choose the level of risk.")
    assert_clean_markup(response)
    assert PoliticalRiskDetermination.objects.count() == 0


def test_a_stale_7a_form_says_who_changed_the_case(
    client_for: ClientFor, senior: User, officer: User, case: Case
) -> None:
    stale = version(case)
    post(
        client_for(officer),
        reverse("cases:note", args=[case.pk]),
        {"version": stale, "text": "Moved to the safe flat."},
        page=page_of(case),
    )
    response = post(
        client_for(senior),
        reverse("cases:political_risk", args=[case.pk]),
        {"version": stale, "subject": "case", "level": "low", "reasoning": "A quiet case."},
        page=page_of(case),
    )
    assert response.status_code == 200
    assertContains(response, "This case was changed by Case Officer")
    assert PoliticalRiskDetermination.objects.count() == 0


def status_data(case: Case, world: Any, decision: str) -> dict[str, Any]:
    return {
        "version": version(case),
        "decision": decision,
        "special_value": "Order-of-battle information (2a(1)).",
        "rationale": "The information outweighs a moderate political cost.",
        f"stance_{world.cia.pk}": "concur",
        f"stance_{world.state.pk}": "dissent",
        f"note_{world.state.pk}": "State prefers to wait for the talks to end.",
    }


def test_a_refused_grant_on_the_page_names_the_missing_clauses(
    client_for: ClientFor, chair: User, case: Case, world: Any, counts: Any
) -> None:
    client = client_for(chair)
    shown = client.get(page_of(case))
    assertContains(shown, action("cases:status", case))
    assertContains(shown, "CIA: Central Intelligence Agency")
    assertContains(shown, "STATE: Department of State")
    assertNotContains(shown, "On behalf of the chair")
    before = counts()
    response = post(
        client,
        reverse("cases:status", args=[case.pk]),
        status_data(case, world, "grant"),
        page=page_of(case),
    )
    assert response.status_code == 200
    assertContains(response, "Defector status cannot be granted")
    assertContains(response, "(6b(3)(b), 6b(3)(c), 7a)")
    assert_clean_markup(response)
    assert counts() == before


def test_a_dissent_without_a_note_comes_back_on_its_field(
    client_for: ClientFor, chair: User, case: Case, world: Any
) -> None:
    data = status_data(case, world, "defer")
    del data[f"note_{world.state.pk}"]
    response = post(
        client_for(chair), reverse("cases:status", args=[case.pk]), data, page=page_of(case)
    )
    assert response.status_code == 200
    assertContains(response, f'id="status_note_{world.state.pk}_error"')
    assertContains(response, "Is required with a dissent: say why")
    assert StatusDetermination.objects.count() == 0


def test_a_member_records_for_the_chair_from_the_page(
    client_for: ClientFor, member: User, chair: User, case: Case, world: Any
) -> None:
    client = client_for(member)
    shown = client.get(page_of(case))
    assertContains(shown, "On behalf of the chair")
    data = status_data(case, world, "defer")
    data["on_behalf_of"] = str(Official.objects.get(user=chair).pk)
    response = post(client, reverse("cases:status", args=[case.pk]), data, page=page_of(case))
    assert response.status_code == 302
    assert response["Location"] == page_of(case)
    done = StatusDetermination.objects.get()
    assert done.on_behalf_of is not None
    assert done.on_behalf_of.user == chair


def test_decline_then_refer_as_a_refugee_from_the_page(
    client_for: ClientFor, chair: User, officer: User, case: Case, world: Any
) -> None:
    post(
        client_for(chair),
        reverse("cases:status", args=[case.pk]),
        status_data(case, world, "decline"),
        page=page_of(case),
    )
    client = client_for(officer)
    shown = client.get(page_of(case))
    assertContains(shown, reverse("cases:refugee_referral", args=[case.pk]))
    assertContains(shown, 'data-decision="decline"')
    assertContains(shown, 'data-agency="STATE" data-stance="dissent"')
    response = post(
        client,
        reverse("cases:refugee_referral", args=[case.pk]),
        {
            "version": version(case),
            "reason": "Well-founded fear of persecution for political opinion.",
            "referred_to": "UNHCR branch office",
            "close": "on",
        },
        page=page_of(case),
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert (case.stage, case.outcome) == ("closed", "referred_refugee")
    closed = client.get(page_of(case))
    assertContains(closed, "Referred as a refugee")
    assertNotContains(closed, reverse("cases:refugee_referral", args=[case.pk]))


def test_the_inducement_section_from_consideration_to_act(
    client_for: ClientFor, officer: User, senior: User, open_case: Any
) -> None:
    case = open_case(facts=UNDER_CONTROL)
    client = client_for(officer)
    page = page_of(case, "inducement")
    shown = client.get(page)
    assertContains(shown, "A plan cannot be recorded yet")
    refused = post(
        client,
        reverse("cases:inducement_plan", args=[case.pk]),
        {"version": version(case), "description": "Approach ORCHID at the fair.", "group_size": 1},
        page=page,
    )
    assert refused.status_code == 200
    assertContains(refused, "(5a(1), 7a)")
    assert_clean_markup(refused)
    considered = post(
        client,
        reverse("cases:recruitment_consideration", args=[case.pk]),
        {
            "version": version(case),
            "conclusion": "induce_defection",
            "reasoning": "ORCHID is about to be recalled; no access worth keeping.",
        },
        page=page,
    )
    assert considered.status_code == 302
    assert RecruitmentConsideration.objects.filter(case=case).exists()
    post(
        client_for(senior),
        reverse("cases:political_risk", args=[case.pk]),
        {"version": version(case), "subject": "inducement", "level": "low", "reasoning": "Quiet."},
        page=page,
    )
    post(
        client_for(senior),
        reverse("cases:political_risk", args=[case.pk]),
        {
            "version": version(case),
            "subject": "inducement",
            "level": "low",
            "reasoning": "A quiet approach abroad.",
        },
        page=page,
    )
    too_many = post(
        client,
        reverse("cases:inducement_plan", args=[case.pk]),
        {"version": version(case), "description": "Approach ORCHID at the fair.", "group_size": 4},
        page=page,
    )
    assertContains(too_many, "(5a(4))")
    planned = post(
        client,
        reverse("cases:inducement_plan", args=[case.pk]),
        {"version": version(case), "description": "Approach ORCHID at the fair.", "group_size": 1},
        page=page,
    )
    assert planned.status_code == 302
    plan = InducementPlan.objects.get(case=case)
    with_plan = client.get(page)
    assertContains(with_plan, reverse("cases:inducement_act", args=[case.pk]))
    assert_clean_markup(with_plan)
    no_official = post(
        client,
        reverse("cases:inducement_act", args=[case.pk]),
        {"version": version(case), "plan": plan.pk, "description": "Offered resettlement."},
        page=page,
    )
    assert no_official.status_code == 200
    assertContains(no_official, 'id="act_committed_by_error"')
    acted = post(
        client,
        reverse("cases:inducement_act", args=[case.pk]),
        {
            "version": version(case),
            "plan": plan.pk,
            "committed_by": Official.objects.get(user=officer).pk,
            "description": "Offered resettlement at the fair.",
        },
        page=page,
    )
    assert acted.status_code == 302
    assertContains(client.get(page), "Offered resettlement at the fair.")


def test_those_who_may_only_see_get_no_determination_forms(
    client_for: ClientFor, idc: User, case: Case
) -> None:
    client = client_for(idc)
    tabs = [client.get(page_of(case, tab)) for tab in ("political-risk", "status", "inducement")]
    assert [response.status_code for response in tabs] == [200, 200, 200]
    for response in tabs:
        for name in ("political_risk", "status", "recruitment_consideration", "inducement_plan"):
            assertNotContains(response, action(f"cases:{name}", case))
