"""Members kept informed of the committee's documents (``6e``): procedures that take effect,
guidance issued and minutes forwarded reach them through the committees app's signals; the
updates that need acknowledging are listed with an Acknowledge button, and the chair is sent to
the documents' pages to see who has not yet acknowledged."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.middleware.csrf import get_token
from django.test import Client, RequestFactory
from django.utils import timezone

from defector.committees import actions as committees
from defector.committees import signals
from defector.committees.models import Acknowledgement, Committee, GuidanceVersion
from defector.notifications import actions, queries, receivers
from defector.notifications.models import Notice
from defector.policy.gates.committees import REQUIRED_SECTIONS

pytestmark = pytest.mark.django_db

ClientFor = Callable[[User], Client]


@pytest.fixture
def vienna_committee(world: Any) -> Committee:
    found, _ = committees.ensure_committee(world.vienna)
    return found


@pytest.fixture
def procedures(vienna_committee: Committee, chair: User, senior: User, committed: Any) -> Any:
    """Version 1 of VIENNA's procedures, made effective by the chair and the senior
    representative (through the committees app's actions, signal and all)."""
    draft = committees.create_procedures_draft(
        acting_user=chair,
        committee_id=vienna_committee.pk,
        sections={key: f"How the post provides for {key}." for key in REQUIRED_SECTIONS},
    )
    committees.approve_procedures(acting_user=chair, version_id=draft.pk)
    with committed():
        return committees.approve_procedures(acting_user=senior, version_id=draft.pk)


@pytest.fixture
def guidance(vienna_committee: Committee, senior: User, committed: Any) -> GuidanceVersion:
    with committed():
        return committees.issue_guidance(
            acting_user=senior,
            committee_id=vienna_committee.pk,
            title="Contacts with the press",
            body="No member speaks to the press about AEFOX.",
        )


def summaries(user: User) -> list[str]:
    return list(
        Notice.objects.filter(recipient__user=user).order_by("pk").values_list("summary", flat=True)
    )


def test_the_committees_signals_are_connected() -> None:
    connected = receivers.connect()
    assert {
        "defector.committees.signals.procedures_effective",
        "defector.committees.signals.guidance_issued",
        "defector.committees.signals.minutes_forwarded",
    } <= set(connected)


def test_procedures_that_take_effect_are_announced_to_every_member(
    committee: dict[str, User], procedures: Any
) -> None:
    expected = "Local operating procedures of VIENNA: version 1 is effective; acknowledge it."
    for seat in ("cia_member", "state_member", "chair"):
        assert summaries(committee[seat]) == [expected]
    # The senior representative made it effective, so is not told of it.
    assert summaries(committee["senior"]) == []
    notice = Notice.objects.filter(recipient__user=committee["chair"]).get()
    assert notice.kind == "procedures"
    assert notice.link == f"/committees/procedures/{procedures.pk}/"


def test_guidance_issued_is_announced_without_its_title(
    committee: dict[str, User], guidance: GuidanceVersion
) -> None:
    [summary] = summaries(committee["chair"])
    assert summary == (
        "Policy guidance of the senior US representative at VIENNA: version 1 issued; "
        "acknowledge it."
    )
    assert "press" not in summary
    assert Notice.objects.filter(recipient__user=committee["chair"]).get().link == (
        f"/committees/guidance/{guidance.pk}/"
    )


def test_minutes_forwarded_are_announced_to_the_members_and_the_idc(
    vienna_committee: Committee, committee: dict[str, User], chair: User
) -> None:
    signals.minutes_forwarded.send(
        sender=Committee, committee=vienna_committee, minutes=None, actor=chair
    )
    expected = "Minutes of the VIENNA committee forwarded to the IDC."
    assert summaries(committee["idc"]) == [expected]
    assert summaries(committee["state_member"]) == [expected]
    assert summaries(chair) == []
    assert Notice.objects.filter(recipient__user=committee["idc"]).get().link == (
        f"/committees/{vienna_committee.pk}/"
    )


def test_minutes_forwarded_through_the_committees_app_link_to_the_meeting(
    vienna_committee: Committee, committee: dict[str, User], chair: User, committed: Any
) -> None:
    starts = timezone.now() + dt.timedelta(hours=1)
    meeting = committees.schedule_meeting(
        acting_user=chair,
        committee_id=vienna_committee.pk,
        starts_at=starts,
        ends_at=starts + dt.timedelta(hours=1),
        place="Secure conference room",
    )
    committees.mark_meeting_held(
        acting_user=chair, meeting_id=meeting.pk, now=starts + dt.timedelta(hours=2)
    )
    committees.save_minutes(acting_user=chair, meeting_id=meeting.pk, text="AEFOX discussed.")
    committees.approve_minutes(acting_user=chair, meeting_id=meeting.pk)
    with committed():
        committees.forward_minutes(acting_user=chair, meeting_id=meeting.pk)
    notice = Notice.objects.get(recipient__user=committee["idc"])
    assert notice.kind == "minutes"
    assert notice.summary == (
        f"Minutes of the meeting of {starts:%Y-%m-%d} of the VIENNA committee forwarded to the IDC."
    )
    assert notice.link == f"/committees/meetings/{meeting.pk}/"
    assert "AEFOX" not in notice.summary


def test_a_receiver_never_breaks_the_sender(caplog: pytest.LogCaptureFixture) -> None:
    signals.procedures_effective.send(sender=Committee, committee=None, version=None, actor=None)
    assert "could not write the notices of on_procedures_effective" in caplog.text
    assert not Notice.objects.exists()


def test_a_case_change_is_announced_by_cryptonym_to_those_who_may_see_it(
    open_case: Any, committee: dict[str, User], officer: User, make_official: Any, world: Any
) -> None:
    case = open_case()
    Notice.objects.all().delete()  # the opening's own notices
    make_official("low.member", ("committee_member", world.vienna), clearance="CONFIDENTIAL")
    receivers.on_case_changed(sender=None, case=case, change="defector status granted", actor=None)
    expected = f"Case {case.cryptonym} at VIENNA: defector status granted."
    assert summaries(committee["chair"]) == [expected]
    assert summaries(officer) == [expected]
    assert not Notice.objects.filter(recipient__user__username="low.member").exists()
    assert Notice.objects.filter(recipient__user=officer).get().link == f"/cases/{case.pk}/"


# --- acknowledgements -----------------------------------------------------------------------------


def test_a_member_sees_what_to_acknowledge(
    procedures: Any, guidance: GuidanceVersion, state_member: User
) -> None:
    pending = queries.pending_acknowledgements(state_member)
    assert [(p.kind, p.id, p.post, p.clause) for p in pending] == [
        ("procedures", procedures.pk, "VIENNA", "6b"),
        ("guidance", guidance.pk, "VIENNA", "7c"),
    ]
    assert pending[0].label == "Local operating procedures of VIENNA, version 1"
    assert pending[1].label == "Policy guidance: Contacts with the press (version 1)"


def test_acknowledging_from_the_page(
    procedures: Any, guidance: GuidanceVersion, state_member: User, client_for: ClientFor
) -> None:
    browser = client_for(state_member)
    html = browser.get("/notifications/").content.decode()
    assert f'data-pending-item="procedures-{procedures.pk}"' in html
    assert f'data-pending-item="guidance-{guidance.pk}"' in html
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)
    assert token
    answer = browser.post(
        "/notifications/acknowledge/",
        {"csrfmiddlewaretoken": token.group(1), "kind": "procedures", "id": procedures.pk},
    )
    assert answer.status_code == 302
    acknowledgement = Acknowledgement.objects.get()
    assert acknowledgement.procedures_version == procedures
    assert acknowledgement.official.user == state_member
    after = browser.get("/notifications/").content.decode()
    assert "Acknowledged. Thank you." in after
    assert f'data-pending-item="procedures-{procedures.pk}"' not in after
    assert f'data-pending-item="guidance-{guidance.pk}"' in after


def test_acknowledging_twice_is_explained(
    procedures: Any, state_member: User, client_for: ClientFor
) -> None:
    actions.acknowledge(acting_user=state_member, kind="procedures", version_id=procedures.pk)
    browser = client_for(state_member)
    assert 'data-pending-item="procedures-' not in browser.get("/notifications/").content.decode()
    # A second press of a stale page's button:
    request = RequestFactory().get("/")
    csrf = get_token(request)
    browser.cookies["csrftoken"] = request.META["CSRF_COOKIE"]
    answer = browser.post(
        "/notifications/acknowledge/",
        {"csrfmiddlewaretoken": csrf, "kind": "procedures", "id": procedures.pk},
        follow=True,
    )
    assert "you acknowledged this on" in answer.content.decode()
    assert Acknowledgement.objects.count() == 1


def test_the_chair_is_sent_to_the_pages_that_list_who_has_not_acknowledged(
    procedures: Any, guidance: GuidanceVersion, chair: User, client_for: ClientFor
) -> None:
    follow = queries.chair_follow_ups(chair)
    assert [(f.label, f.link) for f in follow] == [
        (
            "Local operating procedures of VIENNA, version 1",
            f"/committees/procedures/{procedures.pk}/",
        ),
        (
            "Policy guidance: Contacts with the press (version 1)",
            f"/committees/guidance/{guidance.pk}/",
        ),
    ]
    html = client_for(chair).get("/notifications/").content.decode()
    assert "data-follow-ups" in html
    assert f'href="/committees/procedures/{procedures.pk}/"' in html


def test_a_member_who_is_not_chair_follows_nothing(procedures: Any, state_member: User) -> None:
    assert queries.chair_follow_ups(state_member) == []


def test_acknowledgements_through_the_api(
    procedures: Any, guidance: GuidanceVersion, state_member: User, bonn_member: User, api: Any
) -> None:
    caller = api(state_member)
    listed = caller.get("/acknowledgements").json()["items"]
    assert [(p["kind"], p["id"]) for p in listed] == [
        ("procedures", procedures.pk),
        ("guidance", guidance.pk),
    ]
    done = caller.post("/acknowledgements", {"kind": "guidance", "id": guidance.pk})
    assert done.status_code == 201, done.content
    assert done.json()["kind"] == "guidance"
    assert [p["kind"] for p in caller.get("/acknowledgements").json()["items"]] == ["procedures"]
    again = caller.post("/acknowledgements", {"kind": "guidance", "id": guidance.pk})
    assert again.status_code == 409
    assert caller.post("/acknowledgements", {"kind": "memo", "id": 1}).status_code == 422
    other = api(bonn_member).post("/acknowledgements", {"kind": "procedures", "id": procedures.pk})
    assert other.status_code == 404
