"""The reports' pages and lists (``6d``) cost the same number of queries whatever the number of
cases, reports, requirements and proposals: Washington's worldwide view with its facets, its
API and CSV, a post's view, a report's page and the case's tab.

Each page is read once to warm what a first visit caches, then counted; the data is then
tripled (cases at two posts with requirements, proposals, reports drafted and sent, overdue
periods) and the page counted again.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.auth.models import User
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from defector.cases.models import Case, Obligation
from defector.core import actions as core_actions
from defector.directory.models import Official
from defector.exploitation.models import CaseRequirement, Requirement
from defector.publicity.models import Proposal
from defector.reports import actions
from support.builders import case_opener
from support.fixtures import MakeOfficial
from support.three_posts import OpenCase
from support.world import World

DEFECTOR = {
    "nationalities": ["SU"],
    "escaped_control": True,
    "unwilling_to_return": True,
    "dissatisfied": True,
    "susceptible": True,
    "willing_to_defect": True,
    "special_value": ["information"],
    "requests": ["asylum"],
}

#: The most queries each page or list may cost.
#: The worldwide view: the session and principal, the facets and the count (one grouped query
#: over the standing rows), the page and its periods overdue (one each).
BOUNDS: dict[str, int] = {
    "the worldwide view": 14,
    "the worldwide view filtered": 14,
    "the worldwide API": 8,
    "the worldwide facets API": 14,
    "the worldwide CSV": 14,
    "a post's view": 9,
    "a post's reports API": 5,
    "a report's page": 7,
}


def _version(case: Case) -> int:
    case.refresh_from_db()
    return case.version


def _grow(
    number: int,
    tag: str,
    *,
    world: World,
    open_case: OpenCase,
    bonn_open: OpenCase,
    officer: User,
    chair: User,
) -> None:
    requirement = Requirement.objects.create(
        code=f"REQ-{tag}",
        title=f"Requirement {tag}",
        issuing_agency=world.cia,
        active_from=dt.date(1976, 5, 18),
    )
    proposer = Official.objects.get(user=chair)
    for i in range(number):
        for opener in (open_case, bonn_open):
            case = opener(facts=DEFECTOR)
            CaseRequirement.objects.create(
                case=case,
                requirement=requirement,
                status=("satisfied", "in_progress")[i % 2],
                added_by_agency=world.cia,
            )
            Proposal.objects.create(case=case, proposed_by=proposer)
            if opener is open_case:
                report = actions.draft_report(
                    acting_user=officer, case_id=case.pk, expected_version=_version(case)
                )
                actions.send_report(acting_user=chair, report_id=report.pk, expected_version=1)
            else:
                late = Obligation.objects.get(case=case, identifier="report_to_idc")
                late.due_at = timezone.now() - dt.timedelta(days=1)
                late.save(update_fields=["due_at"])


def _count(client: Client, path: str, token: str) -> int:
    headers = {"Authorization": f"Bearer {token}"} if path.startswith("/api/") else {}
    client.get(path, headers=headers)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path, headers=headers)
        if hasattr(response, "streaming_content"):
            b"".join(response.streaming_content)
    assert response.status_code == 200, (path, response.status_code)
    return len(queries.captured_queries)


def test_the_reports_pages_cost_a_constant_number_of_queries_whatever_the_cases(
    world: World,
    committee: dict[str, User],
    officer: User,
    chair: User,
    idc: User,
    make_official: MakeOfficial,
    open_case: OpenCase,
    client_for: Any,
) -> None:
    bonn_officer = make_official("bonn.officer", ("case_officer", world.bonn))
    bonn_open = case_opener(acting_user=bonn_officer, post_id=world.bonn.pk)
    first = open_case(facts=DEFECTOR)
    report = actions.draft_report(
        acting_user=officer, case_id=first.pk, expected_version=_version(first)
    )
    grow = {
        "world": world,
        "open_case": open_case,
        "bonn_open": bonn_open,
        "officer": officer,
        "chair": chair,
    }
    _, token = core_actions.create_api_token(acting_user=idc, user=idc, name="t", days=1)
    client = client_for(idc)
    vienna = world.vienna.pk
    pages = {
        "the worldwide view": "/reports/world/",
        "the worldwide view filtered": "/reports/world/?exploitation=in_progress&overdue=no",
        "the worldwide API": "/api/v1/reports/world?proposals=yes",
        "the worldwide facets API": "/api/v1/reports/world/facets?stage=reception",
        "the worldwide CSV": "/reports/world/export/",
        "a post's view": f"/reports/posts/{vienna}/",
        "a post's reports API": f"/api/v1/reports/posts/{vienna}",
        "a report's page": f"/reports/{report.pk}/",
    }
    assert set(pages) == set(BOUNDS)
    _grow(2, "a", **grow)
    few = {name: _count(client, path, token) for name, path in pages.items()}
    _grow(4, "b", **grow)
    many = {name: _count(client, path, token) for name, path in pages.items()}
    growing = {name: (few[name], many[name]) for name in pages if few[name] != many[name]}
    assert growing == {}, f"queries grow with the cases: {growing}"
    over = {name: (many[name], BOUNDS[name]) for name in pages if many[name] > BOUNDS[name]}
    assert over == {}, f"queries over the bound: {over} (all: {many})"
