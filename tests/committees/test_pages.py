"""The committees pages: who sees what, forms that show their errors, a meeting through its
steps, procedures, the senior representative's page and the IDC's "Minutes received"."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client

from defector.committees import actions
from defector.committees.models import Committee, Minutes, ProceduresVersion
from defector.policy.gates.committees import REQUIRED_SECTIONS

from .conftest import Schedule, at, official_of

pytestmark = pytest.mark.django_db

ClientFor = Callable[[User], Client]


def csrf(client: Client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, response.status_code
    return (
        str(response.cookies["csrftoken"].value)
        if "csrftoken" in response.cookies
        else str(client.cookies["csrftoken"].value)
    )


def post(client: Client, url: str, data: dict[str, Any]) -> Any:
    token = csrf(client, url)
    return client.post(url, data, HTTP_X_CSRFTOKEN=token)


def test_the_index_lists_the_users_committee_with_its_flags(
    committee: Committee, chair: User, client_for: ClientFor
) -> None:
    page = client_for(chair).get("/committees/")
    assert page.status_code == 200
    html = page.content.decode()
    assert 'data-committee="VIENNA"' in html
    assert 'data-flag="no_procedures"' in html


def test_washington_sees_every_committee_and_the_posts_without_one(
    committee: Committee, bonn_committee: Committee, idc: User, client_for: ClientFor, world: Any
) -> None:
    from defector.directory.models import Post

    Post.objects.create(code="ROME", name="Embassy Rome", country="IT", city="Rome")
    html = client_for(idc).get("/committees/").content.decode()
    assert 'data-committee="VIENNA"' in html
    assert 'data-committee="BONN"' in html
    assert "data-without-committee" in html
    assert "Embassy Rome" in html
    assert "Havana" not in html  # no diplomatic representation: no committee due


@pytest.mark.parametrize("who", ["auditor", "administrator", "bonn_member"])
def test_others_get_404_for_a_committee_and_its_meetings(
    who: str, request: Any, committee: Committee, schedule: Schedule, client_for: ClientFor
) -> None:
    meeting = schedule(at(2026, 3, 5))
    client = client_for(request.getfixturevalue(who))
    for url in (
        f"/committees/{committee.pk}/",
        f"/committees/meetings/{meeting.pk}/",
        f"/committees/{committee.pk}/procedures/",
        f"/committees/{committee.pk}/senior/",
        f"/committees/{committee.pk}/calendar.ics",
        f"/committees/meetings/{meeting.pk}/meeting.ics",
    ):
        assert client.get(url).status_code == 404, url


def test_the_chair_schedules_a_meeting_and_errors_show_in_a_summary(
    committee: Committee, chair: User, client_for: ClientFor
) -> None:
    client = client_for(chair)
    url = f"/committees/{committee.pk}/"
    bad = post(
        client,
        url,
        {
            "op": "schedule",
            "schedule-starts_at": "2026-03-05T11:00",
            "schedule-ends_at": "2026-03-05T09:00",
            "schedule-place": "",
        },
    )
    assert bad.status_code == 200
    html = bad.content.decode()
    assert 'id="error-summary"' in html
    assert "Must be after the start." in html
    good = post(
        client,
        url,
        {
            "op": "schedule",
            "schedule-starts_at": "2026-03-05T09:00",
            "schedule-ends_at": "2026-03-05T11:00",
            "schedule-place": "Chancery",
        },
    )
    assert good.status_code == 302
    meeting_page = client.get(good["Location"])
    assert meeting_page.status_code == 200
    assert "Chancery" in meeting_page.content.decode()


def test_a_member_may_not_schedule_and_is_told_why(
    committee: Committee, member: User, client_for: ClientFor
) -> None:
    response = post(
        client_for(member),
        f"/committees/{committee.pk}/",
        {
            "op": "schedule",
            "schedule-starts_at": "2026-03-05T09:00",
            "schedule-ends_at": "2026-03-05T11:00",
            "schedule-place": "Chancery",
        },
    )
    assert response.status_code == 200
    assert "only the committee&#x27;s chair may do this (6a)" in response.content.decode().lower()


def test_a_meeting_from_agenda_to_the_idcs_acknowledgement_through_the_pages(
    schedule: Schedule, chair: User, member: User, idc: User, client_for: ClientFor
) -> None:
    meeting = schedule(at(2026, 3, 5), held=True)
    url = f"/committees/meetings/{meeting.pk}/"
    chair_client = client_for(chair)
    assert (
        post(chair_client, url, {"op": "add_item", "add_item-title": "Drill review"}).status_code
        == 302
    )
    assert (
        post(
            chair_client,
            url,
            {"op": "attendance", f"attendance-official_{official_of(member).pk}": "present"},
        ).status_code
        == 302
    )
    assert (
        post(
            client_for(member), url, {"op": "minutes", "minutes-text": "AEGLOBE: drill held."}
        ).status_code
        == 302
    )
    assert post(chair_client, url, {"op": "approve"}).status_code == 302
    assert post(chair_client, url, {"op": "forward"}).status_code == 302
    idc_client = client_for(idc)
    received = idc_client.get("/committees/minutes-received/").content.decode()
    assert 'data-minutes="VIENNA"' in received
    response = post(
        idc_client,
        "/committees/minutes-received/",
        {"op": "acknowledge", "acknowledge-target": meeting.pk},
    )
    assert response.status_code == 302
    minutes = Minutes.objects.get(meeting=meeting)
    assert minutes.receipt_acknowledged_by == official_of(idc)
    assert "data-acknowledged" in idc_client.get("/committees/minutes-received/").content.decode()


def test_minutes_received_is_for_the_idc_only(chair: User, client_for: ClientFor) -> None:
    assert client_for(chair).get("/committees/minutes-received/").status_code == 404


def test_procedures_pages_refuse_a_missing_section_by_its_clause(
    committee: Committee, chair: User, senior: User, client_for: ClientFor
) -> None:
    chair_client = client_for(chair)
    assert (
        post(chair_client, f"/committees/{committee.pk}/procedures/", {"op": "new"}).status_code
        == 302
    )
    version = ProceduresVersion.objects.get(committee=committee)
    url = f"/committees/procedures/{version.pk}/"
    data: dict[str, Any] = {"op": "edit", "edit-note": "First version"}
    for key in REQUIRED_SECTIONS:
        field = "section_" + key.replace("(", "_").replace(")", "")
        data[f"edit-{field}"] = "" if key == "6b(3)(b)" else f"The post's way for {key}."
    data |= {
        "edit-threat_dissemination_minutes": 10,
        "edit-bona_fides_days": 21,
        "edit-idc_report_days": 30,
        "edit-minutes_forwarding_days": 14,
        "edit-reception_hours": 12,
        "edit-status_consideration_days": 30,
        "edit-political_risk_days": 30,
        "edit-recruitment_in_place_days": 30,
    }
    assert post(chair_client, url, data).status_code == 302
    refused = post(chair_client, url, {"op": "approve"})
    assert refused.status_code == 200
    assert "6b(3)(b)" in refused.content.decode()
    data["edit-section_6b_3_b"] = "Traces within a week."
    post(chair_client, url, data)
    assert post(chair_client, url, {"op": "approve"}).status_code == 302
    assert post(client_for(senior), url, {"op": "approve"}).status_code == 302
    version.refresh_from_db()
    assert version.status == "effective"
    page = chair_client.get(url).content.decode()
    assert "data-outstanding" in page


def test_the_diff_page_shows_what_changed(
    committee: Committee, chair: User, senior: User, client_for: ClientFor
) -> None:
    sections = {key: f"Line one for {key}.\nLine two." for key in REQUIRED_SECTIONS}
    first = actions.create_procedures_draft(
        acting_user=chair, committee_id=committee.pk, sections=sections
    )
    actions.approve_procedures(acting_user=chair, version_id=first.pk)
    actions.approve_procedures(acting_user=senior, version_id=first.pk)
    second = actions.create_procedures_draft(
        acting_user=chair,
        committee_id=committee.pk,
        sections={"6b(1)": "Line one for 6b(1).\nLine two, amended."},
        clocks={"bona_fides_days": 21},
    )
    html = client_for(chair).get(f"/committees/procedures/{second.pk}/diff/").content.decode()
    assert 'data-diff="6b(1)" data-changed="yes"' in html
    assert 'data-diff="6b(2)" data-changed="no"' in html
    assert "<ins>Line two, amended.</ins>" in html
    assert 'data-diff="clocks" data-changed="yes"' in html


def test_the_senior_page_keeps_the_register_and_guidance(
    committee: Committee,
    senior: User,
    member: User,
    chair: User,
    make_official: Any,
    world: Any,
    client_for: ClientFor,
) -> None:
    consular = make_official("ann.consul", ("case_officer", world.vienna))
    senior_client = client_for(senior)
    url = f"/committees/{committee.pk}/senior/"
    bad = post(
        senior_client,
        url,
        {
            "op": "register",
            "register-official": official_of(member).pk,
            "register-position": "consular_officer",
        },
    )
    assert bad.status_code == 200
    assert "Select a valid choice" in bad.content.decode()
    assert (
        post(
            senior_client,
            url,
            {
                "op": "register",
                "register-official": official_of(consular).pk,
                "register-position": "consular_officer",
            },
        ).status_code
        == 302
    )
    assert (
        post(
            senior_client,
            url,
            {
                "op": "register",
                "register-name": "Sgt. J. Doyle",
                "register-position": "marine_security_guard",
            },
        ).status_code
        == 302
    )
    html = senior_client.get(url).content.decode()
    assert html.count("data-overdue") == 2  # listed and never briefed: due at once
    person = committee.briefing_register.get(name="Sgt. J. Doyle")
    assert (
        post(
            senior_client,
            url,
            {
                "op": "brief",
                "brief-person": person.pk,
                "brief-briefed_on": dt.date.today().isoformat(),  # noqa: DTZ011
                "brief-briefed_by": official_of(chair).pk,
                "brief-topics": "Handling a walk-in at the gate.",
            },
        ).status_code
        == 302
    )
    assert senior_client.get(url).content.decode().count("data-overdue") == 1
    assert (
        post(
            senior_client,
            url,
            {"op": "guidance", "guidance-title": "Publicity", "guidance-body": "No statements."},
        ).status_code
        == 302
    )
    member_page = client_for(member).get(url).content.decode()
    assert 'data-guidance="Publicity"' in member_page
    assert "Lindqvist" in member_page  # not yet acknowledged


def test_a_first_draft_of_the_procedures_does_not_claim_a_version_in_effect(
    committee: Committee, chair: User, client_for: ClientFor
) -> None:
    chair_client = client_for(chair)
    answer = post(chair_client, f"/committees/{committee.pk}/procedures/", {"op": "new"})
    page = chair_client.get(answer["Location"]).content.decode()
    assert "Draft version 1 started. No version is in effect yet" in page
    assert "from the version in effect" not in page
