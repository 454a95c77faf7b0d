"""Who sees a mutual problem (``core.access``): the post's committee, the invited representative
who raised it, the IDC once referred or informed — each cleared for every case it concerns.
Everyone else gets 404, from the API and the pages alike."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client

from defector.core.access import can, restrict
from defector.escalations import actions
from defector.escalations.models import DirectCommunication, Problem, Referral

pytestmark = pytest.mark.django_db


@pytest.fixture
def problem(raise_problem: Any) -> Problem:
    return raise_problem()


@pytest.fixture
def referred(raise_problem: Any, cia_member: User) -> Problem:
    problem = raise_problem(title="Referred one")
    actions.request_referral(acting_user=cia_member, problem_id=problem.pk, summary="Decide.")
    actions.note_direct_communication(
        acting_user=cia_member, problem_id=problem.pk, summary="Cabled."
    )
    actions.transmit_referral(acting_user=cia_member, problem_id=problem.pk)
    return Problem.objects.get(pk=problem.pk)


@pytest.mark.parametrize(
    ("seat", "sees"),
    [
        ("cia_member", True),
        ("state_member", True),
        ("chair", True),
        ("senior", True),
        ("invited", False),
        ("officer", False),
        ("bonn_member", False),
        ("idc", False),
        ("auditor", False),
        ("administrator", False),
    ],
    ids=[
        "the post's CIA member sees a raised problem",
        "a committee member sees a raised problem",
        "the chair sees a raised problem",
        "the senior US representative sees a raised problem",
        "an invited representative does not see another's problem",
        "a case officer who is not on the committee does not see it",
        "a member of another post's committee does not see it",
        "the IDC does not see a problem not referred to it",
        "an auditor does not see it",
        "an administrator does not see it",
    ],
)
def test_who_sees_a_raised_problem(
    seat: str, sees: bool, problem: Problem, request: pytest.FixtureRequest
) -> None:
    user = request.getfixturevalue(seat)
    assert can(user, "view", problem) is sees
    assert restrict(user, "view", Problem.objects.all()).filter(pk=problem.pk).exists() is sees


def test_the_idc_sees_a_referred_problem_and_its_records_at_once(
    referred: Problem, idc: User
) -> None:
    assert can(idc, "view", referred)
    assert restrict(idc, "view", Referral.objects.all()).count() == 1
    assert restrict(idc, "view", DirectCommunication.objects.all()).count() == 1


def test_the_records_of_a_problem_are_seen_only_with_it(
    referred: Problem, bonn_member: User, administrator: User
) -> None:
    for user in (bonn_member, administrator):
        assert not restrict(user, "view", Referral.objects.all()).exists()
        assert not restrict(user, "view", DirectCommunication.objects.all()).exists()


def test_a_problem_about_a_case_above_a_members_clearance_is_hidden_from_them(
    raise_problem: Any, open_case: Any, make_official: Any, world: Any, state_member: User
) -> None:
    cleared = make_official(
        "top.member", ("committee_member", world.vienna), clearance="TOP SECRET"
    )
    case = open_case(sensitivity="TOP SECRET")
    problem = raise_problem(acting_user=cleared, cryptonyms=[case.cryptonym])
    assert can(cleared, "view", problem)
    assert not can(state_member, "view", problem)


def test_a_problem_about_a_compartmented_case_needs_the_compartment(
    raise_problem: Any, open_case: Any, make_official: Any, world: Any, state_member: User
) -> None:
    read_in = make_official(
        "alpha.member", ("committee_member", world.vienna), compartments=(world.alpha,)
    )
    case = open_case(compartments=["ALPHA"])
    problem = raise_problem(acting_user=read_in, cryptonyms=[case.cryptonym])
    assert can(read_in, "view", problem)
    assert not can(state_member, "view", problem)


def test_an_administrator_on_the_committee_still_sees_no_problem(
    problem: Problem, make_official: Any, world: Any
) -> None:
    both = make_official("admin.chair", ("administrator", None), ("committee_chair", world.vienna))
    assert not can(both, "view", problem)


def test_a_problem_of_another_post_answers_404_like_a_missing_one(
    problem: Problem,
    bonn_member: User,
    api: Callable[[User], Any],
    client_for: Callable[[User], Client],
) -> None:
    caller = api(bonn_member)
    denied = caller.get(f"/problems/{problem.pk}")
    missing = caller.get(f"/problems/{problem.pk + 1000}")
    assert denied.status_code == missing.status_code == 404
    assert denied.json() == missing.json()
    assert caller.post(f"/problems/{problem.pk}/resolve", {"text": "Mine now."}).status_code == 404
    assert caller.get("/problems").json()["items"] == []
    browser = client_for(bonn_member)
    assert browser.get(f"/escalations/{problem.pk}/").status_code == 404
    page = browser.get("/escalations/")
    assert page.status_code == 200
    assert f'data-problem="{problem.pk}"' not in page.content.decode()


def test_a_step_by_someone_who_cannot_see_the_problem_records_nothing(
    problem: Problem, bonn_member: User
) -> None:
    from defector.core.errors import NotFound
    from defector.core.models import AuditEvent

    count = AuditEvent.objects.count()
    with pytest.raises(NotFound):
        actions.resolve_locally(acting_user=bonn_member, problem_id=problem.pk, text="x")
    assert AuditEvent.objects.count() == count
