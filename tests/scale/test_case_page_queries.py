"""The case page's Overview and each of its tabs cost at most 20 SQL queries (issue 15),
and as many with one row of each kind and one more official as with five: no query per row
(note, task, check, timeline line, obligation) and none per official.

Each tab is read as a committee member (who may change the case: every form is built) and as
the committee's chair (who may also invite and waive). Each address is read once to warm
what a first visit caches (the session's second factor, the keyring), then counted.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Final

from django.contrib.auth.models import User
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from defector.cases import actions
from defector.cases.models import Case
from defector.cases.sections import OVERVIEW, registered
from support.builders import make_committee, official_of
from support.fixtures import MakeOfficial
from support.three_posts import OpenCase
from support.world import World

#: The most queries the Overview or any tab of the case page may cost.
CASE_TAB_BOUND: Final = 20

WALK_IN = {
    "nationalities": ["SU"],
    "escaped_control": True,
    "unwilling_to_return": True,
    "dissatisfied": True,
    "susceptible": True,
    "willing_to_defect": True,
    "special_value": ["information"],
    "requests": ["asylum"],
}


def _version(case: Case) -> int:
    return Case.objects.values_list("version", flat=True).get(pk=case.pk)


def _grow(
    number: int, tag: str, *, case: Case, officer: User, world: World, make_official: MakeOfficial
) -> None:
    """``number`` more of every row a tab lists, and more officials who may see the case."""
    analyst = official_of(officer)
    for i in range(number):
        make_official(f"member.{tag}{i}", ("committee_member", world.vienna))
        make_official(f"senior.{tag}{i}", ("senior_representative", world.vienna))
        actions.add_note(
            acting_user=officer,
            case_id=case.pk,
            expected_version=_version(case),
            text=f"Debriefing {tag}{i}: the courier route.",
        )
        actions.create_task(
            acting_user=officer,
            case_id=case.pk,
            expected_version=_version(case),
            title=f"Check the route {tag}{i}",
            due_on=timezone.localdate() + dt.timedelta(days=7),
            official_id=analyst.pk,
        )
        actions.add_bona_fides_check(
            acting_user=officer,
            case_id=case.pk,
            expected_version=_version(case),
            kind="name_traces",
            analyst_id=analyst.pk,
            result="pending",
        )


def _count(client: Client, path: str) -> int:
    client.get(path)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    assert response.status_code == 200, (path, response.status_code)
    return len(queries.captured_queries)


def test_the_overview_and_every_tab_of_the_case_page_cost_at_most_20_queries_whatever_the_rows(
    world: World,
    committee: dict[str, User],
    chair: User,
    officer: User,
    make_official: MakeOfficial,
    open_case: OpenCase,
    client_for: Any,
) -> None:
    make_committee(world.vienna)
    case = open_case(kind="walk_in", facts=WALK_IN)
    readers = {"member": client_for(committee["cia_member"]), "chair": client_for(chair)}
    tabs = [OVERVIEW, *(section.key for section in registered())]
    paths = {
        (who, tab): f"/cases/{case.pk}/" if tab == OVERVIEW else f"/cases/{case.pk}/{tab}/"
        for who in readers
        for tab in tabs
    }
    grow = {"case": case, "officer": officer, "world": world, "make_official": make_official}
    _grow(1, "a", **grow)
    one = {key: _count(readers[key[0]], path) for key, path in paths.items()}
    _grow(4, "b", **grow)
    five = {key: _count(readers[key[0]], path) for key, path in paths.items()}
    growing = {key: (one[key], five[key]) for key in paths if one[key] != five[key]}
    assert growing == {}, f"queries grow with the rows or the officials: {growing}"
    over = {key: count for key, count in five.items() if count > CASE_TAB_BOUND}
    assert over == {}, f"tabs over {CASE_TAB_BOUND} queries: {over} (all: {five})"
