"""The committees as Washington (the IDC, who sees every committee) and a senior US
representative at several posts see them: the index, the API and the home page cost as many
queries with three times the committees, their meetings and their briefing registers
(issue 15).

The bound test of :mod:`test_query_counts` reads them as a member of one committee, who sees
one committee only, and so cannot tell one query per committee from one in all.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.auth.models import User
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from defector.committees import actions as committee_actions
from defector.committees.choices import BriefingPosition
from defector.committees.models import BriefedOfficial
from defector.core import actions as core_actions
from defector.directory.models import RoleAssignment
from support.builders import make_committee, make_post
from support.fixtures import MakeOfficial
from support.world import World

#: The most queries each costs, as the IDC and as the roving senior representative.
BOUNDS: dict[str, int] = {
    "the committees page": 11,
    "the committees API": 9,
    # with the senior representative's determinations awaited at each of their posts (7a)
    "the home page": 13,
}


def _grow(number: int, tag: str, *, make_official: MakeOfficial, roving: User) -> None:
    """``number`` more posts, each with its committee, a chair, a held meeting, a scheduled
    one and an official in its briefing register; the roving senior representative at each."""
    now = timezone.now()
    for i in range(number):
        post = make_post(f"P{tag}{i}".upper(), f"Embassy {tag}{i}", "AT", f"City {tag}{i}")
        committee = make_committee(post, established_on=dt.date(2025, 1, 1))
        chair = make_official(f"chair.{tag}{i}", ("committee_chair", post))
        RoleAssignment.objects.create(
            official=roving.official, role="senior_representative", post=post
        )
        held = committee_actions.schedule_meeting(
            acting_user=chair,
            committee_id=committee.pk,
            starts_at=now - dt.timedelta(days=40),
            ends_at=now - dt.timedelta(days=40, hours=-1),
            place="Chancery",
        )
        committee_actions.mark_meeting_held(acting_user=chair, meeting_id=held.pk, now=now)
        committee_actions.schedule_meeting(
            acting_user=chair,
            committee_id=committee.pk,
            starts_at=now + dt.timedelta(days=3),
            ends_at=now + dt.timedelta(days=3, hours=1),
            place="Chancery",
        )
        BriefedOfficial.objects.create(
            committee=committee, name=f"Sgt. {tag}{i}", position=BriefingPosition.CONSULAR_OFFICER
        )


def _count(client: Client, path: str, token: str) -> int:
    headers = {"Authorization": f"Bearer {token}"} if path.startswith("/api/") else {}
    client.get(path, headers=headers)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path, headers=headers)
    assert response.status_code == 200, (path, response.status_code)
    return len(queries.captured_queries)


def test_the_committees_cost_as_many_queries_whatever_the_committees_washington_sees(
    world: World, idc: User, make_official: MakeOfficial, client_for: Any
) -> None:
    roving = make_official("roving.senior", ("senior_representative", world.vienna))
    readers = {"the IDC": idc, "a senior representative": roving}
    clients = {
        who: (
            client_for(user),
            core_actions.create_api_token(acting_user=user, user=user, name="t", days=1)[1],
        )
        for who, user in readers.items()
    }
    pages = {
        "the committees page": "/committees/",
        "the committees API": "/api/v1/committees",
        "the home page": "/",
    }

    def counts() -> dict[tuple[str, str], int]:
        return {
            (who, name): _count(client, path, token)
            for who, (client, token) in clients.items()
            for name, path in pages.items()
        }

    _grow(1, "a", make_official=make_official, roving=roving)
    few = counts()
    _grow(2, "b", make_official=make_official, roving=roving)
    many = counts()
    growing = {key: (few[key], many[key]) for key in many if few[key] != many[key]}
    assert growing == {}, f"queries grow with the committees: {growing}"
    over = {key: (count, BOUNDS[key[1]]) for key, count in many.items() if count > BOUNDS[key[1]]}
    assert over == {}, f"queries over the bound: {over} (all: {many})"
