"""The committees' flags on the dashboards, with an explicit "now": the quarterly rule and
the minutes-forwarding clock (``6a``), procedures (``6b``), re-briefings (``7b``), and posts
without a committee (``6``)."""

from __future__ import annotations

import datetime as dt
from io import StringIO
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.management import CommandError, call_command

from defector.committees import actions, queries
from defector.committees.apps import check_posts_have_committees
from defector.committees.models import Committee, Meeting
from defector.core.errors import PermissionDenied, PolicyRefusal
from defector.core.models import AuditEvent
from defector.directory.models import Post

from .conftest import Schedule, World, at

pytestmark = pytest.mark.django_db


def codes(committee: Committee, now: dt.datetime) -> list[tuple[str, str]]:
    return [(flag.code, flag.message) for flag in queries.committee_flags(committee, now)]


def missed(committee: Committee, now: dt.datetime) -> list[str]:
    return [m for code, m in codes(committee, now) if code == "quarter_missed"]


def test_a_quarter_with_a_meeting_and_one_without(committee: Committee, schedule: Schedule) -> None:
    schedule(at(2026, 2, 10), held=True)
    assert missed(committee, at(2026, 3, 31, 23)) == []
    assert missed(committee, at(2026, 7, 1)) == ["No meeting was held in Q2 2026."]


def test_a_meeting_on_the_last_day_of_a_quarter_counts_for_that_quarter(
    committee: Committee, schedule: Schedule
) -> None:
    schedule(at(2026, 3, 31, 21), hours=2, held=True)  # ends after midnight, on 1 April
    assert missed(committee, at(2026, 4, 1, 9)) == []
    assert missed(committee, at(2026, 7, 1, 9)) == ["No meeting was held in Q2 2026."]


def test_a_scheduled_or_cancelled_meeting_does_not_count(
    committee: Committee, schedule: Schedule, chair: User
) -> None:
    schedule(at(2026, 2, 10))
    cancelled = schedule(at(2026, 3, 10))
    actions.cancel_meeting(acting_user=chair, meeting_id=cancelled.pk)
    assert missed(committee, at(2026, 4, 2)) == ["No meeting was held in Q1 2026."]


def test_the_current_quarter_warns_until_a_meeting_is_scheduled(
    committee: Committee, schedule: Schedule
) -> None:
    now = at(2026, 5, 2)
    assert (
        "meeting_due",
        "No meeting is held or scheduled in Q2 2026, which ends on 2026-06-30.",
    ) in codes(committee, now)
    schedule(at(2026, 6, 1))
    assert "meeting_due" not in [code for code, _ in codes(committee, now)]


def test_minutes_not_forwarded_within_the_clock_are_flagged(
    committee: Committee, schedule: Schedule, chair: User
) -> None:
    meeting = schedule(at(2026, 3, 5, 9), held=True)  # ends 11:00

    def overdue(now: dt.datetime) -> list[str]:
        return [m for code, m in codes(committee, now) if code == "minutes_overdue"]

    assert overdue(at(2026, 3, 19, 11)) == []
    assert overdue(at(2026, 3, 19, 11, 1)) == [
        "The minutes of the meeting of 05 March 2026 were due at the IDC on 19 March 2026."
    ]
    actions.save_minutes(acting_user=chair, meeting_id=meeting.pk, text="AEGLOBE.")
    actions.approve_minutes(acting_user=chair, meeting_id=meeting.pk)
    assert overdue(at(2026, 3, 25)) != []  # approved is not forwarded
    actions.forward_minutes(acting_user=chair, meeting_id=meeting.pk)
    assert overdue(at(2026, 3, 25)) == []


def test_the_minutes_clock_follows_the_procedures_in_effect(
    committee: Committee, schedule: Schedule, chair: User, senior: User, settings: Any
) -> None:
    from defector.policy.gates import committees as rules

    schedule(at(2026, 3, 5, 9), held=True)
    settings.DEFECTOR_MINUTES_FORWARDING_DAYS = 30
    assert "minutes_overdue" not in [c for c, _ in codes(committee, at(2026, 3, 25))]
    version = actions.create_procedures_draft(
        acting_user=chair,
        committee_id=committee.pk,
        sections=dict.fromkeys(rules.REQUIRED_SECTIONS, "x"),
        clocks={"minutes_forwarding_days": 7},
    )
    actions.approve_procedures(acting_user=chair, version_id=version.pk)
    actions.approve_procedures(acting_user=senior, version_id=version.pk)
    assert "minutes_overdue" in [c for c, _ in codes(committee, at(2026, 3, 13))]


def test_flags_reach_washington_and_the_post_but_not_the_invited(
    committee: Committee, schedule: Schedule, chair: User, idc: User, invited: User
) -> None:
    meeting = schedule(at(2026, 2, 10))
    actions.invite_to_meeting(
        acting_user=chair, meeting_id=meeting.pk, official_id=invited.official.pk
    )
    now = at(2026, 7, 1)
    for user in (chair, idc):
        assert "quarter_missed" in [flag.code for _, flag in queries.flags_for(user, now)]
    summaries = queries.committee_summaries(invited, now)
    assert [s.committee.pk for s in summaries] == [committee.pk]
    assert summaries[0].flags == []


def test_every_post_with_diplomatic_representation_gets_a_committee(world: World) -> None:
    assert queries.posts_without_committee_codes() == ["BONN", "VIENNA"]
    warnings = check_posts_have_committees()
    assert [w.id for w in warnings] == ["committees.W001"]
    assert "BONN, VIENNA" in warnings[0].msg
    out = StringIO()
    with pytest.raises(CommandError, match="2 post"):
        call_command("committees", "check", stdout=out, stderr=StringIO())
    assert out.getvalue().split() == ["BONN", "VIENNA"]
    call_command("committees", "ensure", stdout=out)
    assert "2 committee(s) created" in out.getvalue()
    assert queries.posts_without_committee_codes() == []
    assert check_posts_have_committees() == []
    assert set(Committee.objects.values_list("post__code", flat=True)) == {"BONN", "VIENNA"}
    events = AuditEvent.objects.filter(action="committees.committee.create")
    assert events.count() == 2
    assert all(e.actor_name == "system" for e in events)
    again = StringIO()
    call_command("committees", "ensure", stdout=again)
    assert "0 committee(s) created" in again.getvalue()


def test_no_committee_for_a_post_without_representation(
    world: World, administrator: User, chair: User
) -> None:
    with pytest.raises(PolicyRefusal) as refused:
        actions.ensure_committee(world.havana)
    assert refused.value.clauses == ("6",)
    with pytest.raises(PermissionDenied):
        actions.ensure_committee(world.vienna, acting_user=chair)
    committee, created = actions.ensure_committee(world.vienna, acting_user=administrator)
    assert created
    assert committee.post == world.vienna
    assert actions.ensure_committee(world.vienna) == (committee, False)


def test_an_inactive_post_is_not_flagged(world: World) -> None:
    Post.objects.filter(pk=world.bonn.pk).update(active=False)
    assert queries.posts_without_committee_codes() == ["VIENNA"]


def test_the_demo_creates_the_committees_and_vienna_meets_with_its_procedures_in_effect(
    db: Any, settings: Any
) -> None:
    from defector.ops import demo

    demo.load()
    assert queries.posts_without_committee_codes() == []
    assert not Committee.objects.filter(post__code="HAVANA").exists()
    vienna = Committee.objects.get(post__code="VIENNA")
    meetings = Meeting.objects.filter(committee=vienna)
    assert sorted(meetings.values_list("status", flat=True)) == ["held", "scheduled"]
    assert meetings.get(status="held").minutes.status == "forwarded"
    codes = {flag.code for flag in queries.committee_flags(vienna)}
    assert not codes & {"no_procedures", "minutes_overdue"}


def test_washington_sees_each_committee_with_its_own_flags_and_meetings(
    committee: Committee, bonn_committee: Committee, schedule: Schedule, idc: User
) -> None:
    """The summaries read every committee's rows at once; each keeps its own."""
    Committee.objects.filter(pk=bonn_committee.pk).update(established_on=dt.date(2026, 4, 1))
    january = schedule(at(2026, 1, 15), held=True)
    february = schedule(at(2026, 2, 10), held=True)
    july = schedule(at(2026, 7, 20))
    now = at(2026, 7, 1)
    summaries = {s.committee.pk: s for s in queries.committee_summaries(idc, now)}
    vienna, bonn = summaries[committee.pk], summaries[bonn_committee.pk]
    assert [(f.code, f.meeting_id) for f in vienna.flags] == [
        ("quarter_missed", None),
        ("minutes_overdue", february.pk),
        ("minutes_overdue", january.pk),
        ("no_procedures", None),
    ]
    assert (vienna.next_meeting, vienna.last_held) == (july, february)
    assert [f.code for f in bonn.flags] == ["quarter_missed", "meeting_due", "no_procedures"]
    assert (bonn.next_meeting, bonn.last_held) == (None, None)
    assert vienna.flags == queries.committee_flags(committee, now)
