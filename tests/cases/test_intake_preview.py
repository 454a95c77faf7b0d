"""The intake's preview and its dates (``1``, ``2e``, ``6b(1)``): what the directive will say
of the facts before the case is opened (a read: nothing written, nothing audited), the warning
when the facts make no walk-in, and the reception's day — never in the future, before the
directive took effect (18 May 1976) only when the officer confirms it — through the form and
the API."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from pytest_django.asserts import assertContains, assertNotContains

from defector.cases import actions
from defector.cases.models import Assessment, Case
from defector.core.actions import create_api_token
from defector.core.errors import InvalidInput

pytestmark = pytest.mark.django_db

WALK_IN = {
    "nationalities": ["SU"],
    "dissatisfied": "on",
    "susceptible": "on",
    "special_value": ["information"],
    "willing_to_defect": "on",
    "at_us_installation": "on",
    "requests": ["asylum"],
}


def csrf_post(client: Client, url: str, data: dict[str, Any]) -> Any:
    client.get(reverse("cases:new"))
    return client.post(url, {**data, "csrfmiddlewaretoken": client.cookies["csrftoken"].value})


def form_data(world: Any, **facts: Any) -> dict[str, Any]:
    return {"post": world.vienna.pk, "sensitivity": "SECRET", **facts}


@pytest.fixture
def api_post(officer: User) -> Callable[[str, object], Any]:
    """``api_post(path, body)`` as the officer (the token made before anything is counted)."""
    _, token = create_api_token(acting_user=officer, user=officer, name="tests")

    def post(path: str, body: object) -> Any:
        return _post(token, path, body)

    return post


def _post(token: str, path: str, body: object) -> Any:
    return Client().post(
        "/api/v1/cases" + path,
        data=json.dumps(body),
        content_type="application/json",
        headers={"Authorization": f"Bearer {token}"},
    )


# --- the preview ------------------------------------------------------------------------------


def test_the_preview_of_a_walk_in_shows_its_categories_scope_and_obligations(
    client_for: Callable[[User], Client], officer: User, world: Any, counts: Any
) -> None:
    before = counts()
    response = csrf_post(
        client_for(officer), reverse("cases:new-preview"), form_data(world, **WALK_IN)
    )
    assert response.status_code == 200
    assert response.templates[0].name == "cases/includes/intake_preview.html"
    assertContains(response, 'data-category="2e"')
    assertContains(response, 'data-category="2d"')
    assertContains(response, 'data-category="2c"')
    assertContains(response, 'data-scope="1"')
    assertContains(response, "Receive and handle the person securely and expeditiously")
    assertContains(response, "Due within 24 hours of the reception")
    assertNotContains(response, 'data-preview="not-walk-in"')
    assert counts() == before  # nothing written, nothing audited


def test_the_preview_warns_when_the_facts_make_no_walk_in_naming_what_is_missing(
    client_for: Callable[[User], Client], officer: User, world: Any, counts: Any
) -> None:
    before = counts()
    response = csrf_post(
        client_for(officer),
        reverse("cases:new-preview"),
        form_data(world, nationalities=["SU"], at_us_installation="on", requests=["asylum"]),
    )
    assert response.status_code == 200
    warning = response.context["preview"]
    assert not warning.is_walk_in
    assert [fact.label for fact in warning.missing] == [
        "Dissatisfied or potentially estranged in allegiance",
        "May be susceptible to defection or recruitment in place",
        "A ground of special value",
        "Has indicated willingness or desire to defect",
    ]
    assertContains(response, 'data-preview="not-walk-in"')
    assertContains(response, "These facts do not make a walk-in")
    assertContains(response, "#clause-2e")
    assertContains(response, "No category of the directive holds for these facts.")
    assert counts() == before


def test_the_preview_without_a_nationality_asks_for_one_and_lists_what_a_walk_in_needs(
    client_for: Callable[[User], Client], officer: User, world: Any
) -> None:
    response = csrf_post(
        client_for(officer), reverse("cases:new-preview"), form_data(world, requests=["asylum"])
    )
    assertContains(response, "Tick a nationality to see the assessment.")
    assertContains(response, "Not yet a walk-in")
    assertContains(response, "A nationality of a country named in 2a")
    assertNotContains(response, "Asked for asylum or assistance in escaping")


def test_a_walk_in_in_the_united_states_is_no_walk_in_and_the_directive_does_not_apply(
    client_for: Callable[[User], Client], officer: User, world: Any
) -> None:
    response = csrf_post(
        client_for(officer),
        reverse("cases:new-preview"),
        form_data(world, **WALK_IN, location="US"),
    )
    assertContains(response, "In a foreign country, not the US")
    assertContains(response, "None: the directive does not apply to these facts.")


def test_the_report_preview_gives_the_categories_without_the_walk_in_warning(
    client_for: Callable[[User], Client], member: User, world: Any
) -> None:
    response = csrf_post(
        client_for(member),
        reverse("cases:report-preview"),
        form_data(
            world,
            kind="potential_defector",
            nationalities=["CN"],
            dissatisfied="on",
            susceptible="on",
            special_value=["operational"],
        ),
    )
    assertContains(response, 'data-category="2c"')
    assertNotContains(response, 'data-preview="not-walk-in"')


def test_the_walk_in_page_shows_the_preview_and_its_preview_button_opens_no_case(
    client_for: Callable[[User], Client], officer: User, world: Any, counts: Any
) -> None:
    client = client_for(officer)
    page = client.get(reverse("cases:new"))
    assertContains(page, 'id="intake-preview"')
    assertContains(page, "Not yet a walk-in")
    assertContains(page, 'hx-post="/cases/new/preview/"')
    assertContains(page, "vendor/htmx/htmx.min.js")
    before = counts()
    response = csrf_post(
        client, reverse("cases:new"), {**form_data(world, **WALK_IN), "preview": "1"}
    )
    assert response.status_code == 200
    assertContains(response, 'data-category="2e"')
    assert counts() == before


def test_the_preview_is_refused_to_an_official_who_may_open_no_case(
    client_for: Callable[[User], Client], make_official: Any, world: Any
) -> None:
    idc = make_official("idc.member", ("idc_member", None))
    response = csrf_post(client_for(idc), reverse("cases:new-preview"), {})
    assert response.status_code == 403


def test_the_country_pickers_list_the_2a_countries_first_in_the_directive_order(
    client_for: Callable[[User], Client], officer: User
) -> None:
    facts = client_for(officer).get(reverse("cases:new")).context["facts_form"]
    group, choices = facts.fields["nationalities"].choices[0]
    assert group == "Countries named in 2a"
    assert [code for code, _ in choices][:3] == ["SU", "CN", "AL"]
    location = facts.fields["location"].choices
    assert location[0] == ("", "The post's country")
    assert location[1][0] == "Countries named in 2a"
    assert facts.fields["location"].widget.template_name == "cases/widgets/country.html"


# --- the dates ----------------------------------------------------------------------------------


def test_a_reception_before_the_directive_is_refused_on_the_form_until_confirmed(
    client_for: Callable[[User], Client], officer: User, world: Any, counts: Any
) -> None:
    client = client_for(officer)
    before = counts()
    data = form_data(world, nationalities=["SU"], received_at="1970-01-01T00:00")
    refused = csrf_post(client, reverse("cases:new"), data)
    assert refused.status_code == 200
    errors = refused.context["form"].errors["received_at"]
    assert "before DCID 4/21 took effect on 18 May 1976" in errors[0]
    assert "DCID 4/2 was" in errors[0]
    assert errors[0].endswith("(1)")
    assertContains(refused, 'name="confirm_before_directive"')  # offered now, not before
    assert counts() == before
    confirmed = csrf_post(client, reverse("cases:new"), {**data, "confirm_before_directive": "on"})
    assert confirmed.status_code == 302
    case = Case.objects.get()
    assert case.received_at == dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
    assessment = Assessment.objects.get(case=case)
    assert assessment.outcome["in_force"] is False


def test_a_reception_in_the_future_is_refused_on_the_form_even_when_confirmed(
    client_for: Callable[[User], Client], officer: User, world: Any, counts: Any
) -> None:
    before = counts()
    tomorrow = timezone.now() + dt.timedelta(days=2)
    response = csrf_post(
        client_for(officer),
        reverse("cases:new"),
        form_data(
            world,
            nationalities=["SU"],
            received_at=tomorrow.strftime("%Y-%m-%dT%H:%M"),
            confirm_before_directive="on",
        ),
    )
    assert response.status_code == 200
    assert "is in the future" in response.context["form"].errors["received_at"][0]
    assert counts() == before


def test_the_walk_in_page_does_not_offer_the_confirmation_until_a_date_needs_it(
    client_for: Callable[[User], Client], officer: User
) -> None:
    page = client_for(officer).get(reverse("cases:new"))
    assertNotContains(page, 'name="confirm_before_directive"')


def test_the_api_refuses_a_walk_in_received_before_the_directive_naming_the_field(
    api_post: Any, world: Any, counts: Any
) -> None:
    before = counts()
    body = {"facts": {"nationalities": ["SU"]}, "received_at": "1975-12-31T12:00:00Z"}
    response = api_post("/walk-ins", body)
    assert response.status_code == 422, response.content
    errors = {error["field"]: error["message"] for error in response.json()["errors"]}
    assert "before DCID 4/21 took effect" in errors["received_at"]
    assert errors["received_at"].endswith("(1)")
    assert counts() == before
    confirmed = api_post("/walk-ins", {**body, "confirm_before_directive": True})
    assert confirmed.status_code == 201, confirmed.content


def test_the_api_refuses_facts_dated_before_the_directive_or_in_the_future(
    api_post: Any, world: Any, counts: Any
) -> None:
    before = counts()
    old = api_post("/walk-ins", {"facts": {"nationalities": ["SU"], "as_of": "1976-05-17"}})
    assert old.status_code == 422, old.content
    assert "facts.as_of" in {error["field"] for error in old.json()["errors"]}
    later = (timezone.localdate() + dt.timedelta(days=3)).isoformat()
    future = api_post("/walk-ins", {"facts": {"nationalities": ["SU"], "as_of": later}})
    assert future.status_code == 422, future.content
    messages = {error["field"]: error["message"] for error in future.json()["errors"]}
    assert "in the future" in messages["facts.as_of"]
    assert counts() == before


def test_the_action_takes_a_confirmed_reception_before_the_directive(
    officer: User, world: Any
) -> None:
    received = dt.datetime(1976, 5, 17, 23, 0, tzinfo=dt.UTC)
    with pytest.raises(InvalidInput) as refused:
        actions.open_case(
            acting_user=officer,
            post_id=world.vienna.pk,
            sensitivity="SECRET",
            facts={"nationalities": ["SU"]},
            received_at=received,
        )
    assert [error["field"] for error in refused.value.errors] == ["received_at"]
    case = actions.open_case(
        acting_user=officer,
        post_id=world.vienna.pk,
        sensitivity="SECRET",
        facts={"nationalities": ["SU"]},
        received_at=received,
        confirm_before_directive=True,
    )
    assert case.received_at == received


def test_the_api_previews_a_walk_in_naming_the_missing_facts_and_saves_nothing(
    api_post: Any, world: Any, counts: Any
) -> None:
    before = counts()
    response = api_post(
        "/walk-ins/preview", {"facts": {"nationalities": ["SU"], "requests": ["asylum"]}}
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["assessed"] is True
    assert body["walk_in"] is False
    assert [fact["key"] for fact in body["missing"]] == [
        "dissatisfied",
        "susceptible",
        "special_value",
        "willing_to_defect",
    ]
    assert {line["clause"] for line in body["scope"]} == {"1", "3"}
    walk_in = dict.fromkeys(("dissatisfied", "susceptible", "willing_to_defect"), True)
    facts = {"nationalities": ["SU"], "requests": ["asylum"], "special_value": ["information"]}
    full = api_post("/walk-ins/preview", {"facts": {**facts, **walk_in}}).json()
    assert full["walk_in"] is True
    assert full["missing"] == []
    assert "walk_in" in [category["key"] for category in full["categories"]]
    assert "secure_reception" in [obligation["key"] for obligation in full["obligations"]]
    old = api_post(
        "/walk-ins/preview",
        {"facts": {"nationalities": ["SU"]}, "received_at": "1970-01-01T00:00:00Z"},
    ).json()
    assert "DCID 4/2 was" in old["date_refusal"]
    assert counts() == before


def test_the_api_preview_names_an_impossible_time_or_post_without_failing(
    api_post: Any, world: Any
) -> None:
    response = api_post(
        "/walk-ins/preview",
        {
            "facts": {"nationalities": ["SU"], "as_of": "2999-01-01"},
            "received_at": "0001-01-01T00:00:00+14:00",
            "post_id": 2**70,
        },
    )
    assert response.status_code == 422, response.content
    assert "received_at" in {error["field"] for error in response.json()["errors"]}
    response = api_post("/walk-ins/preview", {"facts": {"nationalities": ["SU"]}, "post_id": 2**70})
    assert response.status_code == 422, response.content
    assert "post_id" in {error["field"] for error in response.json()["errors"]}
    opened = api_post("/walk-ins", {"facts": {"nationalities": ["SU"]}, "officer_ids": [2**70]})
    assert opened.status_code == 422, opened.content
    assert "officer_ids.0" in {error["field"] for error in opened.json()["errors"]}
    future = api_post(
        "/walk-ins/preview", {"facts": {"nationalities": ["SU"], "as_of": "2999-01-01"}}
    ).json()
    assert "in the future" in future["date_refusal"]
