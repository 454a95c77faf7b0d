"""The publicity pages: the case's section, the proposal form, a proposal with only the steps
the user's seat may take, the list before Washington, refusals with their clauses."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from defector.cases.models import Case
from defector.publicity.models import Proposal

from .conftest import Propose

pytestmark = pytest.mark.django_db


def signed_in_client(user: User) -> Client:
    """A client signed in as ``user`` (CSRF is the security suite's concern)."""
    client = Client()
    client.force_login(user)
    return client


def test_the_case_page_shows_the_publicity_section_and_the_chair_may_propose(
    case: Case, chair: User, state_member: User
) -> None:
    page = signed_in_client(chair).get(reverse("cases:tab", args=[case.pk, "publicity"]))
    assert page.status_code == 200
    text = page.content.decode()
    assert 'id="section-publicity' in text or "data-publicity-risk" in text
    assert reverse("publicity:new", args=[case.pk]) in text
    other = signed_in_client(state_member).get(reverse("cases:tab", args=[case.pk, "publicity"]))
    assert reverse("publicity:new", args=[case.pk]) not in other.content.decode()


def test_the_chair_proposes_through_the_form(case: Case, chair: User) -> None:
    client = signed_in_client(chair)
    start = (timezone.localdate() + dt.timedelta(days=20)).isoformat()
    answer = client.post(
        reverse("publicity:new", args=[case.pk]),
        {
            "summary": "A press conference.",
            "window_start": start,
            "channels": ["press", "book"],
            "risks": "Reprisals.",
        },
    )
    proposal = Proposal.objects.get()
    assert answer.status_code == 302
    assert answer["Location"] == reverse("publicity:detail", args=[proposal.pk])
    assert proposal.channels == ["press", "book"]


def test_the_form_is_refused_for_others_than_the_chair(case: Case, senior: User) -> None:
    answer = signed_in_client(senior).get(reverse("publicity:new", args=[case.pk]))
    assert answer.status_code == 403


@pytest.mark.parametrize(
    ("who", "steps"),
    [
        ("idc", {"sign-off", "override"}),
        ("usia_idc", {"sign-off", "override"}),
        ("cia_idc", {"override"}),
        ("chair", {"withdraw"}),
        ("senior", set()),
    ],
)
def test_a_proposal_shows_only_the_steps_of_the_users_seat(
    propose: Propose, request: Any, requirement: Any, who: str, steps: set[str]
) -> None:
    proposal = propose()
    page = signed_in_client(request.getfixturevalue(who)).get(
        reverse("publicity:detail", args=[proposal.pk])
    )
    assert page.status_code == 200
    text = page.content.decode()
    shown = {
        step
        for step in ("sign-off", "override", "decide", "release", "withdraw")
        if f'data-step="{step}"' in text
    }
    assert shown == steps


def test_a_decision_before_the_sign_offs_is_refused_on_the_page_with_its_clause(
    propose: Propose, idc: User, usia_idc: User
) -> None:
    proposal = propose()
    client = signed_in_client(idc)
    client.post(
        reverse("publicity:sign-off", args=[proposal.pk]), {"position": "approve", "version": 1}
    )
    answer = client.post(
        reverse("publicity:decide", args=[proposal.pk]),
        {"outcome": "reject", "reason": "No.", "version": 2},
    )
    assert answer.status_code == 200
    assert "(5a(6))" in answer.content.decode()


def test_the_list_before_washington_links_each_proposal(propose: Propose, idc: User) -> None:
    proposal = propose()
    page = signed_in_client(idc).get(reverse("publicity:index"))
    assert page.status_code == 200
    assert reverse("publicity:detail", args=[proposal.pk]) in page.content.decode()


def test_a_proposal_of_another_post_is_not_found(propose: Propose, bonn_member: User) -> None:
    proposal = propose()
    answer = signed_in_client(bonn_member).get(reverse("publicity:detail", args=[proposal.pk]))
    assert answer.status_code == 404
