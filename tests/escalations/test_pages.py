"""The escalations pages: the list, raising a problem, and each step from the problem's page,
with errors in the form's error summary."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client

from defector.escalations import actions
from defector.escalations.models import Problem
from defector.policy.gates import escalations as rules

pytestmark = pytest.mark.django_db

ClientFor = Callable[[User], Client]


def csrf(client: Client, url: str) -> str:
    page = client.get(url)
    assert page.status_code == 200, page.status_code
    match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.content.decode())
    assert match, "no CSRF token on the page"
    return match.group(1)


def test_the_list_shows_both_sides_of_each_problem(
    client_for: ClientFor, raise_problem: Any, cia_member: User, chair: User
) -> None:
    problem = raise_problem(title="Housing the walk-in")
    actions.request_referral(acting_user=cia_member, problem_id=problem.pk, summary="Decide.")
    actions.transmit_referral(acting_user=cia_member, problem_id=problem.pk)
    page = client_for(chair).get("/escalations/")
    html = page.content.decode()
    assert page.status_code == 200
    assert f'data-problem="{problem.pk}"' in html
    assert "Housing the walk-in" in html
    assert 'data-status="referred"' in html
    assert 'data-idc-status="to_acknowledge"' in html
    assert "Raise a problem" in html


def test_the_list_filters_by_status(client_for: ClientFor, raise_problem: Any, chair: User) -> None:
    kept = raise_problem(title="Kept")
    gone = raise_problem(title="Gone")
    actions.resolve_locally(acting_user=chair, problem_id=gone.pk, text="Done.")
    html = client_for(chair).get("/escalations/", {"open": "on"}).content.decode()
    assert f'data-problem="{kept.pk}"' in html
    assert f'data-problem="{gone.pk}"' not in html


def test_raising_a_problem_from_the_page(
    client_for: ClientFor, state_member: User, world: Any, open_case: Any
) -> None:
    case = open_case()
    browser = client_for(state_member)
    token = csrf(browser, "/escalations/new/")
    answer = browser.post(
        "/escalations/new/",
        {
            "csrfmiddlewaretoken": token,
            "post": world.vienna.pk,
            "title": "Housing",
            "description": "Who houses him.",
            "cryptonyms": f"{case.cryptonym}, ",
            "agencies": ["CIA", "STATE"],
        },
    )
    problem = Problem.objects.get()
    assert answer.status_code == 302
    assert answer["Location"] == f"/escalations/{problem.pk}/"
    detail = browser.get(answer["Location"]).content.decode()
    assert f"Problem {problem.pk} raised at VIENNA." in detail
    assert case.cryptonym in detail


def test_a_bad_problem_is_shown_back_with_every_error(
    client_for: ClientFor, state_member: User, world: Any
) -> None:
    browser = client_for(state_member)
    token = csrf(browser, "/escalations/new/")
    answer = browser.post(
        "/escalations/new/",
        {
            "csrfmiddlewaretoken": token,
            "post": world.vienna.pk,
            "title": "x",
            "cryptonyms": "AENONE",
        },
    )
    html = answer.content.decode()
    assert answer.status_code == 200
    assert "There is a problem" in html
    assert "There is no case AENONE that you may see" in html
    assert not Problem.objects.exists()


def test_only_those_who_may_raise_see_the_form(client_for: ClientFor, idc: User) -> None:
    assert client_for(idc).get("/escalations/new/").status_code == 403


def test_each_seat_sees_only_the_forms_of_its_steps(
    client_for: ClientFor, raise_problem: Any, committee: dict[str, User]
) -> None:
    problem = raise_problem()
    url = f"/escalations/{problem.pk}/"
    member = client_for(committee["state_member"]).get(url).content.decode()
    assert re.findall(r'data-step="([a-z_]+)"', member) == [
        rules.RESOLVE_LOCALLY,
        rules.REQUEST_REFERRAL,
        rules.SUBMIT_TO_SENIOR_REP,
    ]
    invited = client_for(committee["invited"]).get(url)
    assert invited.status_code == 404


def test_the_referral_path_from_the_pages(
    client_for: ClientFor, raise_problem: Any, committee: dict[str, User]
) -> None:
    problem = raise_problem()
    url = f"/escalations/{problem.pk}/"
    state = client_for(committee["state_member"])
    token = csrf(state, url)
    answer = state.post(
        f"{url}steps/request_referral/",
        {"csrfmiddlewaretoken": token, "request_referral-summary": "Decide who houses him."},
    )
    assert answer.status_code == 302
    cia = client_for(committee["cia_member"])
    page = cia.get(url).content.decode()
    assert 'data-step="transmit_referral"' in page
    token = csrf(cia, url)
    answer = cia.post(
        f"{url}steps/transmit_referral/",
        {"csrfmiddlewaretoken": token, "transmit_referral-channel_reference": "VIEN 1"},
    )
    assert answer.status_code == 302
    html = cia.get(url).content.decode()
    assert "Referred to the IDC through CIA channels." in html
    assert 'data-field="routed_by"' in html
    idc = client_for(committee["idc"])
    token = csrf(idc, url)
    idc.post(f"{url}steps/idc_acknowledge/", {"csrfmiddlewaretoken": token})
    token = csrf(idc, url)
    answer = idc.post(
        f"{url}steps/idc_decide/", {"csrfmiddlewaretoken": token, "idc_decide-decision": "Yes."}
    )
    assert answer.status_code == 302
    assert Problem.objects.get().status == rules.DECIDED_BY_IDC


def test_a_refusal_under_6c_is_shown_on_the_form(
    client_for: ClientFor, raise_problem: Any, world: Any, tokyo_member: User
) -> None:
    problem = raise_problem(acting_user=tokyo_member, post_id=world.tokyo.pk)
    url = f"/escalations/{problem.pk}/"
    browser = client_for(tokyo_member)
    token = csrf(browser, url)
    answer = browser.post(
        f"{url}steps/request_referral/",
        {"csrfmiddlewaretoken": token, "request_referral-summary": "Decide."},
    )
    html = answer.content.decode()
    assert answer.status_code == 200
    assert "There is a problem" in html
    assert "TOKYO has no committee member from the CIA" in html
    assert "(6c)" in html


def test_a_step_of_another_seat_is_forbidden(
    client_for: ClientFor, raise_problem: Any, state_member: User
) -> None:
    problem = raise_problem()
    url = f"/escalations/{problem.pk}/"
    browser = client_for(state_member)
    token = csrf(browser, url)
    answer = browser.post(
        f"{url}steps/senior_rep_decide/",
        {"csrfmiddlewaretoken": token, "senior_rep_decide-decision": "Mine."},
    )
    assert answer.status_code == 403
    assert browser.post(f"{url}steps/nothing/", {"csrfmiddlewaretoken": token}).status_code == 404


def test_an_empty_step_form_shows_its_error(
    client_for: ClientFor, raise_problem: Any, chair: User
) -> None:
    problem = raise_problem()
    url = f"/escalations/{problem.pk}/"
    browser = client_for(chair)
    token = csrf(browser, url)
    answer = browser.post(f"{url}steps/resolve_locally/", {"csrfmiddlewaretoken": token})
    html = answer.content.decode()
    assert answer.status_code == 200
    assert "Enter the resolution." in html
    assert 'href="#id_resolve_locally-text"' in html


def test_signed_out_visitors_are_sent_to_sign_in(client: Client) -> None:
    answer = client.get("/escalations/")
    assert answer.status_code == 302
    assert "/sign-in/" in answer["Location"]


def test_the_page_shows_each_record_of_the_path(
    client_for: ClientFor, raise_problem: Any, committee: dict[str, User]
) -> None:
    resolved = raise_problem(title="Resolved one")
    actions.resolve_locally(
        acting_user=committee["chair"], problem_id=resolved.pk, text="State escorts him."
    )
    html = client_for(committee["chair"]).get(f"/escalations/{resolved.pk}/").content.decode()
    assert 'data-section="resolution"' in html
    assert "State escorts him." in html
    assert "data-step=" not in html

    urgent = raise_problem(title="Urgent one")
    actions.submit_to_senior_representative(
        acting_user=committee["chair"], problem_id=urgent.pk, reason="He moves tonight."
    )
    actions.senior_representative_decide(
        acting_user=committee["senior"], problem_id=urgent.pk, decision="Move him at once."
    )
    idc_page = client_for(committee["idc"]).get(f"/escalations/{urgent.pk}/").content.decode()
    assert 'data-section="urgent"' in idc_page
    assert "He moves tonight." in idc_page
    assert "Move him at once." in idc_page
    assert "not yet acknowledged" in idc_page
    assert re.findall(r'data-step="([a-z_]+)"', idc_page) == [rules.IDC_ACKNOWLEDGE_INFORMATION]
    listing = client_for(committee["idc"]).get("/escalations/").content.decode()
    assert 'name="idc_waiting"' in listing
    assert 'data-idc-status="information_to_acknowledge"' in listing
