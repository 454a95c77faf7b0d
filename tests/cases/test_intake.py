"""Intake (``6b(1)``): a walk-in received in a few fields, a person reported by an official —
through the action, the pages and the API — with the facts assessed at once."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse
from pytest_django.asserts import assertContains

from defector.cases.models import Assessment, Case, CaseNote, Obligation, TimelineEntry
from defector.core.actions import create_api_token
from defector.core.errors import InvalidInput
from defector.core.models import AuditEvent
from defector.policy import POLICY_VERSION

pytestmark = pytest.mark.django_db

AT = dt.datetime(2026, 3, 2, 9, 30, tzinfo=dt.UTC)


def csrf_post(client: Client, url: str, data: dict[str, Any]) -> Any:
    client.get(url)
    return client.post(url, {**data, "csrfmiddlewaretoken": client.cookies["csrftoken"].value})


def api_post(user: User, path: str, body: object) -> Any:
    _, token = create_api_token(acting_user=user, user=user, name="tests")
    return Client().post(
        "/api/v1/cases" + path,
        data=json.dumps(body),
        content_type="application/json",
        headers={"Authorization": f"Bearer {token}"},
    )


# --- the action ---------------------------------------------------------------------------------


def test_a_walk_in_with_facts_is_assessed_at_once(
    open_case: Any, walk_in_facts: dict[str, Any]
) -> None:
    case = open_case(facts=walk_in_facts, at=AT)
    assessment = Assessment.objects.get(case=case)
    assert assessment.number == 1
    assert assessment.categories == [
        "defector",
        "potential_defector",
        "disaffected_person",
        "walk_in",
    ]
    assert assessment.applies is True
    assert assessment.policy_version == POLICY_VERSION
    assert assessment.facts["location"] == "AT"  # the post's country
    assert assessment.facts["as_of"] == "2026-03-02"  # the day received
    assert assessment.facts["at_us_installation"] is True  # a walk-in came to the embassy
    assert assessment.outcome["categories"] == assessment.categories
    case.refresh_from_db()
    assert case.categories == assessment.categories
    assert case.stage == "reception"
    assert set(Obligation.objects.filter(case=case).values_list("identifier", flat=True)) == set(
        assessment.obligations
    )


def test_a_walk_in_without_facts_opens_with_no_assessment(open_case: Any) -> None:
    case = open_case()
    assert not Assessment.objects.filter(case=case).exists()
    assert not Obligation.objects.filter(case=case).exists()
    assert [entry.kind for entry in TimelineEntry.objects.filter(case=case)] == ["cases.case.open"]


def test_the_reception_is_recorded_as_given(open_case: Any) -> None:
    received = AT - dt.timedelta(minutes=20)
    case = open_case(
        at=AT,
        received_at=received,
        received_where="Consular section, front desk",
        request_other="Wants his wife informed",
    )
    assert case.received_at == received
    assert case.opened_at == AT
    assert case.received_where == "Consular section, front desk"
    assert case.request_other == "Wants his wife informed"


def test_the_intake_timeline_says_what_was_received_and_assessed(
    open_case: Any, walk_in_facts: dict[str, Any]
) -> None:
    case = open_case(facts=walk_in_facts, received_where="front gate", note="Came alone.", at=AT)
    entries = list(TimelineEntry.objects.filter(case=case))
    assert [entry.kind for entry in entries] == [
        "cases.case.open",
        "cases.assessment.create",
        "cases.case.categories",
        "cases.obligation.open",
        "cases.casenote.add",
    ]
    assert entries[0].summary == (
        f"Walk-in received at Embassy Vienna (front gate); case {case.cryptonym} opened"
    )
    assert entries[2].summary == (
        "Categories changed: + defector, + potential defector, + disaffected person, + walk in"
    )
    assert {entry.at for entry in entries} == {AT}
    seq = AuditEvent.objects.get(action="cases.case.open").seq
    assert {entry.audit_seq for entry in entries} == {seq}
    assert CaseNote.objects.get(case=case).text == "Came alone."


def test_intake_still_writes_one_audit_event_with_the_assessment(
    open_case: Any, walk_in_facts: dict[str, Any]
) -> None:
    # The case's own records: on SQLite the intake's name trace writes its own record in the
    # intake's transaction too (traces.actions.intake), after the case's.
    own = AuditEvent.objects.exclude(action="traces.trace.run")
    before = own.count()
    case = open_case(facts={**walk_in_facts, "threat_information": True})
    assert own.count() == before + 1
    after = AuditEvent.objects.get(action="cases.case.open").after
    assert after["assessment"] == 1
    assert after["categories"][0] == "defector"
    assert "disseminate_threat_information" in after["opened"]
    assert after["stage"] == "reception"
    assert after["cryptonym"] == case.cryptonym


@pytest.mark.parametrize("kind", ["potential_defector", "disaffected_person"])
def test_a_reported_person_is_opened_with_their_kind_and_the_report_as_first_note(
    open_case: Any, kind: str
) -> None:
    case = open_case(
        kind=kind,
        facts={"nationalities": ["PL"], "dissatisfied": True, "susceptible": True},
        note="Met at a trade fair; complained about his ministry.",
    )
    assert case.kind == kind
    assessment = Assessment.objects.get(case=case)
    assert assessment.facts["at_us_installation"] is False  # reported, not a walk-in
    assert assessment.categories == []  # no special value yet
    summary = TimelineEntry.objects.filter(case=case).first()
    assert summary is not None
    reported = "Potential defector" if kind == "potential_defector" else "Disaffected person"
    assert summary.summary.startswith(f"{reported} reported at Embassy Vienna")
    assert CaseNote.objects.get(case=case).text.startswith("Met at a trade fair")


@pytest.mark.parametrize(
    ("overrides", "fields"),
    [
        ({"facts": {"location": "AT"}}, {"facts.nationalities"}),
        ({"facts": {"nationalities": ["XX"]}}, {"facts.nationalities[0]"}),
        ({"facts": {"nationalities": ["SU"], "threat": True}}, {"facts.threat"}),
        ({"facts": ["SU"]}, {"facts"}),
        ({"received_at": AT + dt.timedelta(days=1)}, {"received_at"}),
        ({"received_at": dt.datetime(2026, 3, 2, 9, 0)}, {"received_at"}),  # noqa: DTZ001
        ({"received_where": "x" * 301}, {"received_where"}),
        ({"received_where": "two\nlines"}, {"received_where"}),
        ({"request_other": "bad\x00byte"}, {"request_other"}),
        ({"note": "y" * 10_001}, {"note"}),
    ],
    ids=[
        "facts without nationalities",
        "an unknown country",
        "an unknown fact",
        "facts that are not an object",
        "a reception in the future",
        "a reception time without a time zone",
        "an overlong place",
        "a place on two lines",
        "control characters in a request",
        "an overlong first note",
    ],
)
def test_bad_intake_input_is_named_and_nothing_is_saved(
    open_case: Any,
    counts: Callable[[], tuple[int, ...]],
    overrides: dict[str, Any],
    fields: set[str],
) -> None:
    before = counts()
    with pytest.raises(InvalidInput) as caught:
        open_case(at=AT, **overrides)
    assert {error["field"] for error in caught.value.errors} == fields
    assert counts() == before


def test_every_bad_field_of_an_intake_is_named_at_once(
    open_case: Any, counts: Callable[[], tuple[int, ...]]
) -> None:
    before = counts()
    with pytest.raises(InvalidInput) as caught:
        open_case(
            sensitivity="COSMIC",
            facts={"nationalities": ["XX"], "location": "ZZ"},
            received_where="a\x01b",
        )
    assert {error["field"] for error in caught.value.errors} == {
        "sensitivity",
        "facts.nationalities[0]",
        "facts.location",
        "received_where",
    }
    assert counts() == before


# --- the pages ----------------------------------------------------------------------------------


def test_the_walk_in_form_defaults_the_post_the_time_and_the_sensitivity(
    client_for: Callable[[User], Client], make_official: Any, world: Any
) -> None:
    officer = make_official(
        "low.clearance", ("case_officer", world.vienna), clearance="CONFIDENTIAL"
    )
    response = client_for(officer).get(reverse("cases:new"))
    form = response.context["form"]
    assert form.initial["post"] == str(world.vienna.pk)
    assert form.initial["sensitivity"] == "CONFIDENTIAL"  # SECRET, capped by the clearance
    assert abs(form.initial["received_at"] - dt.datetime.now(dt.UTC)) < dt.timedelta(minutes=2)
    facts = response.context["facts_form"]
    assert "as_of" not in facts.fields
    assert facts.fields["location"].required is False
    assertContains(response, 'name="threat_information"')
    assertContains(response, "Identity (sealed)")
    assertContains(response, 'type="checkbox" name="requests" value="asylum"')
    assert facts.initial["at_us_installation"] is True  # a walk-in came to the embassy (2e)


def test_an_officer_cleared_secret_gets_secret_by_default(
    client_for: Callable[[User], Client], officer: User
) -> None:
    form = client_for(officer).get(reverse("cases:new")).context["form"]
    assert form.initial["sensitivity"] == "SECRET"


def test_a_walk_in_is_received_with_a_nationality_and_a_request_only(
    client_for: Callable[[User], Client], officer: User, world: Any
) -> None:
    """The fields a duty officer fills in under two minutes: the rest are defaults."""
    client = client_for(officer)
    form = client.get(reverse("cases:new")).context["form"]
    response = csrf_post(
        client,
        reverse("cases:new"),
        {
            "post": form.initial["post"],
            "sensitivity": form.initial["sensitivity"],
            "received_at": form.initial["received_at"].strftime("%Y-%m-%dT%H:%M"),
            "nationalities": ["SU"],
            "requests": ["asylum"],
            "threat_information": "on",
            "at_us_installation": "on",  # checked already on the form
        },
    )
    case = Case.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("cases:detail", args=[case.pk])
    assessment = Assessment.objects.get(case=case)
    assert assessment.facts["requests"] == ["asylum"]
    assert assessment.facts["threat_information"] is True
    assert assessment.facts["location"] == "AT"
    assert assessment.facts["at_us_installation"] is True
    threat = Obligation.objects.get(case=case, identifier="disseminate_threat_information")
    assert threat.due_at == threat.arose_at + dt.timedelta(minutes=15)
    page = client.get(response["Location"])
    assertContains(page, "Disseminate threat information")


def test_the_walk_in_form_shows_every_problem_of_both_parts_in_one_summary(
    client_for: Callable[[User], Client], officer: User, counts: Any
) -> None:
    before = counts()
    response = csrf_post(
        client_for(officer),
        reverse("cases:new"),
        {"post": "", "sensitivity": "", "nationalities": [], "birth_date": "Oct 1930"},
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert body.count('id="error-summary"') == 1
    assertContains(response, "Choose the post.")
    assertContains(response, "Select at least one nationality.")
    assertContains(response, 'href="#id_nationalities"')
    assert counts() == before


def test_a_policy_error_on_the_facts_comes_back_to_its_control(
    client_for: Callable[[User], Client], officer: User, world: Any, counts: Any
) -> None:
    before = counts()
    response = csrf_post(
        client_for(officer),
        reverse("cases:new"),
        {
            "post": world.vienna.pk,
            "sensitivity": "SECRET",
            "nationalities": ["SU"],
            "received_where": "line one\nline two",
        },
    )
    assert response.status_code == 200
    assert response.context["form"].errors["received_where"] == ["Must be one line"]
    assert counts() == before


def test_a_person_is_reported_through_the_report_form(
    client_for: Callable[[User], Client], member: User, world: Any
) -> None:
    client = client_for(member)
    page = client.get(reverse("cases:report"))
    assert page.status_code == 200
    assertContains(page, "Report a person")
    response = csrf_post(
        client,
        reverse("cases:report"),
        {
            "kind": "disaffected_person",
            "post": world.vienna.pk,
            "sensitivity": "SECRET",
            "nationalities": ["CS"],
            "dissatisfied": "on",
            "susceptible": "on",
            "willing_to_defect": "on",
            "special_value": ["operational"],
            "note": "Approached the defense attaché at a reception; asked about leaving.",
        },
    )
    assert response.status_code == 302
    case = Case.objects.get()
    assert case.kind == "disaffected_person"
    assert case.categories == ["potential_defector", "disaffected_person"]
    assert CaseNote.objects.get(case=case).text.startswith("Approached the defense attaché")


def test_a_report_needs_what_the_official_knows(
    client_for: Callable[[User], Client], member: User, world: Any, counts: Any
) -> None:
    before = counts()
    response = csrf_post(
        client_for(member),
        reverse("cases:report"),
        {
            "kind": "potential_defector",
            "post": world.vienna.pk,
            "sensitivity": "SECRET",
            "nationalities": ["CS"],
        },
    )
    assertContains(response, "Say what you know about the person.")
    assert counts() == before


# --- the API ------------------------------------------------------------------------------------


def test_the_api_receives_a_walk_in_from_its_nationality_alone(officer: User, world: Any) -> None:
    response = api_post(officer, "/walk-ins", {"facts": {"nationalities": ["SU"]}})
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["post"]["code"] == "VIENNA"  # the officer's post
    assert body["sensitivity"] == "SECRET"
    assert body["kind"] == "walk_in"
    assert body["stage"] == "reception"
    assert body["latest_assessment"]["facts"]["location"] == "AT"
    assert body["latest_assessment"]["number"] == 1
    assert body["timeline"][0]["kind"] == "cases.case.open"


def test_the_api_receives_a_walk_in_with_threat_information(officer: User, world: Any) -> None:
    response = api_post(
        officer,
        "/walk-ins",
        {
            "facts": {
                "nationalities": ["SU"],
                "threat_information": True,
                "special_value": ["information"],
                "unwilling_to_return": True,
                "requests": ["asylum"],
            },
            "received_where": "Embassy front gate",
            "true_name": "Ivan Ivanovich Testov",
        },
    )
    assert response.status_code == 201, response.content
    body = response.json()
    threat = next(
        o for o in body["obligations"] if o["identifier"] == "disseminate_threat_information"
    )
    due = dt.datetime.fromisoformat(threat["due_at"])
    assert due - dt.datetime.fromisoformat(threat["arose_at"]) == dt.timedelta(minutes=15)
    assert "Testov" not in response.content.decode()


def test_the_api_answers_an_intake_with_what_reading_the_case_answers(
    member: User, world: Any
) -> None:
    _, token = create_api_token(acting_user=member, user=member, name="tests")
    client = Client(headers={"Authorization": f"Bearer {token}"})
    body = {
        "kind": "potential_defector",
        "post_id": world.vienna.pk,
        "facts": {"nationalities": ["SU"], "threat_information": True, "dissatisfied": True},
        "note": "Asked the duty officer about asylum twice.",
        "true_name": "Pyotr Popov",
    }
    opened = client.post("/api/v1/cases/reports", json.dumps(body), "application/json")
    assert opened.status_code == 201, opened.content
    answer = opened.json()
    read = client.get(f"/api/v1/cases/{answer['id']}")
    assert read.status_code == 200, read.content
    assert answer["obligations"]
    assert len(answer["timeline"]) > 2
    assert answer == read.json()


def test_the_api_reports_a_person_with_what_the_official_knows(member: User, world: Any) -> None:
    response = api_post(
        member,
        "/reports",
        {
            "kind": "potential_defector",
            "post_id": world.vienna.pk,
            "facts": {"nationalities": ["HU"], "dissatisfied": True},
            "note": "A trade attaché who drinks alone and criticises Budapest.",
        },
    )
    assert response.status_code == 201, response.content
    assert response.json()["kind"] == "potential_defector"


@pytest.mark.parametrize(
    ("path", "body", "field"),
    [
        ("/walk-ins", {}, "facts"),
        ("/walk-ins", {"facts": {"nationalities": ["XX"]}}, "facts.nationalities[0]"),
        ("/walk-ins", {"facts": {"nationalities": ["SU"]}, "colour": "red"}, "colour"),
        ("/reports", {"kind": "walk_in", "facts": {"nationalities": ["SU"]}, "note": "n"}, "kind"),
        ("/reports", {"kind": "potential_defector", "facts": {"nationalities": ["SU"]}}, "note"),
    ],
    ids=[
        "a walk-in without facts",
        "a walk-in from an unknown country",
        "an unknown field",
        "a report of a walk-in",
        "a report without what the official knows",
    ],
)
def test_a_bad_api_intake_answers_422_and_saves_nothing(
    officer: User, world: Any, counts: Any, path: str, body: dict[str, Any], field: str
) -> None:
    _, token = create_api_token(acting_user=officer, user=officer, name="tests")
    before = counts()
    response = Client().post(
        "/api/v1/cases" + path,
        data=json.dumps(body),
        content_type="application/json",
        headers={"Authorization": f"Bearer {token}"},
    )
    assert response.status_code == 422, response.content
    assert field in {error["field"].removeprefix("payload.") for error in response.json()["errors"]}
    assert counts() == before


# --- inputs at the edge: refused, naming the field, never a 500 ---------------------------------


@pytest.mark.parametrize("field", ["true_name", "aliases", "birth_place", "identity_documents"])
def test_a_lone_surrogate_in_a_sealed_field_of_a_walk_in_is_refused_naming_the_field(
    officer: User, world: Any, counts: Any, field: str
) -> None:
    _, token = create_api_token(acting_user=officer, user=officer, name="tests")
    before = counts()
    body = '{"facts": {"nationalities": ["SU"]}, "' + field + '": "Iv\\ud800an"}'
    response = Client().post(
        "/api/v1/cases/walk-ins",
        data=body,
        content_type="application/json",
        headers={"Authorization": f"Bearer {token}"},
    )
    assert response.status_code == 422, response.content
    assert field in {error["field"] for error in response.json()["errors"]}
    assert counts() == before


def test_a_lone_surrogate_given_to_the_intake_action_is_refused_naming_the_field(
    open_case: Any, counts: Any
) -> None:
    """The pages and the CLI reach the action, which checks the sealed fields itself."""
    before = counts()
    with pytest.raises(InvalidInput) as refused:
        open_case(true_name="Iv\ud800an")
    assert [error["field"] for error in refused.value.errors] == ["true_name"]
    assert counts() == before


def test_a_walk_in_form_with_the_bytes_of_a_surrogate_is_not_a_server_error(
    client_for: Callable[[User], Client], officer: User, world: Any
) -> None:
    """A browser cannot send a lone surrogate: its UTF-8 bytes arrive as replacement marks."""
    client = client_for(officer)
    client.get(reverse("cases:new"))
    token = client.cookies["csrftoken"].value
    body = (
        f"csrfmiddlewaretoken={token}&post={world.vienna.pk}&sensitivity=SECRET"
        "&nationalities=SU&true_name=Iv%ED%A0%80an"
    )
    response = client.generic(
        "POST", reverse("cases:new"), body, content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code in {200, 302}


@pytest.mark.parametrize(
    "moment", ["0001-01-01T00:00:00+14:00", "9999-12-31T23:59:59-14:00"], ids=["past", "future"]
)
def test_a_walk_in_received_outside_the_representable_range_answers_422_naming_received_at(
    officer: User, world: Any, counts: Any, moment: str
) -> None:
    response = api_post(
        officer, "/walk-ins", {"facts": {"nationalities": ["SU"]}, "received_at": moment}
    )
    assert response.status_code == 422, response.content
    assert "received_at" in {error["field"] for error in response.json()["errors"]}
    assert Case.objects.count() == 0


def test_a_walk_in_form_received_in_the_year_one_is_a_form_error(
    client_for: Callable[[User], Client], officer: User, world: Any, counts: Any
) -> None:
    before = counts()
    response = csrf_post(
        client_for(officer),
        reverse("cases:new"),
        {
            "post": world.vienna.pk,
            "sensitivity": "SECRET",
            "received_at": "0001-01-01T00:00",
            "nationalities": ["SU"],
        },
    )
    assert response.status_code == 200
    assert "received_at" in response.context["form"].errors
    assert counts() == before
