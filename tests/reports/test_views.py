"""Who sees which reports, the post's view and Washington's worldwide view: its filters, its
counts per facet, its agreement with the exploitation app, and the API."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth.models import User

from defector.cases.models import Case, Obligation
from defector.compliance import actions as compliance
from defector.core.errors import InvalidInput, NotFound
from defector.exploitation.queries import summaries
from defector.publicity.models import Proposal
from defector.reports import actions, queries
from defector.reports.models import StatusReport
from defector.reports.queries.world import Filters, world_rows
from support.builders import case_opener, signed_in_client
from support.fixtures import MakeOfficial
from support.world import World

from .conftest import DEFECTOR, Pursue, version_of

pytestmark = pytest.mark.django_db


def draft(user: User, case: Case) -> StatusReport:
    return actions.draft_report(
        acting_user=user, case_id=case.pk, expected_version=version_of(case)
    )


@pytest.fixture
def bonn_case(world: World, make_official: MakeOfficial) -> Case:
    bonn_officer = make_official("bonn.officer", ("case_officer", world.bonn))
    case: Case = case_opener(acting_user=bonn_officer, post_id=world.bonn.pk)(facts=DEFECTOR)
    return case


def test_a_post_sees_only_its_own_reports_and_washington_all(
    officer: User,
    bonn_member: User,
    state_member: User,
    idc: User,
    auditor: User,
    defector_case: Case,
    bonn_case: Case,
    world: World,
) -> None:
    report = draft(officer, defector_case)
    assert queries.report_detail(state_member, report.pk) == report
    assert queries.report_detail(idc, report.pk) == report
    for outsider in (bonn_member, auditor):
        with pytest.raises(NotFound):
            queries.report_detail(outsider, report.pk)
    with pytest.raises(NotFound):
        queries.post_view(bonn_member, world.vienna.pk)
    assert [r.cryptonym for r in queries.post_view(state_member, world.vienna.pk).cases] == [
        defector_case.cryptonym
    ]
    assert not queries.may_see_world(state_member)
    with pytest.raises(NotFound):
        queries.world_view(state_member, Filters())
    seen = {row.cryptonym for row in queries.world_view(idc, Filters()).rows}
    assert seen == {defector_case.cryptonym, bonn_case.cryptonym}


def test_washington_sees_only_the_cases_it_is_cleared_for(
    idc: User, open_case: Any, defector_case: Case
) -> None:
    secret_above = open_case(facts=DEFECTOR, sensitivity="TOP SECRET")
    seen = {row.cryptonym for row in queries.world_view(idc, Filters()).rows}
    assert defector_case.cryptonym in seen
    assert secret_above.cryptonym not in seen


def test_the_worldwide_view_filters_and_counts_each_facet(
    officer: User,
    chair: User,
    idc: User,
    defector_case: Case,
    bonn_case: Case,
    open_case: Any,
    pursue: Pursue,
    world: World,
) -> None:
    third = open_case(facts=DEFECTOR)
    pursue(defector_case, "DCI-1", "satisfied")
    pursue(third, "DCI-1", "in_progress")
    Proposal.objects.create(case=third, proposed_by=officer.official)  # type: ignore[attr-defined]
    # BONN's period passes without a report: overdue
    late = Obligation.objects.get(case=bonn_case, identifier="report_to_idc")
    late.due_at = dt.datetime.now(dt.UTC) - dt.timedelta(days=2)
    late.save(update_fields=["due_at"])
    view = queries.world_view(idc, Filters())
    assert view.count == 3
    counts = {key: {v.value: v.count for v in values} for key, values in view.facets.items()}
    assert counts["post"] == {str(world.vienna.pk): 2, str(world.bonn.pk): 1}
    assert counts["exploitation"] == {"satisfied": 1, "in_progress": 1, "no_requirements": 1}
    assert counts["overdue"] == {"yes": 1, "no": 2}
    assert counts["proposals"] == {"yes": 1, "no": 2}
    assert counts["stage"] == {"reception": 3}
    overdue = queries.world_view(idc, Filters(overdue="yes"))
    assert [row.cryptonym for row in overdue.rows] == [bonn_case.cryptonym]
    assert overdue.rows[0].periods_overdue == 1
    # a facet's counts follow the other filters, not its own
    narrowed = queries.world_view(idc, Filters(post=world.vienna.pk))
    assert {v.value: v.count for v in narrowed.facets["post"]}[str(world.bonn.pk)] == 1
    assert {v.value: v.count for v in narrowed.facets["overdue"]} == {"no": 2}
    pending = queries.world_view(idc, Filters(proposals="yes"))
    assert [(row.cryptonym, row.proposals_awaiting) for row in pending.rows] == [
        (third.cryptonym, 1)
    ]
    satisfied = queries.world_view(idc, Filters(exploitation="satisfied"))
    assert [row.cryptonym for row in satisfied.rows] == [defector_case.cryptonym]


def test_the_views_exploitation_as_stored_agrees_with_the_exploitation_app(
    idc: User, open_case: Any, pursue: Pursue
) -> None:
    cases_by_statuses: dict[tuple[str, ...], Case] = {}
    for statuses in [
        (),
        ("not_applicable",),
        ("not_started",),
        ("not_started", "not_applicable"),
        ("satisfied", "not_applicable"),
        ("satisfied", "not_started"),
        ("in_progress",),
    ]:
        case = open_case(facts=DEFECTOR)
        for i, status in enumerate(statuses):
            pursue(case, f"R-{i}", status)
        cases_by_statuses[statuses] = case
    from_sql = {
        row.case_id: row.exploitation
        for value in ("in_progress", "satisfied", "not_started", "no_requirements")
        for row in world_rows(idc, Filters(exploitation=value))
    }
    from_app = {pk: found.overall for pk, found in summaries(idc, from_sql).items()}
    assert from_sql == from_app
    assert len(from_sql) == len(cases_by_statuses)


def test_a_bad_filter_is_refused_naming_it() -> None:
    with pytest.raises(InvalidInput) as refused:
        queries.parse_filters({"stage": "limbo", "overdue": "maybe"})
    assert {e["field"] for e in refused.value.errors} == {"stage", "overdue"}


def test_the_posts_view_shows_missing_and_overdue_reports(
    officer: User, chair: User, state_member: User, defector_case: Case, world: World
) -> None:
    first = Obligation.objects.get(case=defector_case, identifier="report_to_idc")
    assert first.due_at is not None
    compliance.sweep_recurrences(first.due_at + dt.timedelta(minutes=1))
    Obligation.objects.filter(case=defector_case, identifier="report_to_idc").update(
        due_at=dt.datetime.now(dt.UTC) - dt.timedelta(hours=1)
    )
    view = queries.post_view(state_member, world.vienna.pk)
    assert [(r.cryptonym, r.periods_overdue) for r in view.overdue] == [
        (defector_case.cryptonym, 2)
    ]
    page = signed_in_client(chair).get(f"/reports/posts/{world.vienna.pk}/")
    assert page.status_code == 200
    assert b"Overdue: 2 missing" in page.content


def test_the_pages_answer_by_role(
    officer: User, state_member: User, idc: User, bonn_member: User, defector_case: Case
) -> None:
    report = draft(officer, defector_case)
    assert signed_in_client(idc).get("/reports/").status_code == 302
    world_page = signed_in_client(idc).get("/reports/world/?overdue=no")
    assert world_page.status_code == 200
    assert defector_case.cryptonym.encode() in world_page.content
    assert signed_in_client(state_member).get("/reports/world/").status_code == 404
    assert signed_in_client(state_member).get("/reports/").status_code == 302
    assert signed_in_client(bonn_member).get(f"/reports/{report.pk}/").status_code == 404
    case_page = signed_in_client(officer).get(f"/cases/{defector_case.pk}/idc-reports/")
    assert b"Reports to the IDC" in case_page.content
    assert b"Draft the report" in case_page.content


ApiFor = Callable[[User], Any]


def test_the_api_drafts_sends_acknowledges_and_lists(
    api: ApiFor, officer: User, chair: User, idc: User, bonn_member: User, defector_case: Case
) -> None:
    made = api(officer).post(
        f"/cases/{defector_case.pk}", {"expected_version": version_of(defector_case)}
    )
    assert made.status_code == 201, made.content
    body = made.json()
    assert body["contents"]["case"]["cryptonym"] == defector_case.cryptonym
    assert body["can_send"] is False
    report_id = body["id"]
    assert api(chair).post(f"/{report_id}/send", {"expected_version": 9}).status_code == 409
    sent = api(chair).post(f"/{report_id}/send", {"expected_version": 1})
    assert sent.status_code == 200
    assert sent.json()["status"] == "sent"
    assert sent.json()["period"] == 1
    assert api(chair).post(f"/{report_id}/acknowledge", {"expected_version": 2}).status_code == 403
    acked = api(idc).post(f"/{report_id}/acknowledge", {"expected_version": 2})
    assert acked.json()["status"] == "acknowledged"
    listed = api(idc).get("/world", overdue="no")
    assert listed.status_code == 200
    assert [item["cryptonym"] for item in listed.json()["items"]] == [defector_case.cryptonym]
    assert listed.json()["items"][0]["reports_received"] == 1
    assert api(idc).get("/world", stage="limbo").status_code == 422
    assert api(officer).get("/world").status_code == 404
    facets = api(idc).get("/world/facets").json()
    assert facets["count"] == 1
    assert "exploitation" in facets["facets"]
    assert api(bonn_member).get(f"/{report_id}").status_code == 404
    assert api(idc).get(f"/cases/{defector_case.pk}").json()["count"] == 1
    assert api(chair).get(f"/posts/{defector_case.post_id}").json()["count"] == 1
    assert api(bonn_member).get(f"/posts/{defector_case.post_id}").status_code == 404
    pdf = api(idc).get(f"/{report_id}/pdf")
    assert pdf.status_code == 200
    assert pdf.content.startswith(b"%PDF-")
