"""Moves of a case to another post or to Washington: proposed by the side that holds it,
accepted by the receiving side; access follows the move and the history stays with the case."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.contrib.auth.models import User

from defector.cases import actions, queries
from defector.cases.models import Case, CaseTransfer, Obligation, TimelineEntry
from defector.core.access import Action, can, restrict
from defector.core.errors import Conflict, InvalidInput, PermissionDenied, PolicyRefusal
from defector.core.models import AuditEvent
from defector.directory.models import Official
from defector.notifications.models import Notice
from defector.ops import demo
from support.api import api_as
from support.fixtures import MakeOfficial
from support.world import World

pytestmark = pytest.mark.django_db

FACTS: dict[str, Any] = {
    "nationalities": ["SU"],
    "escaped_control": True,
    "unwilling_to_return": True,
    "special_value": ["information"],
}


@pytest.fixture
def bonn_chair(make_official: MakeOfficial, world: World) -> User:
    return make_official("bonn.chair", ("committee_chair", world.bonn))


@pytest.fixture
def bonn_member(make_official: MakeOfficial, world: World) -> User:
    return make_official("bonn.member", ("committee_member", world.bonn))


@pytest.fixture
def case(open_case: Any) -> Case:
    return open_case(facts=FACTS)


def sees(user: User, case: Case) -> bool:
    return restrict(user, Action.VIEW, Case.objects.filter(pk=case.pk)).exists()


def propose(user: User, case: Case, **overrides: Any) -> CaseTransfer:
    case.refresh_from_db()
    arguments: dict[str, Any] = {
        "to_post_id": Case.objects.get(pk=case.pk).post_id,
        "kind": "exfiltration",
        "reason": "Hostile service surveillance around the embassy.",
        **overrides,
    }
    return actions.propose_transfer(
        acting_user=user, case_id=case.pk, expected_version=case.version, **arguments
    )


def test_a_case_moves_to_another_post_and_access_follows(
    case: Case,
    world: World,
    officer: User,
    member: User,
    bonn_chair: User,
    bonn_member: User,
    officer_in_bonn: User,
) -> None:
    before = TimelineEntry.objects.filter(case=case).count()
    transfer = propose(officer, case, to_post_id=world.bonn.pk)
    assert transfer.status == "proposed"
    # the receiving chair sees the move, not yet the case
    assert queries.transfers_to_decide(bonn_chair)[0].cryptonym == case.cryptonym
    assert not sees(bonn_chair, case)
    bonn_officer = Official.objects.get(user=officer_in_bonn)
    actions.accept_transfer(
        acting_user=bonn_chair,
        transfer_id=transfer.pk,
        expected_version=transfer.version,
        officer_ids=[bonn_officer.pk],
        note="Safe house ready.",
    )
    case.refresh_from_db()
    assert case.post == world.bonn
    assert list(case.officers.all()) == [bonn_officer]
    assert sees(bonn_member, case)
    assert sees(officer_in_bonn, case)
    assert not sees(member, case)
    assert not sees(officer, case)
    # the history stays with the case: every earlier line, and the move's
    kinds = list(TimelineEntry.objects.filter(case=case).values_list("kind", flat=True))
    assert len(kinds) == before + 2
    assert "cases.transfer.accept" in kinds
    assert AuditEvent.objects.filter(action="cases.transfer.accept").count() == 1
    # open obligations pass to someone who sees the case
    for obligation in Obligation.objects.filter(case=case, status="open"):
        assert obligation.owner is not None
        assert can(obligation.owner.user, Action.VIEW, case)


def test_only_the_side_that_holds_the_case_proposes(
    case: Case, world: World, member: User, bonn_chair: User
) -> None:
    with pytest.raises(PermissionDenied) as refused:
        propose(member, case, to_post_id=world.bonn.pk)
    assert refused.value.clauses == ("6b", "6b(3)(d)")
    assert not CaseTransfer.objects.exists()


def test_a_move_is_refused_to_where_the_case_is_and_twice(
    case: Case, world: World, chair: User
) -> None:
    with pytest.raises(PolicyRefusal):
        propose(chair, case, to_post_id=world.vienna.pk)
    propose(chair, case, to_post_id=world.bonn.pk)
    with pytest.raises(PolicyRefusal) as refused:
        propose(chair, case, to_post_id=None)
    assert "already proposed" in refused.value.message


def test_only_the_receiving_chair_accepts_and_a_stale_version_is_refused(
    case: Case, world: World, officer: User, chair: User, bonn_chair: User
) -> None:
    transfer = propose(officer, case, to_post_id=world.bonn.pk)
    with pytest.raises(PermissionDenied):
        actions.accept_transfer(
            acting_user=chair, transfer_id=transfer.pk, expected_version=transfer.version
        )
    actions.cancel_transfer(
        acting_user=officer, transfer_id=transfer.pk, expected_version=transfer.version
    )
    with pytest.raises(Conflict):
        actions.accept_transfer(
            acting_user=bonn_chair, transfer_id=transfer.pk, expected_version=transfer.version
        )
    case.refresh_from_db()
    assert case.post == world.vienna


def test_declining_needs_a_reason_and_the_case_stays(
    case: Case, world: World, officer: User, bonn_chair: User
) -> None:
    transfer = propose(officer, case, to_post_id=world.bonn.pk)
    with pytest.raises(InvalidInput):
        actions.decline_transfer(
            acting_user=bonn_chair, transfer_id=transfer.pk, expected_version=1, note=""
        )
    actions.decline_transfer(
        acting_user=bonn_chair, transfer_id=transfer.pk, expected_version=1, note="No room."
    )
    transfer.refresh_from_db()
    assert transfer.status == "declined"
    case.refresh_from_db()
    assert case.post == world.vienna
    assert sees(officer, case)


def test_a_move_to_washington_puts_the_case_in_the_idcs_custody(
    case: Case, officer: User, member: User, idc: User
) -> None:
    assert not can(idc, Action.CHANGE, case)
    transfer = propose(officer, case, to_post_id=None, kind="resettlement")
    assert transfer.to_post is None
    actions.accept_transfer(acting_user=idc, transfer_id=transfer.pk, expected_version=1)
    case.refresh_from_db()
    assert case.in_washington
    assert not sees(member, case)
    assert not sees(officer, case)
    assert can(idc, Action.CHANGE, case)
    assert not case.officers.exists()
    owners = {o.owner.user for o in Obligation.objects.filter(case=case, status="open")}
    assert owners <= {idc}


def test_the_receiving_side_is_told_of_a_proposal_and_both_of_the_outcome(
    case: Case,
    world: World,
    officer: User,
    member: User,
    bonn_chair: User,
    committed: Any,
) -> None:
    with committed():
        transfer = propose(officer, case, to_post_id=world.bonn.pk)
    asked = Notice.objects.get(recipient__user=bonn_chair)
    assert "accept or decline" in asked.summary
    assert case.cryptonym in asked.summary
    with committed():
        actions.accept_transfer(acting_user=bonn_chair, transfer_id=transfer.pk, expected_version=1)
    told = Notice.objects.filter(recipient__user=member, summary__contains="accepted")
    assert told.count() == 1
    assert told.get().link == ""


def test_the_api_proposes_and_accepts_a_move(
    case: Case, world: World, officer: User, bonn_chair: User
) -> None:
    case.refresh_from_db()
    api = api_as(officer, "/api/v1/cases")
    made = api.post(
        f"/{case.pk}/transfers",
        {
            "version": case.version,
            "to_post_id": world.bonn.pk,
            "kind": "exfiltration",
            "reason": "Compromised.",
        },
    )
    assert made.status_code == 201, made.content
    move = made.json()
    assert move["clauses"] == ["6b", "6b(3)(d)"]
    receiving = api_as(bonn_chair, "/api/v1/cases")
    assert receiving.get("/transfers", pending="true").json()["count"] == 1
    assert receiving.get(f"/{case.pk}").status_code == 404
    stale = receiving.post(f"/transfers/{move['id']}/accept", {"version": 5})
    assert stale.status_code == 409
    done = receiving.post(f"/transfers/{move['id']}/accept", {"version": 1})
    assert done.status_code == 200, done.content
    assert done.json()["status"] == "accepted"
    assert receiving.get(f"/{case.pk}").status_code == 200
    assert api.get(f"/{case.pk}").status_code == 404


def test_the_pages_propose_and_accept_a_move(
    case: Case, world: World, chair: User, bonn_chair: User, client_for: Any
) -> None:
    browser = client_for(chair)
    page = browser.get(f"/cases/{case.pk}/transfer/").content.decode()
    assert "data-transfer-form" in page
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    assert token is not None
    case.refresh_from_db()
    answer = browser.post(
        f"/cases/{case.pk}/transfers/",
        {
            "csrfmiddlewaretoken": token.group(1),
            "version": case.version,
            "to": str(world.bonn.pk),
            "kind": "resettlement",
            "reason": "Family in the Federal Republic.",
        },
    )
    assert answer.status_code == 302, answer.content.decode()[:2000]
    transfer = CaseTransfer.objects.get()
    receiving = client_for(bonn_chair)
    home = receiving.get("/").content.decode()
    assert f"/cases/transfers/{transfer.pk}/" in home
    page = receiving.get(f"/cases/transfers/{transfer.pk}/").content.decode()
    assert "data-accept-form" in page
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    assert token is not None
    done = receiving.post(
        f"/cases/transfers/{transfer.pk}/accept/",
        {"csrfmiddlewaretoken": token.group(1), "version": 1},
    )
    assert done.status_code == 302
    assert done["Location"].startswith(f"/cases/{case.pk}/")
    assert receiving.get(done["Location"]).status_code == 200
    assert browser.get(f"/cases/{case.pk}/").status_code == 404


def test_the_demo_proposes_a_move_that_waits_for_tokyo(world: World) -> None:
    Case.objects.all().delete()
    demo.load()
    transfer = CaseTransfer.objects.get()
    assert transfer.status == "proposed"
    assert transfer.to_post is not None
    assert transfer.to_post.code == "TOKYO"
    tokyo_chair = User.objects.get(username="tokyo.chair")
    assert [w.cryptonym for w in queries.transfers_to_decide(tokyo_chair)] == [
        transfer.case.cryptonym
    ]
    demo.load()
    assert CaseTransfer.objects.count() == 1
