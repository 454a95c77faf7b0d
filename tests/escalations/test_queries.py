"""A problem's read costs the same few SQL queries however far its referral has gone (``6c``):
the officials of the referral (requester, transmitter, the IDC's acknowledger and decider) are
read with the problem, not one by one."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from defector.escalations import actions

pytestmark = pytest.mark.django_db

#: Well under the bound of one API read (``ENDPOINT_QUERIES`` in the endpoint sweep).
MOST_QUERIES = 10


def _queries(client: Any, path: str) -> int:
    client.get(path)  # the first read of a token or session writes its last use: not counted
    with CaptureQueriesContext(connection) as counted:
        assert client.get(path).status_code == 200
    return len(counted)


def _referred_in_full(committee: dict[str, User], problem_id: int) -> None:
    """Requested by State, noted to State's Desk, transmitted by the CIA member and
    acknowledged by the IDC: every official of the referral named, its decision pending."""
    state, cia = committee["state_member"], committee["cia_member"]
    actions.request_referral(acting_user=state, problem_id=problem_id, summary="Decide.")
    actions.note_direct_communication(
        acting_user=state, problem_id=problem_id, summary="Told the Desk."
    )
    actions.transmit_referral(acting_user=cia, problem_id=problem_id, channel_reference="V 1")
    actions.idc_acknowledge_referral(acting_user=committee["idc"], problem_id=problem_id)


@pytest.mark.parametrize("viewer", ["chair", "cia_member", "idc"])
def test_an_acknowledged_referral_costs_no_more_queries_than_a_problem_just_raised(
    api: Callable[[User], Any], committee: dict[str, User], raise_problem: Any, viewer: str
) -> None:
    problem = raise_problem(agencies=["CIA", "STATE"])
    path = f"/problems/{problem.pk}"
    client = api(committee[viewer])
    raised = _queries(client, path) if viewer != "idc" else None  # the IDC sees it referred
    _referred_in_full(committee, problem.pk)
    referred = _queries(client, path)
    assert client.get(path).json()["referral"]["idc_acknowledged_by"] is not None
    if raised is not None:
        assert referred == raised + 1  # the referral's notes to the agencies, one list
    assert referred <= MOST_QUERIES


def test_the_page_of_an_acknowledged_referral_costs_as_few_queries(
    client_for: Callable[[User], Client], committee: dict[str, User], raise_problem: Any
) -> None:
    problem = raise_problem(agencies=["CIA", "STATE"])
    _referred_in_full(committee, problem.pk)
    client = client_for(committee["chair"])
    page = client.get(f"/escalations/{problem.pk}/")
    assert page.status_code == 200
    assert "Told the Desk." in page.content.decode()
    with CaptureQueriesContext(connection) as counted:
        client.get(f"/escalations/{problem.pk}/")
    assert len(counted) <= MOST_QUERIES
