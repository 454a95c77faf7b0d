""" "My work" as each role's home page: what shows for whom, that every link resolves, and that
the number of SQL queries does not grow with the rows."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from defector.cases import actions as case_actions
from defector.cases.choices import ObligationStatus
from defector.cases.models import Case, Obligation, VoluntaryStatement
from defector.committees.choices import MeetingStatus, MinutesStatus
from defector.committees.models import Meeting, Minutes
from defector.directory.models import Official
from defector.policy.obligations import ObligationId
from support.builders import TRUE_NAME, case_opener, make_committee, official_of
from support.fixtures import MakeOfficial
from support.world import World

pytestmark = pytest.mark.django_db

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


@pytest.fixture(autouse=True)
def _sealed(sealing_keys: None) -> None:
    """Cases seal their identities with the session's test keyring."""


@pytest.fixture
def world_parts() -> tuple[str, ...]:
    return ("cia", "state", "vienna", "bonn")


@pytest.fixture
def cast(make_official: MakeOfficial, world: World) -> dict[str, User]:
    """The demo's roles at VIENNA, and an IDC member in Washington."""
    return {
        "officer": make_official("duty.officer", ("case_officer", world.vienna)),
        "second": make_official("second.officer", ("case_officer", world.vienna)),
        "chair": make_official("committee.chair", ("committee_chair", world.vienna)),
        "senior": make_official("ambassador.vienna", ("senior_representative", world.vienna)),
        "idc": make_official("idc.member", ("idc_member", None)),
    }


def _open(cast: dict[str, User], world: World, **extra: Any) -> Case:
    return case_opener(acting_user=cast["officer"], post_id=world.vienna.pk)(
        true_name=TRUE_NAME, facts=WALK_IN, **extra
    )


def _task(case: Case, by: User, **to: Any) -> None:
    case.refresh_from_db()
    case_actions.create_task(
        acting_user=by,
        case_id=case.pk,
        expected_version=case.version,
        title=f"Check the travel documents of {case.cryptonym}",
        due_on=timezone.localdate() + dt.timedelta(days=3),
        **to,
    )


def _statement(case: Case, by: User) -> None:
    VoluntaryStatement.objects.create(
        case=case,
        number=VoluntaryStatement.objects.filter(case=case).count() + 1,
        language_code="ru",
        language_name="Russian",
        signature_method="upload",
        file_path="x.pdf",
        content_type="application/pdf",
        size=10,
        sha256="0" * 64,
        signed_at=timezone.now(),
        recorded_by=official_of(by),
    )


def _minutes(world: World, status: str, *, days_ago: int = 5) -> Minutes:
    committee = make_committee(world.vienna)
    start = timezone.now() - dt.timedelta(days=days_ago)
    meeting = Meeting.objects.create(
        committee=committee,
        starts_at=start,
        ends_at=start + dt.timedelta(hours=2),
        place="Secure room",
        status=MeetingStatus.HELD,
    )
    now = timezone.now()
    return Minutes.objects.create(
        meeting=meeting,
        text="Discussed AEBEAR.",
        status=status,
        approved_at=None if status == MinutesStatus.DRAFT else now,
        forwarded_at=now if status == MinutesStatus.FORWARDED else None,
    )


def _home(client_for: Any, user: User) -> str:
    response = client_for(user).get("/")
    assert response.status_code == 200
    return response.content.decode()


def _section(page: str, key: str) -> str:
    start = page.index(f'data-work-section="{key}"')
    return page[start : page.index("</section>", start)]


def test_the_case_officer_sees_his_obligations_by_due_time_with_countdowns_and_a_walk_in_button(
    cast: dict[str, User], world: World, client_for: Any
) -> None:
    case = _open(cast, world)
    page = _home(client_for, cast["officer"])
    assert "<h1>My work</h1>" in page
    assert "Receive walk-in" in page
    assert 'href="/cases/new/"' in page
    obligations = _section(page, "obligations")
    assert case.cryptonym in obligations
    assert "UTC" in obligations
    assert "Due in" in obligations
    mine = Obligation.objects.filter(
        case=case, owner=official_of(cast["officer"]), status=ObligationStatus.OPEN
    ).exclude(due_at=None)
    dues = [o.title for o in mine.order_by("due_at")]
    positions = [obligations.index(title) for title in dues if title in obligations]
    assert positions == sorted(positions)
    assert 'data-work-section="determinations"' not in page
    assert 'data-work-section="minutes"' not in page


def test_an_overdue_obligation_says_by_how_long(
    cast: dict[str, User], world: World, client_for: Any
) -> None:
    case = _open(cast, world)
    Obligation.objects.filter(case=case, owner=official_of(cast["officer"])).update(
        due_at=timezone.now() - dt.timedelta(days=2, hours=3)
    )
    obligations = _section(_home(client_for, cast["officer"]), "obligations")
    assert "Overdue by 2 days 3 hours" in obligations


def test_empty_sections_say_so_in_words(cast: dict[str, User], client_for: Any) -> None:
    page = _home(client_for, cast["officer"])
    assert "Nothing waits for you." in _section(page, "obligations")
    assert "Nothing waits for you." in _section(page, "tasks")
    assert "Nothing waits for you." in _section(page, "statements")


def test_tasks_to_me_or_my_agency_show_with_their_due_date(
    cast: dict[str, User], world: World, client_for: Any
) -> None:
    case = _open(cast, world)
    _task(case, cast["officer"], agency_id=world.cia.pk)
    _task(case, cast["chair"], official_id=official_of(cast["officer"]).pk)
    for user, count in ((cast["chair"], 1), (cast["officer"], 2)):
        tasks = _section(_home(client_for, user), "tasks")
        assert tasks.count(f"Check the travel documents of {case.cryptonym}") == count
        assert f"/cases/{case.pk}/tasks/" in tasks
        assert "UTC" in tasks


def test_a_statement_awaits_a_witness_other_than_its_recorder(
    cast: dict[str, User], world: World, client_for: Any
) -> None:
    case = _open(cast, world)
    _statement(case, cast["officer"])
    assert case.cryptonym in _section(_home(client_for, cast["chair"]), "statements")
    assert case.cryptonym not in _section(_home(client_for, cast["officer"]), "statements")


def test_the_chair_sees_his_posts_obligations_and_minutes_to_approve(
    cast: dict[str, User], world: World, client_for: Any
) -> None:
    case = _open(cast, world)
    minutes = _minutes(world, MinutesStatus.DRAFT)
    page = _home(client_for, cast["chair"])
    assert case.cryptonym in _section(page, "obligations")
    section = _section(page, "minutes")
    assert "approve them" in section
    assert f"/committees/meetings/{minutes.meeting_id}/" in section


def test_the_senior_representative_sees_the_7a_determinations_requested(
    cast: dict[str, User], world: World, client_for: Any
) -> None:
    case = _open(cast, world)
    assert Obligation.objects.filter(
        case=case, identifier=ObligationId.POLITICAL_RISK_DETERMINATION
    ).exists()
    page = _home(client_for, cast["senior"])
    section = _section(page, "determinations")
    assert case.cryptonym in section
    assert f"/cases/{case.pk}/political-risk/" in section
    assert 'data-work-section="statements"' not in page
    assert 'data-work-section="minutes"' not in page
    assert 'data-work-section="obligations"' in page


def test_the_ambassador_without_requests_is_told_nothing_waits(
    cast: dict[str, User], client_for: Any
) -> None:
    page = _home(client_for, cast["senior"])
    assert "Nothing waits for you." in _section(page, "determinations")


def test_the_idc_member_sees_the_minutes_to_acknowledge(
    cast: dict[str, User], world: World, client_for: Any
) -> None:
    _minutes(world, MinutesStatus.FORWARDED)
    page = _home(client_for, cast["idc"])
    section = _section(page, "minutes")
    assert "acknowledge receipt" in section
    assert "/committees/minutes-received/" in section
    assert 'data-work-section="statements"' not in page
    assert 'data-work-section="determinations"' not in page
    assert "Receive walk-in" not in page


def test_notices_to_acknowledge_and_the_unread_count_link_to_whats_new(
    cast: dict[str, User], client_for: Any
) -> None:
    page = _home(client_for, cast["officer"])
    assert 'data-work="unread"' in page
    assert 'href="/notifications/"' in page or "What's new" in page
    assert "Threat reports and notices to acknowledge" in page


def test_every_link_of_my_work_resolves(
    cast: dict[str, User], world: World, client_for: Any
) -> None:
    case = _open(cast, world)
    _task(case, cast["officer"], agency_id=world.cia.pk)
    _statement(case, cast["officer"])
    _minutes(world, MinutesStatus.DRAFT)
    for role in ("officer", "second", "chair", "senior", "idc"):
        client = client_for(cast[role])
        page = client.get("/").content.decode()
        start = page.index("<h1>My work</h1>")
        mine = page[start : page.index("<h2>Areas</h2>")]
        links = {part.split('"', 1)[0].split("#", 1)[0] for part in mine.split('href="')[1:]}
        for link in links:
            assert client.get(link).status_code == 200, (role, link)


def _count(client: Client) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get("/").status_code == 200
    return len(captured.captured_queries)


@pytest.mark.parametrize("role", ["officer", "second", "chair", "senior", "idc"])
def test_the_number_of_queries_does_not_grow_with_the_rows(
    role: str, cast: dict[str, User], world: World, client_for: Any
) -> None:
    client = client_for(cast[role])
    case = _open(cast, world)
    _task(case, cast["officer"], agency_id=world.cia.pk)
    _statement(case, cast["officer"])
    _minutes(world, MinutesStatus.DRAFT, days_ago=9)
    _count(client)
    before = _count(client)
    for _ in range(3):
        more = _open(cast, world)
        _task(more, cast["officer"], agency_id=world.cia.pk)
        _statement(more, cast["officer"])
    _minutes(world, MinutesStatus.APPROVED, days_ago=30)
    _minutes(world, MinutesStatus.FORWARDED, days_ago=60)
    assert _count(client) == before


def test_a_user_who_is_no_official_gets_the_areas_only(
    make_official: MakeOfficial, client_for: Any
) -> None:
    user = make_official("someone.else", official=False)
    page = _home(client_for, user)
    assert "<h1>My work</h1>" not in page
    assert not Official.objects.filter(user=user).exists()


def test_the_chair_sees_the_meetings_to_hold_and_the_minutes_to_write_and_where_to_schedule(
    cast: dict[str, User], world: World, client_for: Any
) -> None:
    committee = make_committee(world.vienna)
    start = timezone.now() - dt.timedelta(days=1)
    scheduled, upcoming, held, written = (
        Meeting.objects.create(
            committee=committee,
            starts_at=start + dt.timedelta(days=offset),
            ends_at=start + dt.timedelta(days=offset, hours=2),
            place="Secure room",
            status=status,
        )
        for offset, status in (
            (0, MeetingStatus.SCHEDULED),
            (3, MeetingStatus.SCHEDULED),
            (-2, MeetingStatus.HELD),
            (-9, MeetingStatus.HELD),
        )
    )
    Minutes.objects.create(meeting=written, text="Discussed AEBEAR.", status=MinutesStatus.DRAFT)
    section = _section(_home(client_for, cast["chair"]), "minutes")
    assert f"/committees/meetings/{scheduled.pk}/" in section
    assert section.count("hold it and record the attendance") == 1
    # A meeting whose time has not come is no work yet (the committee's page lists it).
    assert f"/committees/meetings/{upcoming.pk}/" not in section
    assert f"/committees/meetings/{held.pk}/" in section
    assert "write them" in section
    assert section.count(f"/committees/meetings/{written.pk}/") == 1
    assert "approve them" in section
    assert f'href="/committees/{committee.pk}/">Schedule a meeting' in section
    assert 'data-work-section="minutes"' not in _home(client_for, cast["officer"])
