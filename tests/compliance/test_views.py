"""The compliance views, pages and API: a post's committee sees its post, the IDC sees every
post, anyone else is answered 404; every table aggregates in SQL (a constant number of
queries), and each downloads as CSV, audited and free of true names."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Callable
from html.parser import HTMLParser
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from defector.cases import actions as cases
from defector.cases.models import Case, Obligation
from defector.committees import actions as committees
from defector.compliance import queries
from defector.core.models import AuditEvent
from defector.dissemination import actions as dissemination
from support.builders import TRUE_NAME, make_committee

from .conftest import EVERYTHING

pytestmark = pytest.mark.django_db


@pytest.fixture
def now() -> dt.datetime:
    return timezone.now()


@pytest.fixture
def vienna_case(open_case: Any, committee: dict[str, User], now: dt.datetime) -> Case:
    """A walk-in received two days ago: threat information and reception are overdue."""
    received = now - dt.timedelta(days=2)
    return open_case(facts=EVERYTHING, received_at=received, at=received)


@pytest.fixture
def bonn_case(world: Any, bonn_member: User, now: dt.datetime) -> Case:
    received = now - dt.timedelta(days=2)
    return cases.open_case(
        acting_user=bonn_member,
        post_id=world.bonn.pk,
        sensitivity="SECRET",
        true_name=TRUE_NAME,
        facts=EVERYTHING,
        received_at=received,
        at=received,
    )


class Markup(HTMLParser):
    """Inline styles and event handlers (the Content-Security-Policy forbids both), and ids."""

    def __init__(self) -> None:
        super().__init__()
        self.problems: list[str] = []
        self.ids: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        named = dict(attrs)
        if tag == "style" or "style" in named:
            self.problems.append(f"style on <{tag}>")
        self.problems += [f"{name} on <{tag}>" for name in named if name.startswith("on")]
        if named.get("id"):
            self.ids.append(str(named["id"]))


def rows(found: queries.Overview, slug: str) -> list[list[Any]]:
    return found.tables[slug].rows


def test_a_committee_member_sees_the_posts_open_and_overdue_obligations(
    vienna_case: Case, bonn_case: Case, state_member: User, now: dt.datetime
) -> None:
    found = queries.overview(state_member, now=now)
    assert found.scope.code == "VIENNA"
    by_clause = {row[0]: row[2:] for row in rows(found, "by-clause")}
    assert by_clause["6b(3)(a)"] == [1, 1]  # threat information: open, overdue
    assert by_clause["6b(1)"] == [1, 1]  # secure reception, 24 hours: overdue
    assert by_clause["6b(3)(b)"] == [1, 0]
    [post] = rows(found, "by-post")
    assert post[0] == "VIENNA"
    assert post[2:] == [7, 2]
    assert {row[0] for row in rows(found, "overdue")} == {vienna_case.cryptonym}


def test_the_idc_sees_every_post(
    vienna_case: Case, bonn_case: Case, idc: User, now: dt.datetime
) -> None:
    found = queries.overview(idc, now=now)
    assert found.scope.worldwide
    assert [row[0] for row in rows(found, "by-post")] == ["BONN", "VIENNA"]
    assert {row[0] for row in rows(found, "overdue")} == {
        vienna_case.cryptonym,
        bonn_case.cryptonym,
    }


def test_a_threat_report_is_listed_until_every_recipient_has_acknowledged_it(
    vienna_case: Case, committee: dict[str, User], state_member: User, now: dt.datetime
) -> None:
    assert rows(queries.overview(state_member, now=now), "unacknowledged") == []
    report = dissemination.issue_report(
        acting_user=committee["chair"],
        case_id=vienna_case.pk,
        precedence="flash",
        threatened="The chancery",
        location="Its gate",
        timing="Tonight",
    )
    recipients = [delivery.recipient.user for delivery in report.deliveries.all()]
    later = now + dt.timedelta(minutes=12)
    [row] = rows(queries.overview(state_member, now=later), "unacknowledged")
    assert row[0:3] == [vienna_case.cryptonym, "VIENNA", "FLASH"]
    assert row[4:] == [f"{len(recipients)} of {len(recipients)}", 12]
    for user in recipients[1:]:
        dissemination.acknowledge_report(acting_user=user, report_id=report.pk)
    [row] = rows(queries.overview(state_member, now=later), "unacknowledged")
    assert row[4] == f"1 of {len(recipients)}"
    dissemination.acknowledge_report(acting_user=recipients[0], report_id=report.pk)
    assert rows(queries.overview(state_member, now=later), "unacknowledged") == []


def test_time_to_bona_fides_and_to_dissemination_are_distributions(
    vienna_case: Case, officer: User, idc: User, now: dt.datetime
) -> None:
    received = vienna_case.received_at
    threat = Obligation.objects.get(case=vienna_case, identifier="disseminate_threat_information")
    cases.discharge_obligation(
        acting_user=officer,
        case_id=vienna_case.pk,
        obligation_id=threat.pk,
        expected_version=1,
        evidence="FLASH cable sent to the distribution.",
        at=received + dt.timedelta(minutes=40),
    )
    bona_fides = Obligation.objects.get(case=vienna_case, identifier="establish_bona_fides")
    cases.discharge_obligation(
        acting_user=officer,
        case_id=vienna_case.pk,
        obligation_id=bona_fides.pk,
        expected_version=2,
        evidence="Traces and the polygraph concur.",
        at=received + dt.timedelta(days=1, hours=1),
    )
    found = queries.overview(idc, now=now)
    dissemination = dict(map(tuple, rows(found, "dissemination")))
    assert dissemination["15 to 60 minutes"] == 1
    assert sum(dissemination.values()) == 1
    bona = dict(map(tuple, rows(found, "bona-fides")))
    assert bona["1 to 7 days"] == 1
    assert sum(bona.values()) == 1


def test_meetings_are_counted_by_quarter(
    world: Any, chair: User, state_member: User, now: dt.datetime
) -> None:
    committee = make_committee(world.vienna, established_on=dt.date(2000, 1, 1))
    start = now - dt.timedelta(hours=2)
    meeting = committees.schedule_meeting(
        acting_user=chair,
        committee_id=committee.pk,
        starts_at=start,
        ends_at=start + dt.timedelta(hours=1),
        place="Secure conference room",
    )
    committees.mark_meeting_held(acting_user=chair, meeting_id=meeting.pk, now=now)
    found = queries.overview(state_member, now=now)
    [row] = rows(found, "meetings")
    assert row[0] == "VIENNA"
    assert row[-1] == 1  # the current quarter
    assert row[1:-1] == ["missed"] * 4


def test_the_tables_take_a_constant_number_of_queries(
    open_case: Any, committee: dict[str, User], idc: User, now: dt.datetime
) -> None:
    received = now - dt.timedelta(days=2)
    open_case(facts=EVERYTHING, received_at=received, at=received)
    queries.overview(idc, now=now)  # the principal is read once, then kept on the user
    with CaptureQueriesContext(connection) as one:
        queries.overview(idc, now=now)
    for _ in range(4):
        open_case(facts=EVERYTHING, received_at=received, at=received)
    with CaptureQueriesContext(connection) as five:
        found = queries.overview(idc, now=now)
    assert len(five) == len(one)
    assert sum(row[2] for row in rows(found, "by-clause")) == 5 * 7


@pytest.mark.parametrize(
    ("who", "own", "other", "world_view"),
    [
        ("state_member", 200, 404, "VIENNA"),
        ("chair", 200, 404, "VIENNA"),
        ("senior", 200, 404, "VIENNA"),
        ("idc", 200, 200, "WORLDWIDE"),
        ("officer", 404, 404, None),
        ("invited", 404, 404, None),
        ("auditor", 404, 404, None),
        ("administrator", 404, 404, None),
    ],
)
def test_pages_and_api_answer_by_role(
    request: pytest.FixtureRequest,
    world: Any,
    client_for: Callable[[User], Any],
    api: Callable[[User], Any],
    vienna_case: Case,
    who: str,
    own: int,
    other: int,
    world_view: str | None,
) -> None:
    user = request.getfixturevalue(who)
    client = client_for(user)
    vienna, bonn = world.vienna.pk, world.bonn.pk
    assert client.get(reverse("compliance:post", args=[vienna])).status_code == own
    assert client.get(reverse("compliance:post", args=[bonn])).status_code == other
    index = client.get(reverse("compliance:index"))
    assert index.status_code == (200 if world_view else 404)
    answer = api(user)
    assert answer.get(f"/posts/{vienna}").status_code == own
    assert answer.get(f"/posts/{bonn}").status_code == other
    mine = answer.get()
    assert mine.status_code == (200 if world_view else 404)
    if world_view:
        assert mine.json()["scope"] == world_view
        assert [t["slug"] for t in mine.json()["tables"]] == list(queries.TABLES)


def test_the_page_draws_each_chart_with_its_table_view(
    client_for: Callable[[User], Any], state_member: User, vienna_case: Case
) -> None:
    body = client_for(state_member).get(reverse("compliance:index")).content.decode()
    assert body.count('<svg xmlns="http://www.w3.org/2000/svg" role="img"') == 5
    assert body.count('<title id="chart-') == 5
    assert body.count('<desc id="chart-') == 5
    assert body.count("(table view)</caption>") >= 5
    assert "UTC" in body
    assert TRUE_NAME not in body
    assert vienna_case.cryptonym in body
    markup = Markup()
    markup.feed(body)
    assert markup.problems == []
    assert {i for i in markup.ids if markup.ids.count(i) > 1} == set()


@pytest.mark.parametrize("table", list(queries.TABLES))
def test_each_table_downloads_as_csv_audited_and_without_true_names(
    client_for: Callable[[User], Any],
    idc: User,
    vienna_case: Case,
    world: Any,
    table: str,
) -> None:
    before = AuditEvent.objects.filter(action="compliance.export").count()
    response = client_for(idc).get(reverse("compliance:export"), {"table": table})
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert f"compliance-worldwide-{table}.csv" in response["Content-Disposition"]
    text = response.content.decode()
    header = next(csv.reader(io.StringIO(text)))
    assert header == list(queries.table(idc, queries.scope_for(idc), table).columns)
    for part in TRUE_NAME.split():
        assert part not in text
    event = AuditEvent.objects.filter(action="compliance.export").order_by("-seq").first()
    assert AuditEvent.objects.filter(action="compliance.export").count() == before + 1
    assert event is not None
    assert event.after["table"] == table
    assert event.after["scope"] == "WORLDWIDE"
    assert event.actor_id == idc.pk


def test_the_csv_of_a_post_not_ones_own_is_not_found(
    client_for: Callable[[User], Any], state_member: User, world: Any
) -> None:
    client = client_for(state_member)
    url = reverse("compliance:export")
    assert client.get(url, {"table": "by-clause", "post": world.bonn.pk}).status_code == 404
    assert client.get(url, {"table": "no-such-table"}).status_code == 404
    assert client.get(url, {"table": "by-clause", "post": world.vienna.pk}).status_code == 200
    exports = AuditEvent.objects.filter(action="compliance.export")
    assert [event.after["scope"] for event in exports] == ["VIENNA"]
