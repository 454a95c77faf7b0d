"""Every ``GET`` operation of the API, asked by the demo's roles, costs a bounded number of SQL
queries (issue 15: the number of queries of every page and endpoint is bounded; the main
lists and pages are also held constant as their rows triple, in ``test_query_counts.py``).

The operations are read from the API's own schema, so an operation added later is asked too;
each path's identifiers are filled from the demo's rows, a case's records from a case the
role can see where there is one. The demo has a row for every operation: each is asked. Pages
are held to their bound by the crawl (``tests/web/test_crawl.py``).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection, models
from django.test import Client
from django.test.utils import CaptureQueriesContext

from defector.api import api
from defector.cases.models import Case, CaseTask, CaseTransfer, VoluntaryStatement
from defector.committees.models import (
    Committee,
    GuidanceVersion,
    Meeting,
    ProceduresVersion,
)
from defector.core.actions import create_api_token
from defector.core.models import AuditEvent
from defector.directory.models import Agency, Official, Post
from defector.dissemination.models import ThreatReport
from defector.escalations.models import Problem
from defector.exploitation.models import DebriefingSession, Requirement, SessionAttachment
from defector.ops import demo
from defector.powers.models import Power
from defector.publicity.models import Proposal
from defector.reports.models import StatusReport
from defector.traces.models import Trace, WatchlistSource

# It asks every operation as four roles: run once, like the other sweeps of every operation
# (``make test`` runs the marker ``attack`` on one database).
pytestmark = [pytest.mark.django_db, pytest.mark.attack]

#: The most SQL queries one ``GET`` of the API may cost.
ENDPOINT_QUERIES = 20
#: Roles whose reach differs most: a post's case officer, its committee's chair, Washington's
#: analyst, the auditor.
ROLES = ("duty.officer", "committee.chair", "idc.analyst", "auditor")

#: The model each identifier of a path names (``version_id``: by the path's kind).
MODELS: dict[str, type[models.Model]] = {
    "agency_id": Agency,
    "committee_id": Committee,
    "idc_report_id": StatusReport,
    "meeting_id": Meeting,
    "official_id": Official,
    "post_id": Post,
    "power_id": Power,
    "problem_id": Problem,
    "proposal_id": Proposal,
    "report_id": ThreatReport,
    "requirement_id": Requirement,
    "source_id": WatchlistSource,
    "transfer_id": CaseTransfer,
}
#: A case's records: the identifier, its model, and how to reach its case (and its parents).
RECORDS: dict[str, tuple[type[models.Model], Callable[[Any], dict[str, Any]]]] = {
    "attachment_id": (
        SessionAttachment,
        lambda a: {"session_id": a.session_id, "case_id": a.session.case_id},
    ),
    "session_id": (DebriefingSession, lambda s: {"case_id": s.case_id}),
    "statement_id": (VoluntaryStatement, lambda s: {"case_id": s.case_id}),
    "task_id": (CaseTask, lambda t: {"case_id": t.case_id}),
    "trace_id": (Trace, lambda t: {"case_id": t.case_id}),
}


def operations() -> list[str]:
    schema = api.get_openapi_schema()
    return sorted(path for path, item in schema["paths"].items() if "get" in item)


def fill(path: str, cases: list[int]) -> str | None:
    """``path`` with its identifiers filled from the demo's rows; ``None`` when a row is
    missing. ``cases``: the ids the role can see, preferred for a case and its records."""
    names = re.findall(r"{(\w+)}", path)
    values: dict[str, Any] = {}
    for name in names:
        if name in RECORDS and name not in values:
            model, parents = RECORDS[name]
            rows = model._default_manager.order_by("pk")
            row = rows.filter(**{f"{_case_path(model)}__in": cases}).first() or rows.first()
            if row is None:
                return None
            values |= {name: row.pk, **parents(row)}
    for name in names:
        if name in values:
            continue
        if name == "case_id":
            values[name] = cases[0] if cases else Case.objects.order_by("pk").first().pk  # type: ignore[union-attr]
        elif name == "seq":
            values[name] = AuditEvent.objects.order_by("seq").values_list("seq", flat=True)[0]
        else:
            model = MODELS.get(name) or (
                GuidanceVersion if "/guidance/" in path else ProceduresVersion
            )
            found = model._default_manager.order_by("pk").values_list("pk", flat=True).first()
            if found is None:
                return None
            values[name] = found
    return re.sub(r"{(\w+)}", lambda m: str(values[m.group(1)]), path)


def _case_path(model: type[models.Model]) -> str:
    return "session__case" if model is SessionAttachment else "case"


@pytest.fixture
def demo_site(world: Any, sealing_keys: None) -> None:
    Case.objects.all().delete()
    demo.load()


def test_every_get_of_the_api_costs_a_bounded_number_of_queries(
    demo_site: None, django_user_model: Any
) -> None:
    paths = operations()
    over: list[str] = []
    asked: set[str] = set()
    for username in ROLES:
        user = django_user_model.objects.get(username=username)
        _, token = create_api_token(acting_user=user, user=user, name="sweep")
        client = Client(headers={"Authorization": f"Bearer {token}"})
        listed = client.get("/api/v1/cases", {"page_size": 200}).json().get("items", [])
        cases = [case["id"] for case in listed]
        for path in paths:
            url = fill(path, cases)
            if url is None:
                continue
            with CaptureQueriesContext(connection) as counted:
                response = client.get(url)
            assert response.status_code < 500, f"{username}: GET {url} answered 5xx"
            asked.add(path)
            if len(counted) > ENDPOINT_QUERIES:
                over.append(f"{username}: GET {url} ({response.status_code}) {len(counted)}")
    missing = sorted(set(paths) - asked)
    assert not missing, "the demo has no row for: " + ", ".join(missing)
    assert not over, "\n".join(over)
